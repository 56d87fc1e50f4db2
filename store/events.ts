// The unified event list: lease, logon, configuration-change events and the audit trail, newest first, paged by key.
// API (used by `ipam events` and the TUI's events pane):
//   listEvents(store, filter, { limit, after? }) → EventRow[]  (after = the last row of the previous page)
//   eventAnchor(row) → the key to pass as `after` for the next (older) page
// Rows carry raw strings from servers and files: sanitize at display (the column renderers do).
import type { Store } from './database.js';
import { formatKey, tryParseAddress, addressKeyHex } from '../source/domain/ip.js';
import { tryParseMac } from '../source/domain/mac.js';
import { leaseEventKindName } from '../source/domain/dhcp.js';
import { logonKindName } from '../source/domain/logon.js';
import { formatTime } from '../source/domain/time.js';
import { readLeaseEvents, type ChunkAccess, type LeaseEventRead, type LeaseEventRow } from './lease-history-read.js';
import type { Condition } from './pages.js';

export type EventKind = 'lease' | 'logon' | 'config' | 'audit';
export const EVENT_KINDS: EventKind[] = ['lease', 'logon', 'config', 'audit'];

export interface EventRow {
	kind: EventKind;
	id: number;
	ts: number;
	/** What happened: assign, renew… / logon (4624)… / scope-changed… / update range… */
	action: string;
	server: string | null;
	/** What it happened to: an address, a user, a configuration object, an audited object. */
	subject: string;
	/** Who: the client (MAC/client id/DUID), the workstation, the actor. */
	who: string;
	detail: string;
	/** JSON text for config and audit events (diff with source/domain/diff.ts). */
	before: string | null;
	after: string | null;
	/** Orders lease events of one second (their stored identity, the same whichever index found them); other kinds order by id. */
	tie?: string;
}

export interface EventFilter {
	kinds?: EventKind[];
	/** Server name (case-insensitive); the audit trail has no server and is left out when this is set. */
	server?: string;
	from?: number | null;
	to?: number | null;
	/**
	 * What the events are about: an address (lease and logon events of it), a MAC (lease events of the
	 * clients with it), a user (logons), or text (host-name prefix, config object key, audit summary).
	 */
	match?: string;
}

export interface EventAnchor {
	ts: number;
	kind: EventKind;
	id: number;
	/** A lease anchor's tie (see EventRow.tie). */
	tie?: string;
}

export class EventFilterError extends Error {}

export function eventAnchor(row: EventRow): EventAnchor {
	return { ts: row.ts, kind: row.kind, id: row.id, ...(row.tie === undefined ? {} : { tie: row.tie }) };
}

/** Rows of one kind strictly after the anchor in (ts DESC, kind order, id DESC). */
function pageCondition(kind: EventKind, anchor: EventAnchor | undefined, alias: string): { sql: string; params: unknown[] } {
	if (!anchor) return { sql: '1', params: [] };
	const mine = EVENT_KINDS.indexOf(kind);
	const theirs = EVENT_KINDS.indexOf(anchor.kind);
	if (mine > theirs) return { sql: `${alias}.ts <= ?`, params: [anchor.ts] };
	if (mine < theirs) return { sql: `${alias}.ts < ?`, params: [anchor.ts] };
	return { sql: `(${alias}.ts < ? OR (${alias}.ts = ? AND ${alias}.id < ?))`, params: [anchor.ts, anchor.ts, anchor.id] };
}

const QUERIES: Record<Exclude<EventKind, 'lease'>, (server: boolean) => string> = {
	logon: server => `SELECT e.id, e.ts, e.kind AS code, e.ip, u.name AS user, h.name AS host, s.name AS server, e.logon_type, e.source
		FROM logon_event e JOIN user_account u ON u.id = e.user_ref LEFT JOIN host h ON h.id = e.host_ref LEFT JOIN server s ON s.id = e.server_id
		WHERE e.ts BETWEEN ? AND ? AND %PAGE% %MATCH% ${server ? 'AND e.server_id = ?' : ''} ORDER BY e.ts DESC, e.id DESC LIMIT ?`,
	config: server => `SELECT e.id, e.ts, e.kind AS code, e.object_key, e.actor, e.before, e.after, s.name AS server
		FROM config_event e LEFT JOIN server s ON s.id = e.server_id
		WHERE e.ts BETWEEN ? AND ? AND %PAGE% %MATCH% ${server ? 'AND e.server_id = ?' : ''} ORDER BY e.ts DESC, e.id DESC LIMIT ?`,
	audit: () => `SELECT e.id, e.ts, e.action AS code, e.object_kind, e.object_id, e.actor, e.source, e.summary, e.before, e.after
		FROM audit e WHERE e.ts BETWEEN ? AND ? AND %PAGE% %MATCH% ORDER BY e.ts DESC, e.id DESC LIMIT ?`,
};

