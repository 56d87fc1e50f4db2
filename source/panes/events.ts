// The events pane: lease, logon, configuration and audit events merged newest-first, each read by its time index
// (lease history by its page index, or by address / client / host through its chunk indexes when few events match).
import type { Param, Store } from '../../store/database.js';
import type { Condition } from '../../store/pages.js';
import type { FilterTerm } from '../domain/filter-term.js';
import type { PaneRead, PaneSpec, Row } from './pane-spec.js';
import { argumentSpan, keys } from './conditions.js';
import { ipText, timeText } from './format.js';
import { parseFilterTerm } from '../domain/filter-term.js';
import { readLeaseEvents, SPAN_CHUNKS_SQL, type ChunkAccess, type LeaseEventRead } from '../../store/lease-history-read.js';

export const LEASE_EVENT_KINDS: Record<number, string> = { 1: 'assign', 2: 'renew', 3: 'release', 4: 'expire', 5: 'decline', 6: 'delete', 7: 'offer', 8: 'conflict', 9: 'other' };
const LOGON_KINDS: Record<number, string> = { 1: 'logon', 2: 'logoff', 4624: 'logon', 4634: 'logoff', 4647: 'logoff', 4768: 'kerberos-tgt', 4769: 'kerberos-svc' };

interface EventSource {
	rank: number;
	select: string;
	from: string;
	ts: string;
	id: string;
	/** Conditions for a term, or null when this table cannot match it (so it is left out). */
	filter(term: FilterTerm, dense: boolean): Condition[] | null;
}

/**
 * Host or user names containing the text. `dense` (many names match): each row's host and user looked up by key,
 * instead of first listing every matching name (a scan of all host names per statement).
 */
const hostOrUser = (hostRef: string, userRef: string, text: string, dense = false): Condition => ({
	sql: dense
		? `EXISTS (SELECT 1 FROM host h WHERE h.id = ${hostRef} AND instr(h.name_lc, ?) > 0) OR EXISTS (SELECT 1 FROM user_account u WHERE u.id = ${userRef} AND instr(lower(u.name), ?) > 0)`
		: `${hostRef} IN (SELECT id FROM host WHERE instr(name_lc, ?) > 0) OR ${userRef} IN (SELECT id FROM user_account WHERE instr(lower(name), ?) > 0)`,
	params: [text.toLowerCase(), text.toLowerCase()],
});

const SOURCES: EventSource[] = [
	{
		rank: 2,
		select: `'logon' AS src, lo.id, lo.ts, lo.kind, lo.family, lo.ip, NULL AS mac, NULL AS client, h.name AS host, u.name AS user, sv.name AS server, lo.logon_type AS detail`,
		from: 'logon_event lo JOIN user_account u ON u.id = lo.user_ref LEFT JOIN host h ON h.id = lo.host_ref LEFT JOIN server sv ON sv.id = lo.server_id',
		ts: 'lo.ts',
		id: 'lo.id',
		filter(term, dense) {
			if (term.kind === 'span') {
				const [s, e] = keys(term.span);
				return [{ sql: 'lo.family = ? AND lo.ip BETWEEN ? AND ?', params: [term.span.family, s, e] }];
			}
			if (term.kind !== 'text') return null;
			return [hostOrUser('lo.host_ref', 'lo.user_ref', term.text, dense)];
		},
	},
	{
		rank: 3,
		select: `'config' AS src, ce.id, ce.ts, ce.kind, NULL AS family, NULL AS ip, NULL AS mac, NULL AS client, ce.object_key AS host, ce.actor AS user, sv.name AS server, ce.after AS detail`,
		from: 'config_event ce LEFT JOIN server sv ON sv.id = ce.server_id',
		ts: 'ce.ts',
		id: 'ce.id',
		filter(term) {
			if (term.kind !== 'text') return null;
			const t = term.text.toLowerCase();
			return [{ sql: 'instr(lower(ce.object_key), ?) > 0 OR instr(lower(ce.kind), ?) > 0 OR instr(lower(ce.actor), ?) > 0', params: [t, t, t] }];
		},
	},
	{
		rank: 4,
		select: `'audit' AS src, au.id, au.ts, au.action AS kind, NULL AS family, NULL AS ip, NULL AS mac, NULL AS client, au.object_kind || ' ' || coalesce(au.object_id, '') AS host, au.actor AS user, au.source AS server, au.summary AS detail`,
		from: 'audit au',
		ts: 'au.ts',
		id: 'au.id',
		filter(term) {
			if (term.kind !== 'text') return null;
			const t = term.text.toLowerCase();
			return [{ sql: 'instr(lower(au.summary), ?) > 0 OR instr(lower(au.actor), ?) > 0 OR instr(lower(au.object_kind), ?) > 0', params: [t, t, t] }];
		},
	},
];

