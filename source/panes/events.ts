// The events pane: lease, logon, configuration and audit events merged newest-first by reading each table by its time index.
import type { Param, Store } from '../../store/database.js';
import type { Condition } from '../../store/pages.js';
import type { FilterTerm } from '../domain/filter-term.js';
import type { PaneRead, PaneSpec, Row } from './pane-spec.js';
import { argumentSpan, keys } from './conditions.js';
import { ipText, timeText } from './format.js';
import { parseFilterTerm } from '../domain/filter-term.js';

export const LEASE_EVENT_KINDS: Record<number, string> = { 1: 'assign', 2: 'renew', 3: 'release', 4: 'expire', 5: 'decline', 6: 'delete', 7: 'offer', 8: 'conflict', 9: 'other' };
const LOGON_KINDS: Record<number, string> = { 1: 'logon', 2: 'logoff', 4624: 'logon', 4634: 'logoff', 4647: 'logoff', 4768: 'kerberos-tgt', 4769: 'kerberos-svc' };

interface EventSource {
	rank: number;
	select: string;
	from: string;
	ts: string;
	id: string;
	/** Conditions for a term, or null when this table cannot match it (so it is left out). */
	filter(term: FilterTerm, dense?: boolean): Condition[] | null;
}

/** Host or user names containing the text; `dense` (many names match) walks the time index instead of the name indexes. */
const hostOrUser = (hostRef: string, userRef: string, text: string, dense = false): Condition => ({
	sql: `${dense ? '+' : ''}${hostRef} IN (SELECT id FROM host WHERE instr(name_lc, ?) > 0) OR ${dense ? '+' : ''}${userRef} IN (SELECT id FROM user_account WHERE instr(lower(name), ?) > 0)`,
	params: [text.toLowerCase(), text.toLowerCase()],
});

const SOURCES: EventSource[] = [
	{
		rank: 1,
		select: `'lease' AS src, e.id, e.ts, e.kind, e.family, e.ip, c.mac, coalesce(c.client_id, c.duid) AS client, h.name AS host, u.name AS user, sv.name AS server, e.expires AS detail`,
		from: 'lease_event e LEFT JOIN client c ON c.id = e.client_ref LEFT JOIN host h ON h.id = e.host_ref LEFT JOIN user_account u ON u.id = e.user_ref LEFT JOIN server sv ON sv.id = e.server_id',
		ts: 'e.ts',
		id: 'e.id',
		filter(term, dense) {
			if (term.kind === 'span') {
				const [s, e] = keys(term.span);
				// Many matching events: walk the time index and test each row's address ('+' keeps SQLite off the
				// address index); few: read them by address and sort the handful.
				return [{ sql: dense ? '+e.family = ? AND +e.ip BETWEEN ? AND ?' : 'e.family = ? AND e.ip BETWEEN ? AND ?', params: [term.span.family, s, e] }];
			}
			if (term.kind === 'mac') return [{ sql: 'e.client_ref IN (SELECT id FROM client WHERE mac = ?)', params: [term.mac] }];
			if (term.kind === 'mac-prefix') return [{ sql: 'e.client_ref IN (SELECT id FROM client WHERE mac >= ? AND mac < ?)', params: [term.prefix, term.prefix + ';'] }];
			return [hostOrUser('e.host_ref', 'e.user_ref', term.text, dense)];
		},
	},
	{
		rank: 2,
		select: `'logon' AS src, lo.id, lo.ts, lo.kind, lo.family, lo.ip, NULL AS mac, NULL AS client, h.name AS host, u.name AS user, sv.name AS server, lo.logon_type AS detail`,
		from: 'logon_event lo JOIN user_account u ON u.id = lo.user_ref LEFT JOIN host h ON h.id = lo.host_ref LEFT JOIN server sv ON sv.id = lo.server_id',
		ts: 'lo.ts',
		id: 'lo.id',
		filter(term) {
			if (term.kind === 'span') {
				const [s, e] = keys(term.span);
				return [{ sql: 'lo.family = ? AND lo.ip BETWEEN ? AND ?', params: [term.span.family, s, e] }];
			}
			if (term.kind !== 'text') return null;
			return [hostOrUser('lo.host_ref', 'lo.user_ref', term.text)];
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

function compare(a: Row, b: Row): number {
	for (let i = 0; i < 3; i++) {
		const x = Number(a._k[i]);
		const y = Number(b._k[i]);
		if (x !== y) return x - y;
	}
	return 0;
}

/**
 * Above `events` lease events in an address span (or `hosts` host names matching a text), reading newest-first by
 * time beats reading by address or name and sorting. Exported so tests can force either plan.
 */
export const eventPlan = { events: 4000, hosts: 100 };
const density = new Map<string, Promise<boolean>>();

/** Forgets remembered densities (after the plan thresholds change, in tests). */
export function forgetDensities(): void {
	density.clear();
}

/**
 * Whether a term matches many lease events — an address span holding many, or a text many host names contain —
 * so reading newest-first along the time index finds a page soon. One capped count, remembered per term.
 */
function isDense(store: Store, term: FilterTerm): Promise<boolean> {
	if (term.kind !== 'span' && term.kind !== 'text') return Promise.resolve(false);
	const id = term.kind === 'span' ? `${term.span.family}:${term.span.start}:${term.span.end}` : `text:${term.text.toLowerCase()}`;
	let known = density.get(id);
	if (!known) {
		const [sql, params, cap] =
			term.kind === 'span'
				? ['SELECT count(*) AS n FROM (SELECT 1 FROM lease_event WHERE ip BETWEEN ? AND ? LIMIT ?)', [...keys(term.span), eventPlan.events], eventPlan.events]
				: ['SELECT count(*) AS n FROM (SELECT 1 FROM host WHERE instr(name_lc, ?) > 0 LIMIT ?)', [term.text.toLowerCase(), eventPlan.hosts], eventPlan.hosts];
		known = store.get<{ n: number }>(sql, params as Param[]).then(r => (r?.n ?? 0) >= cap);
		if (density.size > 256) density.clear();
		density.set(id, known);
	}
	return known;
}

export async function readEvents(store: Store, request: PaneRead): Promise<Row[]> {
	const ascending = (request.direction === 'after') !== request.descending;
	const terms = [request.scope?.term, request.term].filter((t): t is FilterTerm => !!t);
	const dense = await Promise.all(terms.map(t => isDense(store, t)));
	const pages = await Promise.all(
		SOURCES.map(async src => {
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
	);
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
