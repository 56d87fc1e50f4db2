// Lease history from servers' own logs: LeaseEventRecords appended to lease_event in batches, the
// clients/hosts/users interned set-wise first. The UNIQUE index over an event's identity makes re-reading
// the same log a no-op (INSERT OR IGNORE).
import type { Store } from './database.js';
import { internCache, internClients, internHostNames, internUserNames } from './interning.js';
import { LeaseEventKind, type LeaseEventRecord } from '../source/domain/dhcp.js';
import { clientIdentity } from '../source/domain/client-key.js';
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
	SELECT value->>0, value->>1, value->>2, unhex(value->>3), ?, ?, value->>4, value->>5, value->>6, value->>7 FROM json_each(?)`;

/** Appends events in the caller's transaction (or its own). Bad records are skipped and reported by index. */
export async function appendLeaseEvents(tx: Store, target: { serverId: number | null; spaceId: number }, events: LeaseEventRecord[]): Promise<AppendResult> {
	const rejected: RejectedRecord[] = [];
	let inserted = 0;
	if (events.length === 0) return { inserted, rejected };
	await tx.transaction(async () => {
		const cache = await internCache(tx);
		// The INSERT of one chunk runs on SQLite's thread while this one prepares the next chunk:
		// with two cores, JavaScript and SQLite work side by side instead of taking turns.
		let inflight: Promise<{ changes: number }> | undefined;
		for (let i = 0; i < events.length; i += EVENT_CHUNK) {
			const chunk = events.slice(i, i + EVENT_CHUNK);
			const keys = chunk.map(e => addressKey(e.ip));
			const clients = chunk.map(e => clientIdentity({ family: e.family, mac: e.mac, clientId: e.clientId, duid: e.duid, vendorClass: e.vendorClass }));
			await internClients(tx, cache, clients);
			await internHostNames(tx, cache, chunk.map(e => e.hostname));
			await internUserNames(tx, cache, chunk.map(e => e.user));
			const rows: unknown[][] = [];
			chunk.forEach((e, j) => {
				const key = keys[j];
				if (!key) return void rejected.push({ index: i + j, message: `event ${i + j + 1}: "${e.ip}" is not an IP address` });
				if (!Number.isFinite(e.ts)) return void rejected.push({ index: i + j, message: `event ${i + j + 1}: the time is missing` });
				const client = clients[j];
				rows.push([
					Math.floor(e.ts),
					LeaseEventKind[e.kind] ?? LeaseEventKind.other,
					key.family,
					key.hex,
					client ? cache.clients.get(client.key) ?? null : null,
					e.hostname ? cache.hosts.get(e.hostname) ?? null : null,
					e.user ? cache.users.get(e.user) ?? null : null,
					e.expires ?? null,
				]);
			});
			// Address order keeps consecutive inserts into the (ip, ts …) index on neighbouring pages.
			rows.sort((a, b) => ((a[3] as string) < (b[3] as string) ? -1 : (a[3] as string) > (b[3] as string) ? 1 : (a[0] as number) - (b[0] as number)));
			const json = JSON.stringify(rows);
			if (inflight) inserted += (await inflight).changes;
			inflight = tx.run(INSERT, [target.spaceId, target.serverId, json]);
			// Handled here so a failure while the next chunk is prepared is not an unhandled rejection; awaited below.
			inflight.catch(() => undefined);
		}
		if (inflight) inserted += (await inflight).changes;
	});
	return { inserted, rejected };
}