/** Keyset on (ts, rank, id) for one table whose rank is fixed: lets each table use its own ts index. */
function keysetFor(src: EventSource, anchor: Param[], ascending: boolean, inclusive: boolean): Condition {
	const [ts, rank, id] = anchor as [number, number, number];
	const gt = ascending ? '>' : '<';
	if (src.rank === rank) return { sql: `(${src.ts}, ${src.id}) ${gt}${inclusive ? '=' : ''} (?, ?)`, params: [ts, id] };
	const later = ascending ? src.rank > rank : src.rank < rank;
	return { sql: `${src.ts} ${gt}${later ? '=' : ''} ?`, params: [ts] };
}

/** Sort keys [ts, rank, id or lease tie]: numbers, except a lease event's tie (text, compared as SQLite compares it). */
function compare(a: Row, b: Row): number {
	for (let i = 0; i < 3; i++) {
		const x = a._k[i];
		const y = b._k[i];
		if (typeof x === 'string' && typeof y === 'string') {
			if (x !== y) return x < y ? -1 : 1;
			continue;
		}
		if (Number(x) !== Number(y)) return Number(x) - Number(y);
	}
	return 0;
}

const LEASE_RANK = 1;

/**
 * Below `events` lease chunks in an address span (or `hosts` host or user names containing a text, `clients` clients
 * under a MAC prefix), reading the few by their chunk index and sorting them beats walking time order through the
 * pages. Exported so tests can force either plan.
 */
export const eventPlan = { events: 20000, hosts: 100, clients: 100 };
const density = new Map<string, Promise<boolean>>();

/** Forgets remembered densities (after the plan thresholds change, in tests). */
export function forgetDensities(): void {
	density.clear();
}

async function atLeast(store: Store, sql: string, params: Param[], cap: number): Promise<boolean> {
	const r = await store.get<{ n: number }>(`SELECT count(*) AS n FROM (${sql} LIMIT ?)`, [...params, cap]);
	return (r?.n ?? 0) >= cap;
}

/**
 * Whether a term matches many lease events — a span holding many chunks, a MAC prefix of many clients, a text many
 * host names contain (or any user name: users are not indexed) — so walking time order finds a page soon. One capped
 * count, remembered per term.
 */
function isDense(store: Store, term: FilterTerm): Promise<boolean> {
	if (term.kind === 'mac') return Promise.resolve(false);
	const id =
		term.kind === 'span' ? `${term.span.family}:${term.span.start}:${term.span.end}` : term.kind === 'mac-prefix' ? `mac:${term.prefix}` : `text:${term.text.toLowerCase()}`;
	let known = density.get(id);
	if (!known) {
		if (term.kind === 'span') known = atLeast(store, SPAN_CHUNKS_SQL, keys(term.span), eventPlan.events);
		else if (term.kind === 'mac-prefix') known = atLeast(store, 'SELECT 1 FROM client WHERE mac >= ? AND mac < ?', [term.prefix, term.prefix + ';'], eventPlan.clients);
		else {
			const t = term.text.toLowerCase();
			known = Promise.all([
				atLeast(store, 'SELECT 1 FROM host WHERE instr(name_lc, ?) > 0', [t], eventPlan.hosts),
				atLeast(store, 'SELECT 1 FROM user_account WHERE instr(lower(name), ?) > 0', [t], 1),
			]).then(([hosts, users]) => hosts || users);
		}
		if (density.size > 256) density.clear();
		density.set(id, known);
	}
	return known;
}

