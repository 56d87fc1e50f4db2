// Lease history from servers' own logs: LeaseEventRecords become history rows (store/lease-history.ts), the
// clients/hosts/users interned set-wise first.
import type { Store } from './database.js';
import { internCache, internClients, internHostNames, internUserNames, type InternCache } from './interning.js';
import { LeaseEventKind, type LeaseEventRecord } from '../source/domain/dhcp.js';
import { clientIdentity, clientKey, type ClientIdentity } from '../source/domain/client-key.js';
import { addressKey } from '../source/domain/address-key.js';
import { HistoryColumns, writeHistory } from './lease-history.js';

export interface RejectedRecord {
	index: number;
	message: string;
}

export interface AppendResult {
	/** Rows written (events already stored are not counted). */
	inserted: number;
	rejected: RejectedRecord[];
}

/** The client id a record names, from the raw-identifier maps; undefined when not interned yet (0: no client). */
function knownClient(cache: InternCache, e: LeaseEventRecord): number | undefined {
	let map: Map<string, number>;
	let raw: string;
	if (e.family === 6 && e.duid) (map = cache.byDuid), (raw = e.duid);
	else if (e.mac) (map = cache.byMac), (raw = e.mac);
	else if (e.clientId) (map = cache.byClientId), (raw = e.clientId);
	else if (e.duid) (map = cache.byDuid), (raw = e.duid);
	else return 0;
	const hit = map.get(raw);
	if (hit !== undefined) return hit;
	const id = cache.clients.get(clientKey(e)!);
	if (id !== undefined) map.set(raw, id);
	return id;
}

/**
 * Appends events in the caller's transaction (or its own). Bad records are skipped and reported by index;
 * events already stored are dropped (re-reading a log is a no-op).
 */
export async function appendLeaseEvents(
	tx: Store,
	target: { serverId: number | null; spaceId: number },
	events: LeaseEventRecord[],
	signal?: AbortSignal,
): Promise<AppendResult> {
	const rejected: RejectedRecord[] = [];
	if (events.length === 0) return { inserted: 0, rejected };
	const inserted = await tx.transaction(async () => {
		const cache = await internCache(tx);
		// First pass: references already interned (after the first batches, nearly all), and what is not.
		const clients = new Int32Array(events.length).fill(-1);
		const hosts = new Int32Array(events.length).fill(-1);
		const freshClients = new Map<string, ClientIdentity>();
		const freshHosts = new Set<string>();
		const freshUsers = new Set<string>();
		for (let j = 0; j < events.length; j++) {
			const e = events[j];
			const c = knownClient(cache, e);
			if (c === undefined) {
				const key = clientKey(e)!;
				if (!freshClients.has(key)) freshClients.set(key, clientIdentity(e)!);
			} else clients[j] = c;
			if (e.hostname) {
				const h = cache.hosts.get(e.hostname);
				if (h === undefined) freshHosts.add(e.hostname);
				else hosts[j] = h;
			} else hosts[j] = 0;
			if (e.user && !cache.users.has(e.user)) freshUsers.add(e.user);
		}
		if (freshClients.size) await internClients(tx, cache, freshClients.values());
		if (freshHosts.size) await internHostNames(tx, cache, freshHosts);
		if (freshUsers.size) await internUserNames(tx, cache, freshUsers);
		signal?.throwIfAborted();
		// Second pass: columns. A log names the same addresses over and over: each spelling is parsed once.
		const cols = new HistoryColumns(events.length);
		const addresses = new Map<string, number>();
		for (let j = 0; j < events.length; j++) {
			const e = events[j];
			let a = addresses.get(e.ip);
			if (a === undefined) {
				const key = addressKey(e.ip);
				a = key ? cols.addresses.push({ hex: key.hex, family: key.family }) - 1 : -1;
				addresses.set(e.ip, a);
			}
			if (a < 0) {
				rejected.push({ index: j, message: `event ${j + 1}: "${e.ip}" is not an IP address` });
				continue;
			}
			if (!Number.isFinite(e.ts)) {
				rejected.push({ index: j, message: `event ${j + 1}: the time is missing` });
				continue;
			}
			cols.push(
				a,
				Math.floor(e.ts),
				LeaseEventKind[e.kind] ?? LeaseEventKind.other,
				clients[j] >= 0 ? clients[j] : knownClient(cache, e) ?? 0,
				hosts[j] >= 0 ? hosts[j] : cache.hosts.get(e.hostname!) ?? 0,
				e.user ? cache.users.get(e.user) ?? 0 : 0,
				typeof e.expires === 'number' && Number.isFinite(e.expires) ? Math.floor(e.expires) : NaN,
			);
		}
		return writeHistory(tx, target, cols, signal);
	});
	return { inserted, rejected };
}
