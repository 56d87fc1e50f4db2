// Lease history from servers' own logs: LeaseEventRecords appended to lease_event in batches, the
// clients/hosts/users interned set-wise first. The UNIQUE index over an event's identity makes re-reading
// the same log a no-op (INSERT OR IGNORE).
import type { Store } from './database.js';
import { internCache, internClients, internHostNames, internUserNames } from './interning.js';
import { LeaseEventKind, type LeaseEventRecord } from '../source/domain/dhcp.js';
import { clientIdentity, clientKey, type ClientIdentity } from '../source/domain/client-key.js';
import { addressKey } from '../source/domain/address-key.js';

export interface RejectedRecord {
	index: number;
	message: string;
}

export interface AppendResult {
	/** Rows written (events already stored are not counted). */
	inserted: number;
	rejected: RejectedRecord[];
}

/** Rows per INSERT statement: one JSON array through json_each. */
export const EVENT_CHUNK = 10_000;

const INSERT = `INSERT OR IGNORE INTO lease_event (ts, kind, family, ip, space_id, server_id, client_ref, host_ref, user_ref, expires)
	SELECT value->>0, value->>1, value->>2, unhex(value->>3), ?, ?, value->>4, value->>5, value->>6, value->>7 FROM jsonb_each(?)`;

/** Appends events in the caller's transaction (or its own). Bad records are skipped and reported by index. */
export async function appendLeaseEvents(
	tx: Store,
	target: { serverId: number | null; spaceId: number },
	events: LeaseEventRecord[],
	signal?: AbortSignal,
): Promise<AppendResult> {
	const rejected: RejectedRecord[] = [];
	let inserted = 0;
	if (events.length === 0) return { inserted, rejected };
	await tx.transaction(async () => {
		const cache = await internCache(tx);
		// The INSERT of one chunk runs on SQLite's thread while this one prepares the next chunk:
		// with two cores, JavaScript and SQLite work side by side instead of taking turns.
		let inflight: Promise<{ changes: number }> | undefined;
		try {
			for (let i = 0; i < events.length; i += EVENT_CHUNK) {
				signal?.throwIfAborted();
				const chunk = events.slice(i, i + EVENT_CHUNK);
				// One pass for keys; identities are built only for clients not interned yet (most are, after the first batches).
				const clientKeys: (string | null)[] = new Array(chunk.length);
				const freshClients: ClientIdentity[] = [];
				const freshHosts: string[] = [];
				const users: string[] = [];
				for (let j = 0; j < chunk.length; j++) {
					const e = chunk[j];
					const key = clientKey(e);
					clientKeys[j] = key;
					if (key !== null && !cache.clients.has(key)) freshClients.push(clientIdentity(e)!);
					if (e.hostname && !cache.hosts.has(e.hostname)) freshHosts.push(e.hostname);
					if (e.user) users.push(e.user);
				}
				if (freshClients.length) await internClients(tx, cache, freshClients);
				if (freshHosts.length) await internHostNames(tx, cache, freshHosts);
				if (users.length) await internUserNames(tx, cache, users);
				// Rows as JSON text directly (no per-row arrays to allocate and stringify): every value is a number,
				// null, or an address key in hex, none of which needs escaping.
				const rows: { hex: string; json: string }[] = [];
				for (let j = 0; j < chunk.length; j++) {
					const e = chunk[j];
					const key = addressKey(e.ip);
					if (!key) {
						rejected.push({ index: i + j, message: `event ${i + j + 1}: "${e.ip}" is not an IP address` });
						continue;
					}
					if (!Number.isFinite(e.ts)) {
						rejected.push({ index: i + j, message: `event ${i + j + 1}: the time is missing` });
						continue;
					}
					const ck = clientKeys[j];
					const client = ck === null ? null : cache.clients.get(ck) ?? null;
					const host = e.hostname ? cache.hosts.get(e.hostname) ?? null : null;
					const user = e.user ? cache.users.get(e.user) ?? null : null;
					const expires = typeof e.expires === 'number' && Number.isFinite(e.expires) ? Math.floor(e.expires) : null;
					rows.push({
						hex: key.hex,
						json: `[${Math.floor(e.ts)},${LeaseEventKind[e.kind] ?? LeaseEventKind.other},${key.family},"${key.hex}",${client},${host},${user},${expires}]`,
					});
				}
				// Address order keeps consecutive inserts into the (ip, ts …) index on neighbouring pages.
				rows.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
				let json = '[';
				for (let j = 0; j < rows.length; j++) json += (j ? ',' : '') + rows[j].json;
				json += ']';
				if (inflight) inserted += (await inflight).changes;
				inflight = tx.run(INSERT, [target.spaceId, target.serverId, json]);
				// Handled here so a failure while the next chunk is prepared is not an unhandled rejection; awaited below.
				inflight.catch(() => undefined);
			}
		} catch (err) {
			// Whatever failed, the statement in flight ends before the rollback is issued.
			await inflight?.catch(() => undefined);
			throw err;
		}
		if (inflight) inserted += (await inflight).changes;
	});
	return { inserted, rejected };
}