type Raw = Record<string, unknown> & { id: number; ts: number };

function leaseRow(r: LeaseEventRow): EventRow {
	return {
		kind: 'lease', id: r.id, ts: r.ts, tie: r.tie,
		action: leaseEventKindName(r.kind),
		server: r.server,
		subject: formatKey(r.ip),
		who: r.mac ?? r.client_id ?? r.duid ?? r.client_key ?? '',
		detail: [r.host ? `host ${r.host}` : '', r.expires ? `until ${formatTime(r.expires)}` : ''].filter(Boolean).join(', '),
		before: null, after: null,
	};
}

function toRow(kind: EventKind, r: Raw): EventRow {
	const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
	switch (kind) {
		case 'logon':
			return {
				kind, id: r.id, ts: r.ts,
				action: logonKindName(r.code as number),
				server: (r.server as string | null) ?? null,
				subject: text(r.user),
				who: text(r.host),
				detail: [r.ip ? formatKey(r.ip as Buffer) : '', r.logon_type ? `type ${r.logon_type}` : '', text(r.source)].filter(Boolean).join(', '),
				before: null, after: null,
			};
		case 'config':
			return {
				kind, id: r.id, ts: r.ts,
				action: text(r.code),
				server: (r.server as string | null) ?? null,
				subject: text(r.object_key),
				who: text(r.actor),
				detail: '',
				before: (r.before as string | null) ?? null,
				after: (r.after as string | null) ?? null,
			};
		default:
			return {
				kind, id: r.id, ts: r.ts,
				action: `${text(r.code)} ${text(r.object_kind)}`,
				server: null,
				subject: r.object_id === null || r.object_id === undefined ? text(r.object_kind) : `${text(r.object_kind)} ${r.object_id}`,
				who: `${text(r.actor)} (${text(r.source)})`,
				detail: text(r.summary),
				before: (r.before as string | null) ?? null,
				after: (r.after as string | null) ?? null,
			};
	}
}

function order(a: EventRow, b: EventRow): number {
	const tie = a.tie !== undefined && b.tie !== undefined ? (a.tie < b.tie ? 1 : a.tie > b.tie ? -1 : 0) : 0;
	return b.ts - a.ts || EVENT_KINDS.indexOf(a.kind) - EVENT_KINDS.indexOf(b.kind) || tie || b.id - a.id;
}

/** Above this many host names starting with a --match text, lease events are found along time, not per host. */
const SPARSE_HOSTS = 100;

/** How lease events match `filter.match`: one address or a MAC's clients through their chunk index, a host-name prefix likewise unless it names many hosts. */
async function leaseMatch(store: Store, text: string): Promise<{ where: Condition[]; access?: ChunkAccess }> {
	const t = text.trim();
	const address = tryParseAddress(t);
	if (address) {
		const key = Buffer.from(addressKeyHex(address), 'hex');
		return { where: [{ sql: 'ev.ip = ?', params: [key] }], access: { by: 'ip', family: address.family, start: key, end: key } };
	}
	const mac = tryParseMac(t);
	if (mac) {
		const ids = { sql: 'SELECT id FROM client WHERE mac = ?', params: [mac] };
		return { where: [{ sql: `ev.client_ref IN (${ids.sql})`, params: ids.params }], access: { by: 'client', ids } };
	}
	const range = [t.toLowerCase(), `${t.toLowerCase()}\u{10ffff}`];
	const ids = { sql: 'SELECT id FROM host WHERE name_lc >= ? AND name_lc < ?', params: range };
	const hosts = await store.get<{ n: number }>(`SELECT count(*) AS n FROM (${ids.sql} LIMIT ?)`, [...range, SPARSE_HOSTS]);
	if ((hosts?.n ?? 0) < SPARSE_HOSTS) return { where: [{ sql: `ev.host_ref IN (${ids.sql})`, params: ids.params }], access: { by: 'host', ids } };
	// Many hosts: test each event's host by key rather than building the whole list of ids.
	return { where: [{ sql: 'EXISTS (SELECT 1 FROM host h WHERE h.id = ev.host_ref AND h.name_lc >= ? AND h.name_lc < ?)', params: range }] };
}

