// Lease history from servers' own logs: LeaseEventRecords become history rows (store/lease-history.ts), the
// clients/hosts/users interned set-wise first.
import type { Store } from './database.js';
import { internCache, internClients, internHostNames, internUserNames, type InternCache } from './interning.js';
import { LeaseEventKind, type LeaseEventRecord } from '../source/domain/dhcp.js';
import { clientIdentity, clientIdKind, clientIdOf, clientKey, type ClientIdentity } from '../source/domain/client-key.js';
import { addressKey } from '../source/domain/address-key.js';
import { HistoryColumns } from './history-columns.js';
import { writeHistory } from './lease-history.js';

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
function knownClient(cache: InternCache, e: LeaseEventRecord, kind: number): number | undefined {
	if (kind === 0) return 0;
	const map = kind === 1 ? cache.byDuid : kind === 2 ? cache.byMac : cache.byClientId;
	const raw = clientIdOf(e, kind)!;
	const hit = map.get(raw);
	if (hit !== undefined) return hit;
	const id = cache.clients.get(clientKey(e)!);
	if (id !== undefined) map.set(raw, id);
	return id;
}

/** Batches written on this thread: a holder's address index is valid for the batch that stamped it. */
let batchStamp = 0;

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
		const stamp = ++batchStamp;
		const cols = new HistoryColumns(events.length);
		// One pass resolves what is interned already (after the first batches, nearly everything). An address's
		// entry outlives the batch (its text is parsed once, not once a batch) and remembers its last holder: a
		// log names an address with the same client and host event after event, and those cost one lookup.
		const addr = new Int32Array(events.length);
		const clients = new Int32Array(events.length);
		const hosts = new Int32Array(events.length);
		const users = new Int32Array(events.length);
		const freshClients = new Map<string, ClientIdentity>();
		const freshHosts = new Set<string>();
		const freshUsers = new Set<string>();
		for (let j = 0; j < events.length; j++) {
			const e = events[j];
			let h = cache.byIp.get(e.ip);
			if (h === undefined) {
				const key = addressKey(e.ip);
				h = { hex: key?.hex ?? '', family: key?.family ?? 0, idKind: -1, idText: null, client: 0, hostname: null, host: -1, stamp: 0, index: -1 };
				cache.byIp.set(e.ip, h);
			}
			if (h.family === 0) {
				addr[j] = -1;
				continue;
			}
			if (h.stamp !== stamp) {
				h.stamp = stamp;
				h.index = cols.addresses.push({ hex: h.hex, family: h.family }) - 1;
			}
			addr[j] = h.index;
			const kind = clientIdKind(e);
			const raw = clientIdOf(e, kind);
			if (kind === h.idKind && raw === h.idText) clients[j] = h.client;
			else {
				const c = knownClient(cache, e, kind);
				if (c === undefined) {
					const key = clientKey(e)!;
					if (!freshClients.has(key)) freshClients.set(key, clientIdentity(e)!);
					clients[j] = -1;
				} else {
					clients[j] = c;
					h.idKind = kind;
					h.idText = raw;
					h.client = c;
				}
			}
			const name = e.hostname || null;
			if (name === null) hosts[j] = 0;
			else if (name === h.hostname && h.host >= 0) hosts[j] = h.host;
			else {
				const id = cache.hosts.get(name);
				if (id === undefined) {
					freshHosts.add(name);
					hosts[j] = -1;
				} else {
					hosts[j] = id;
					h.hostname = name;
					h.host = id;
				}
			}
			if (e.user) {
				const id = cache.users.get(e.user);
				if (id === undefined) {
					freshUsers.add(e.user);
					users[j] = -1;
				} else users[j] = id;
			} else users[j] = 0;
		}
		if (freshClients.size) await internClients(tx, cache, freshClients.values());
		if (freshHosts.size) await internHostNames(tx, cache, freshHosts);
		if (freshUsers.size) await internUserNames(tx, cache, freshUsers);
		signal?.throwIfAborted();
		for (let j = 0; j < events.length; j++) {
			const e = events[j];
			if (addr[j] < 0) {
				rejected.push({ index: j, message: `event ${j + 1}: "${e.ip}" is not an IP address` });
				continue;
			}
			if (!Number.isFinite(e.ts)) {
				rejected.push({ index: j, message: `event ${j + 1}: the time is missing` });
				continue;
			}
			cols.push(
				addr[j],
				Math.floor(e.ts),
				LeaseEventKind[e.kind] ?? LeaseEventKind.other,
				clients[j] >= 0 ? clients[j] : knownClient(cache, e, clientIdKind(e)) ?? 0,
				hosts[j] >= 0 ? hosts[j] : cache.hosts.get(e.hostname!) ?? 0,
				users[j] >= 0 ? users[j] : cache.users.get(e.user!) ?? 0,
				typeof e.expires === 'number' && Number.isFinite(e.expires) ? Math.floor(e.expires) : NaN,
			);
		}
		return writeHistory(tx, target, cols, signal);
	});
	return { inserted, rejected };
}