/** A term as conditions on one lease event, plus the chunk index that finds its events when they are few. */
async function leaseTerm(store: Store, term: FilterTerm, dense: boolean): Promise<{ where: Condition; access?: ChunkAccess }> {
	if (term.kind === 'span') {
		const [start, end] = keys(term.span);
		return { where: { sql: 'ev.family = ? AND ev.ip BETWEEN ? AND ?', params: [term.span.family, start, end] }, access: dense ? undefined : { by: 'ip', family: term.span.family, start, end } };
	}
	if (term.kind === 'mac') {
		const ids = { sql: 'SELECT id FROM client WHERE mac = ?', params: [term.mac] };
		return { where: { sql: `ev.client_ref IN (${ids.sql})`, params: ids.params }, access: { by: 'client', ids } };
	}
	if (term.kind === 'mac-prefix') {
		const range = [term.prefix, term.prefix + ';'];
		if (dense) return { where: { sql: 'EXISTS (SELECT 1 FROM client c WHERE c.id = ev.client_ref AND c.mac >= ? AND c.mac < ?)', params: range } };
		const ids = { sql: 'SELECT id FROM client WHERE mac >= ? AND mac < ?', params: range };
		return { where: { sql: `ev.client_ref IN (${ids.sql})`, params: ids.params }, access: { by: 'client', ids } };
	}
	const t = term.text.toLowerCase();
	// Many names: look each event's host and user up by key instead of listing every matching id first.
	if (dense) return { where: hostOrUser('ev.host_ref', 'ev.user_ref', t, true) };
	// Few hosts and no user: listed once for this read rather than by every statement scanning the host names again.
	const hosts = await store.get<{ ids: string }>('SELECT json_group_array(id) AS ids FROM host WHERE instr(name_lc, ?) > 0', [t]);
	const ids = { sql: 'SELECT value FROM json_each(?)', params: [hosts?.ids ?? '[]'] };
	return { where: { sql: `ev.host_ref IN (${ids.sql})`, params: ids.params }, access: { by: 'host', ids } };
}

/** One page of lease events for the merged list: time order along the pages, or through a sparse term's chunk index. */
async function readLease(store: Store, request: PaneRead, terms: FilterTerm[], dense: boolean[], ascending: boolean): Promise<Row[]> {
	const read: LeaseEventRead = { where: [], ascending, limit: request.limit };
	for (const [i, t] of terms.entries()) {
		const { where, access } = await leaseTerm(store, t, dense[i]);
		read.where.push(where);
		if (access && !read.access) read.access = access;
	}
	if (request.anchor) {
		const [ts, rank, tie] = request.anchor as [number, number, Param];
		read.anchor =
			rank === LEASE_RANK
				? { ts, tie: String(tie), inclusive: !!request.inclusive }
				: // Another table's row: lease events of its second come before it (rank 1 sorts first) or after it.
					{ ts, inclusive: ascending ? LEASE_RANK > rank : LEASE_RANK < rank };
	}
	const rows = await readLeaseEvents(store, read);
	return rows.map(r => ({
		src: 'lease', id: r.id, ts: r.ts, kind: r.kind, family: r.family, ip: r.ip, mac: r.mac, client: r.client_id ?? r.duid,
		host: r.host, user: r.user, server: r.server, detail: r.expires,
		_k: [r.ts, LEASE_RANK, r.tie],
	}));
}