/** One page of lease events after the anchor, newest first. */
async function leaseEvents(store: Store, filter: EventFilter, serverId: number | undefined, page: { limit: number; after?: EventAnchor }): Promise<EventRow[]> {
	const read: LeaseEventRead = { where: [], from: filter.from ?? 0, to: filter.to ?? 253402300799, limit: page.limit };
	if (filter.match !== undefined) Object.assign(read, await leaseMatch(store, filter.match));
	if (serverId !== undefined) read.where = [...read.where, { sql: 'ev.server_id = ?', params: [serverId] }];
	// Lease sorts first among kinds: at the anchor's second, only a lease anchor leaves lease events after it.
	const a = page.after;
	if (a) read.anchor = a.kind === 'lease' && a.tie !== undefined ? { ts: a.ts, tie: a.tie } : { ts: a.ts };
	return (await readLeaseEvents(store, read)).map(leaseRow);
}

/** The extra condition per kind for `filter.match`; null = this kind cannot match (left out). */
function matchCondition(kind: Exclude<EventKind, 'lease'>, text: string): { sql: string; params: unknown[] } | null {
	const t = text.trim();
	const address = tryParseAddress(t);
	const mac = address ? null : tryParseMac(t);
	const lc = t.toLowerCase();
	const host = `e.host_ref IN (SELECT id FROM host WHERE name_lc >= ? AND name_lc < ?)`;
	switch (kind) {
		case 'logon':
			if (address) return { sql: 'AND e.ip = ?', params: [Buffer.from(addressKeyHex(address), 'hex')] };
			if (mac) return null;
			return {
				sql: `AND (e.user_ref IN (SELECT id FROM user_account WHERE name_lc = ?) OR ${host})`,
				params: [lc.replace(/^.*\\/, '').replace(/@.*$/, ''), lc, `${lc}\u{10ffff}`],
			};
		case 'config':
			return { sql: `AND (instr(lower(e.object_key), ?) > 0 OR e.kind = ?)`, params: [lc, lc] };
		default:
			return { sql: `AND (instr(lower(e.summary), ?) > 0 OR e.object_kind = ?)`, params: [lc, lc] };
	}
}

/** One page of events, newest first; reads at most `limit` rows per kind through each table's time or key index. */
export async function listEvents(store: Store, filter: EventFilter, page: { limit: number; after?: EventAnchor }): Promise<EventRow[]> {
	let kinds = filter.kinds && filter.kinds.length > 0 ? filter.kinds : EVENT_KINDS;
	let serverId: number | undefined;
	if (filter.server !== undefined) {
		const s = await store.get<{ id: number }>('SELECT id FROM server WHERE name = ? COLLATE NOCASE', [filter.server]);
		if (!s) throw new EventFilterError(`no server named "${filter.server}"`);
		serverId = s.id;
		kinds = kinds.filter(k => k !== 'audit');
	}
	const from = filter.from ?? 0;
	const to = filter.to ?? 253402300799;
	const rows: EventRow[] = [];
	for (const kind of kinds) {
		if (kind === 'lease') {
			rows.push(...(await leaseEvents(store, filter, serverId, page)));
			continue;
		}
		const cond = pageCondition(kind, page.after, 'e');
		const match = filter.match !== undefined ? matchCondition(kind, filter.match) : { sql: '', params: [] };
		if (!match) continue;
		const sql = QUERIES[kind](serverId !== undefined).replace('%PAGE%', cond.sql).replace('%MATCH%', match.sql);
		const params = [from, to, ...cond.params, ...match.params, ...(serverId !== undefined && kind !== 'audit' ? [serverId] : []), page.limit];
		for (const r of await store.all<Raw>(sql, params as never)) rows.push(toRow(kind, r));
	}
	return rows.sort(order).slice(0, page.limit);
}
