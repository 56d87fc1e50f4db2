// Read-only queries behind the TUI's describe view: one object's fields, custom fields, tags, containing hierarchy and history.
import type { Param, Store } from './database.js';
import { readLeaseEvents } from './lease-history-read.js';

const TABLES: Record<string, string> = { block: 'block', subnet: 'subnet', range: 'range', address: 'address', server: 'server' };

export async function objectFields(store: Store, kind: string, id: number): Promise<Record<string, unknown> | undefined> {
	const table = TABLES[kind];
	if (!table) return undefined;
	return store.get(`SELECT * FROM ${table} WHERE id = ?`, [id]);
}

export function customFields(store: Store, kind: string, id: number): Promise<{ name: string; value: string }[]> {
	return store.all(
		`SELECT f.name, v.value FROM custom_field_value v JOIN custom_field f ON f.id = v.field_id WHERE v.object_kind = ? AND v.object_id = ? ORDER BY f.name, v.value`,
		[kind, id],
	);
}

export function tags(store: Store, kind: string, id: number): Promise<{ name: string }[]> {
	return store.all(`SELECT t.name FROM object_tag o JOIN tag t ON t.id = o.tag_id WHERE o.object_kind = ? AND o.object_id = ? ORDER BY t.name`, [kind, id]);
}

export interface Container {
	kind: 'block' | 'subnet' | 'range';
	id: number;
	start: Uint8Array;
	end: Uint8Array;
	prefix_len: number | null;
	name: string;
}

/** Every block, subnet and range containing [start, end], outermost first. */
export async function containers(store: Store, family: number, start: Uint8Array, end: Uint8Array): Promise<Container[]> {
	const params: Param[] = [family, start, end];
	const [blocks, subnets, ranges] = await Promise.all([
		store.all<Container>(`SELECT 'block' AS kind, id, start, end, prefix_len, name FROM block WHERE family = ? AND start <= ? AND end >= ? ORDER BY prefix_len LIMIT 20`, params),
		store.all<Container>(`SELECT 'subnet' AS kind, id, start, end, prefix_len, name FROM subnet WHERE family = ? AND start <= ? AND end >= ? ORDER BY prefix_len LIMIT 5`, params),
		store.all<Container>(`SELECT 'range' AS kind, id, start, end, NULL AS prefix_len, name FROM range WHERE family = ? AND start <= ? AND end >= ? LIMIT 5`, params),
	]);
	return [...blocks, ...subnets, ...ranges];
}

export function auditHistory(store: Store, kind: string, id: number, limit = 10): Promise<{ ts: number; actor: string; action: string; summary: string }[]> {
	return store.all(`SELECT ts, actor, action, summary FROM audit WHERE object_kind = ? AND object_id = ? ORDER BY ts DESC LIMIT ?`, [kind, id, limit]);
}

/** The latest lease events of one address, newest first, through its chunk index one time bucket at a time. */
export async function leaseHistory(store: Store, ip: Uint8Array, limit = 10): Promise<{ ts: number; kind: number; mac: string | null; host: string | null; server: string | null }[]> {
	const key = Buffer.from(ip);
	const rows = await readLeaseEvents(store, { where: [], access: { by: 'ip', family: key.length === 4 ? 4 : 6, start: key, end: key }, limit });
	return rows.map(r => ({ ts: r.ts, kind: r.kind, mac: r.mac, host: r.host, server: r.server }));
}

/** Servers with how fresh their data is, for the header (small table; capped). */
export function serverFreshness(store: Store, limit = 8): Promise<{ id: number; name: string; status: string; collected_at: number | null; interval_s: number | null }[]> {
	return store.all(
		`SELECT sv.id, sv.name, sv.status, sv.collected_at, (SELECT min(interval_s) FROM task t WHERE t.server_id = sv.id AND t.enabled) AS interval_s
		 FROM server sv WHERE sv.enabled ORDER BY sv.name LIMIT ?`,
		[limit],
	);
}
