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
}

export class EventFilterError extends Error {}

export function eventAnchor(row: EventRow): EventAnchor {
	return { ts: row.ts, kind: row.kind, id: row.id };
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

const QUERIES: Record<EventKind, (server: boolean) => string> = {
	lease: server => `SELECT e.id, e.ts, e.kind AS code, e.ip, e.expires, s.name AS server,
			coalesce(c.mac, c.client_id, c.duid, c.key) AS who, h.name AS host
		FROM lease_event e LEFT JOIN server s ON s.id = e.server_id LEFT JOIN client c ON c.id = e.client_ref LEFT JOIN host h ON h.id = e.host_ref
		WHERE e.ts BETWEEN ? AND ? AND %PAGE% %MATCH% ${server ? 'AND e.server_id = ?' : ''} ORDER BY e.ts DESC, e.id DESC LIMIT ?`,
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

function toRow(kind: EventKind, r: Raw): EventRow {
	const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
	switch (kind) {
		case 'lease':
			return {
				kind, id: r.id, ts: r.ts,
				action: leaseEventKindName(r.code as number),
				server: (r.server as string | null) ?? null,
				subject: formatKey(r.ip as Buffer),
				who: text(r.who),
				detail: [r.host ? `host ${r.host}` : '', r.expires ? `until ${formatTime(r.expires as number)}` : ''].filter(Boolean).join(', '),
				before: null, after: null,
			};
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
	return b.ts - a.ts || EVENT_KINDS.indexOf(a.kind) - EVENT_KINDS.indexOf(b.kind) || b.id - a.id;
}

/** One page of events, newest first; reads at most `limit` rows per kind through each table's ts index. */
/** The extra condition per kind for `filter.match`; null = this kind cannot match (left out). */
function matchCondition(kind: EventKind, text: string): { sql: string; params: unknown[] } | null {
	const t = text.trim();
	const address = tryParseAddress(t);
	const mac = address ? null : tryParseMac(t);
	const lc = t.toLowerCase();
	const host = `e.host_ref IN (SELECT id FROM host WHERE name_lc >= ? AND name_lc < ?)`;
	switch (kind) {
		case 'lease':
			if (address) return { sql: 'AND e.ip = ?', params: [Buffer.from(addressKeyHex(address), 'hex')] };
			if (mac) return { sql: 'AND e.client_ref IN (SELECT id FROM client WHERE mac = ?)', params: [mac] };
			return { sql: `AND ${host}`, params: [lc, `${lc}\u{10ffff}`] };
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
		const cond = pageCondition(kind, page.after, 'e');
		const match = filter.match !== undefined ? matchCondition(kind, filter.match) : { sql: '', params: [] };
		if (!match) continue;
		const sql = QUERIES[kind](serverId !== undefined).replace('%PAGE%', cond.sql).replace('%MATCH%', match.sql);
		const params = [from, to, ...cond.params, ...match.params, ...(serverId !== undefined && kind !== 'audit' ? [serverId] : []), page.limit];
		for (const r of await store.all<Raw>(sql, params as never)) rows.push(toRow(kind, r));
	}
	return rows.sort(order).slice(0, page.limit);
}
