// Interning for the ingest path: clients, host names and user accounts become small integer ids, set-wise
// (one INSERT OR IGNORE … SELECT DISTINCT over json_each per batch for names not seen yet) with a per-connection cache.
import type { Store } from './database.js';
import type { ClientIdentity } from '../source/domain/client-key.js';
import { userIdentity } from '../source/domain/client-key.js';

/** Ids already resolved on this connection. Valid only while no other connection changed the store. */
export interface InternCache {
	clients: Map<string, number>;
	hosts: Map<string, number>;
	users: Map<string, number>;
	/** Client ids by the raw MAC / DUID / client id a record carries, so the hot path builds no key string per event. */
	byMac: Map<string, number>;
	byDuid: Map<string, number>;
	byClientId: Map<string, number>;
	/** By address as a record spells it: its key, and the client and host it last had (see appendLeaseEvents). */
	byIp: Map<string, AddressHolder>;
	dataVersion: number;
}

export interface AddressHolder {
	/** Lowercase hex key and family; family 0 when the text is not an address. */
	hex: string;
	family: number;
	/** The last holder's client identifier (its clientIdKind; -1: none yet), as spelled, and its id. */
	idKind: number;
	idText: string | null;
	client: number;
	hostname: string | null;
	/** -1 until a host id is known. */
	host: number;
	/** The batch whose address list `index` points into. */
	stamp: number;
	index: number;
}

/** Beyond this many names the cache is dropped rather than grown (1M names ≈ 100 MB of strings). */
const CACHE_LIMIT = 500_000;
const CHUNK = 10_000;
const caches = new WeakMap<Store, InternCache>();

/**
 * The cache for this connection, emptied when another connection committed since we last looked
 * (PRAGMA data_version): a purge there may have deleted interned rows. Call inside the write transaction.
 */
export async function internCache(tx: Store): Promise<InternCache> {
	const version = (await tx.get<{ data_version: number }>('PRAGMA data_version'))!.data_version;
	let cache = caches.get(tx);
	if (!cache || cache.dataVersion !== version || cache.clients.size + cache.hosts.size + cache.users.size + cache.byIp.size > CACHE_LIMIT) {
		cache = { clients: new Map(), hosts: new Map(), users: new Map(), byMac: new Map(), byDuid: new Map(), byClientId: new Map(), byIp: new Map(), dataVersion: version };
		caches.set(tx, cache);
	}
	return cache;
}

/** Forget cached ids (after a rollback: ids handed out inside it no longer exist). */
export function dropInternCache(store: Store): void {
	caches.delete(store);
}

async function resolve(tx: Store, table: string, column: string, names: string[], into: Map<string, number>): Promise<void> {
	for (let i = 0; i < names.length; i += CHUNK) {
		const rows = await tx.all<{ id: number; k: string }>(
			`SELECT id, ${column} AS k FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?))`,
			[JSON.stringify(names.slice(i, i + CHUNK))],
		);
		for (const r of rows) into.set(r.k, r.id);
	}
}

/** Makes sure every identity has a client row; afterwards cache.clients maps each key to its id. */
export async function internClients(tx: Store, cache: InternCache, identities: Iterable<ClientIdentity | null>): Promise<void> {
	const fresh = new Map<string, ClientIdentity>();
	for (const c of identities) if (c && !cache.clients.has(c.key) && !fresh.has(c.key)) fresh.set(c.key, c);
	if (fresh.size === 0) return;
	const rows = [...fresh.values()].map(c => [c.key, c.mac, c.clientId, c.duid, c.vendorClass]);
	for (let i = 0; i < rows.length; i += CHUNK) {
		await tx.run(
			`INSERT OR IGNORE INTO client (key, mac, client_id, duid, vendor_class)
			 SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)`,
			[JSON.stringify(rows.slice(i, i + CHUNK))],
		);
	}
	// A client first seen without a vendor class keeps the first one it reports.
	const withVendor = rows.filter(r => r[4]);
	for (let i = 0; i < withVendor.length; i += CHUNK) {
		await tx.run(
			`UPDATE client SET vendor_class = j.value->>1 FROM json_each(?) j WHERE client.key = j.value->>0 AND client.vendor_class IS NULL`,
			[JSON.stringify(withVendor.slice(i, i + CHUNK).map(r => [r[0], r[4]]))],
		);
	}
	await resolve(tx, 'client', 'key', [...fresh.keys()], cache.clients);
}

/** Host names as given (untrusted; sanitized at display); name_lc serves exact and prefix search. */
export async function internHostNames(tx: Store, cache: InternCache, names: Iterable<string | null | undefined>): Promise<void> {
	const fresh = new Set<string>();
	for (const n of names) if (n && !cache.hosts.has(n)) fresh.add(n);
	if (fresh.size === 0) return;
	const list = [...fresh];
	for (let i = 0; i < list.length; i += CHUNK) {
		await tx.run(`INSERT OR IGNORE INTO host (name, name_lc) SELECT value, lower(value) FROM json_each(?)`, [JSON.stringify(list.slice(i, i + CHUNK))]);
	}
	await resolve(tx, 'host', 'name', list, cache.hosts);
}

/** User names as given ('DOMAIN\\user', 'user@realm', 'user'); cache.users maps the given text to the id. */
export async function internUserNames(tx: Store, cache: InternCache, names: Iterable<string | null | undefined>): Promise<void> {
	const fresh = new Map<string, { name: string; domain: string; nameLc: string }>();
	for (const n of names) {
		if (!n || cache.users.has(n) || fresh.has(n)) continue;
		const u = userIdentity(n);
		if (u) fresh.set(n, u);
	}
	if (fresh.size === 0) return;
	const rows = [...fresh.values()].map(u => [u.name, u.domain, u.nameLc]);
	for (let i = 0; i < rows.length; i += CHUNK) {
		await tx.run(`INSERT OR IGNORE INTO user_account (name, domain, name_lc) SELECT value->>0, value->>1, value->>2 FROM json_each(?)`, [
			JSON.stringify(rows.slice(i, i + CHUNK)),
		]);
	}
	const byName = new Map<string, number>();
	await resolve(tx, 'user_account', 'name', [...new Set(rows.map(r => r[0]))], byName);
	for (const [given, u] of fresh) {
		const id = byName.get(u.name);
		if (id !== undefined) cache.users.set(given, id);
	}
}