export async function readEvents(store: Store, request: PaneRead): Promise<Row[]> {
	const ascending = (request.direction === 'after') !== request.descending;
	const terms = [request.scope?.term, request.term].filter((t): t is FilterTerm => !!t);
	const dense = await Promise.all(terms.map(t => isDense(store, t)));
	const pages = await Promise.all([
		readLease(store, request, terms, dense, ascending),
		...SOURCES.map(async src => {
			const where: Condition[] = [];
			for (const [i, t] of terms.entries()) {
				const c = src.filter(t, dense[i]);
				if (!c) return [];
				where.push(...c);
			}
			if (request.anchor) where.push(keysetFor(src, request.anchor, ascending, !!request.inclusive));
			const dir = ascending ? 'ASC' : 'DESC';
			const sql = `SELECT ${src.select} FROM ${src.from} ${where.length ? 'WHERE ' + where.map(c => `(${c.sql})`).join(' AND ') : ''} ORDER BY ${src.ts} ${dir}, ${src.id} ${dir} LIMIT ?`;
			const rows = await store.all<Record<string, unknown>>(sql, [...where.flatMap(c => c.params), request.limit]);
			return rows.map(r => Object.assign(r, { _k: [Number(r.ts), src.rank, Number(r.id)] as Param[] }) as Row);
		}),
	]);
	const merged = pages.flat().sort((a, b) => (ascending ? compare(a, b) : compare(b, a))).slice(0, request.limit);
	// Display order is the sort order; a 'before' page was read backwards.
	return request.direction === 'before' ? merged.reverse() : merged;
}

function eventKind(r: Row): string {
	if (r.src === 'lease') return LEASE_EVENT_KINDS[Number(r.kind)] ?? String(r.kind);
	if (r.src === 'logon') return LOGON_KINDS[Number(r.kind)] ?? String(r.kind);
	return String(r.kind);
}

function detail(r: Row): string {
	if (r.src === 'lease') return r.detail == null ? '' : `until ${timeText(r.detail)}`;
	if (r.src === 'logon') return r.detail == null ? '' : `type ${r.detail}`;
	return String(r.detail ?? '');
}

export const eventsPane: PaneSpec = {
	id: 'events',
	title: 'Events',
	aliases: ['event', 'ev', 'history', 'e'],
	read: readEvents,
	defaultSort: { column: 'time', descending: true },
	columns: [
		{ key: 'time', header: 'TIME', width: 19, value: r => Number(r.ts), text: r => timeText(r.ts), sortSql: 'ts' },
		{ key: 'source', header: 'SOURCE', width: 6, value: r => r.src as string, color: r => (r.src === 'audit' ? 'magenta' : r.src === 'config' ? 'yellow' : r.src === 'logon' ? 'cyan' : undefined) },
		{ key: 'event', header: 'EVENT', width: 12, value: r => eventKind(r) },
		{ key: 'ip', header: 'IP', width: 18, value: r => ipText(r.ip) },
		{ key: 'mac', header: 'MAC / CLIENT', width: 17, value: r => (r.mac ?? r.client ?? '') as string },
		{ key: 'host', header: 'HOST / OBJECT', width: 'flex', value: r => (r.host as string | null) ?? '' },
		{ key: 'user', header: 'USER', width: 14, value: r => (r.user as string | null) ?? '' },
		{ key: 'server', header: 'SERVER', width: 10, value: r => (r.server as string | null) ?? '' },
		{ key: 'detail', header: 'DETAIL', width: 'flex', value: r => detail(r) },
	],
	// The reader applies the term per table itself; nothing generic to add.
	filter: () => [],
	argument(arg) {
		if (!arg.trim()) return null;
		const span = argumentSpan(arg);
		const term: FilterTerm = span ? { kind: 'span', span, text: arg } : parseFilterTerm(arg);
		return { label: arg, where: [], term };
	},
	describe: r => ({ kind: 'event', id: Number(r.id), family: r.family == null ? undefined : Number(r.family), start: r.ip as Uint8Array | undefined, row: r }),
	copyValue: r => ipText(r.ip) || String(r.host ?? ''),
	trackTerm: r => ipText(r.ip) || (r.mac as string | null) || null,
};
