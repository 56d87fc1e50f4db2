// Current leases: a server's complete lease set replaces what the store held for its lease source, and the
// difference becomes lease_event history (assign, renew, release, expire, decline, offer). Set-based: the
// new set is loaded into a temp table and compared with `lease` by joins, never row by row in JS.
//
// The lease source is the server's HA group when it has one (copies of one lease held by both partners count
// once), else 'server:<id>'. A partner only removes rows it wrote last, so a lease stays while any partner holds it.
import type { Store } from './database.js';
import { ensureStage, flushStaged, STAGE } from './lease-history-stage.js';
import { internCache, internClients, internHostNames } from './interning.js';
import type { LeaseRecord, LeaseState } from '../source/domain/dhcp.js';
import { clientIdentity } from '../source/domain/client-key.js';
import { addressKey } from '../source/domain/address-key.js';
import type { RejectedRecord } from './lease-events.js';

export interface LeaseTarget {
	serverId: number;
	spaceId: number;
	/** ha_group or 'server:<id>' (see leaseSource). */
	source: string;
}

export interface LeaseSetResult {
	leases: number;
	/** lease_event rows written from the difference. */
	events: number;
	rejected: RejectedRecord[];
	/** Ranges whose lease count may have changed (for the utilization update). */
	rangeIds: number[];
}

export function leaseSource(server: { id: number; ha_group?: string | null }): string {
	return server.ha_group ? `ha:${server.ha_group}` : `server:${server.id}`;
}

const CHUNK = 10_000;
/** States that mean a client holds the address. */
const HELD = `('active', 'reserved')`;
const HELD_OR_OFFERED = `('active', 'reserved', 'offered')`;

/** What the lease table stores: free/backup pool entries are not leases; an active lease past its end has expired. */
function storedState(state: LeaseState, ends: number | null | undefined, now: number): string | null {
	if (state === 'free' || state === 'backup') return null;
	if (state === 'abandoned') return 'declined';
	if ((state === 'active' || state === 'offered') && ends != null && ends <= now) return 'expired';
	return state;
}

async function loadSet(tx: Store, leases: LeaseRecord[], now: number, rejected: RejectedRecord[], signal?: AbortSignal): Promise<number> {
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS ingest_lease (
		ip BLOB PRIMARY KEY, family INTEGER, client_ref INTEGER, host_ref INTEGER, state TEXT, lease_type TEXT, prefix_len INTEGER,
		iaid INTEGER, starts INTEGER, ends INTEGER, cltt INTEGER, range_id INTEGER,
		p INTEGER NOT NULL DEFAULT 0, p_client INTEGER, p_host INTEGER, p_state TEXT, p_starts INTEGER, p_ends INTEGER, p_cltt INTEGER, p_range INTEGER
	) WITHOUT ROWID; DELETE FROM temp.ingest_lease;`);
	const cache = await internCache(tx);
	let inflight: Promise<{ changes: number }> | undefined;
	try {
		for (let i = 0; i < leases.length; i += CHUNK) {
			signal?.throwIfAborted();
			const chunk = leases.slice(i, i + CHUNK);
			const clients = chunk.map(l => clientIdentity({ family: l.family, mac: l.mac, clientId: l.clientId, duid: l.duid, vendorClass: l.vendorClass }));
			await internClients(tx, cache, clients);
			await internHostNames(tx, cache, chunk.map(l => l.hostname));
			const rows: unknown[][] = [];
			chunk.forEach((l, j) => {
				const key = addressKey(l.ip);
				if (!key) return void rejected.push({ index: i + j, message: `lease ${i + j + 1}: "${l.ip}" is not an IP address` });
				const state = storedState(l.state, l.ends, now);
				if (!state) return;
				const client = clients[j];
				rows.push([
					key.hex,
					key.family,
					client ? cache.clients.get(client.key) ?? null : null,
					l.hostname ? cache.hosts.get(l.hostname) ?? null : null,
					state,
					l.leaseType ?? '',
					l.prefixLen ?? null,
					l.iaid ?? null,
					l.starts ?? null,
					l.ends ?? null,
					l.cltt ?? null,
				]);
			});
			// Address order: the temp table's key, so each chunk fills its B-tree left to right (stable: the last of equals wins).
			rows.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0));
			const json = JSON.stringify(rows);
			// As for log events: SQLite loads this chunk while the next one is prepared.
			if (inflight) await inflight;
			// OR REPLACE: a set naming one address twice keeps the last (lease files are journals).
			inflight = tx.run(
				`INSERT OR REPLACE INTO temp.ingest_lease (ip, family, client_ref, host_ref, state, lease_type, prefix_len, iaid, starts, ends, cltt)
				 SELECT unhex(value->>0), value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10 FROM jsonb_each(?)`,
				[json],
			);
			inflight.catch(() => undefined);
		}
	} catch (err) {
		// Whatever failed, the statement in flight ends before the rollback is issued.
		await inflight?.catch(() => undefined);
		throw err;
	}
	if (inflight) await inflight;
	// Counted after the load: an address listed twice is one lease.
	return (await tx.get<{ n: number }>('SELECT count(*) AS n FROM temp.ingest_lease'))!.n;
}

/** Each lease's range by containment (the nearest range starting at or below it that reaches it), then the previous row. */
async function joinContext(tx: Store, t: LeaseTarget): Promise<void> {
	await tx.run(
		`UPDATE temp.ingest_lease SET range_id = (
			SELECT id FROM (SELECT r.id, r.end FROM range r WHERE r.space_id = ?1 AND r.family = ingest_lease.family AND r.start <= ingest_lease.ip
				ORDER BY r.start DESC LIMIT 1) WHERE end >= ingest_lease.ip)`,
		[t.spaceId],
	);
	await tx.run(
		`UPDATE temp.ingest_lease AS n SET p = 1, p_client = l.client_ref, p_host = l.host_ref, p_state = l.state, p_starts = l.starts,
			p_ends = l.ends, p_cltt = l.cltt, p_range = l.range_id
		 FROM lease l WHERE l.space_id = ?1 AND l.source = ?2 AND l.ip = n.ip`,
		[t.spaceId, t.source],
	);
}

/** Numbered parameters (?1 … ?N) must be bound exactly up to the highest one a statement uses. */
function bound(sql: string, params: unknown[]): never[] {
	const used = [...sql.matchAll(/\?(\d+)/g)].map(m => Number(m[1]));
	return params.slice(0, Math.max(0, ...used)) as never[];
}

/**
 * Rows this collection may remove when its set lacks them: its own, and those last written by an HA partner that
 * is down, disabled or gone (else a dead partner's copies would stay "active" for ever). ?3 = this server.
 */
const MINE = `(server_id = ?3 OR server_id NOT IN (SELECT id FROM server WHERE enabled AND status <> 'down'))`;

const EVENT_INSERT = `INSERT OR IGNORE INTO ${STAGE} (ts, kind, family, ip, space_id, server_id, client_ref, host_ref, expires)`;

/** The difference between the previous and the new set, as events. ?1 now, ?2 space, ?3 server, ?4 source. */
const DIFF_EVENTS = [
	// The previous holder's lease ended because the address now belongs to another client (or to none).
	`${EVENT_INSERT} SELECT
		CASE WHEN p_ends IS NOT NULL AND p_ends <= min(coalesce(starts, ?1), ?1) THEN p_ends ELSE min(coalesce(starts, ?1), ?1) END,
		CASE WHEN p_ends IS NOT NULL AND p_ends <= min(coalesce(starts, ?1), ?1) THEN 4 ELSE 3 END,
		family, ip, ?2, ?3, p_client, p_host, p_ends
	 FROM temp.ingest_changed WHERE p = 1 AND p_state IN ${HELD_OR_OFFERED} AND p_client IS NOT client_ref`,
	// A new holding: never seen, or seen ended/offered/held by someone else.
	`${EVENT_INSERT} SELECT coalesce(starts, cltt, ?1), 1, family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE state IN ${HELD}
		AND NOT (p = 1 AND p_state IN ${HELD} AND p_client IS client_ref)`,
	`${EVENT_INSERT} SELECT coalesce(starts, cltt, ?1), 7, family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE state = 'offered' AND NOT (p = 1 AND p_state = 'offered' AND p_client IS client_ref)`,
	// The same client's lease runs longer: a renewal.
	`${EVENT_INSERT} SELECT CASE WHEN coalesce(cltt, 0) > coalesce(p_cltt, 0) THEN cltt WHEN coalesce(starts, 0) > coalesce(p_starts, 0) THEN starts ELSE ?1 END,
		2, family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE p = 1 AND state IN ${HELD} AND p_state IN ${HELD} AND p_client IS client_ref
		AND (coalesce(ends, 9e18) > coalesce(p_ends, 9e18) OR coalesce(cltt, 0) > coalesce(p_cltt, 0))`,
	// The same client's lease ended: released, expired or declined.
	`${EVENT_INSERT} SELECT
		CASE WHEN state = 'declined' THEN min(coalesce(cltt, starts, ?1), ?1) WHEN ends IS NOT NULL AND ends <= ?1 THEN ends ELSE ?1 END,
		CASE state WHEN 'expired' THEN 4 WHEN 'declined' THEN 5 ELSE 3 END,
		family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE p = 1 AND p_state IN ${HELD_OR_OFFERED} AND p_client IS client_ref AND state NOT IN ${HELD_OR_OFFERED}`,
	// Declined by another client, or first seen declined.
	`${EVENT_INSERT} SELECT min(coalesce(cltt, starts, ?1), ?1), 5, family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE state = 'declined'
		AND (p = 0 OR (p_state IS NOT 'declined' AND NOT (p_state IN ${HELD_OR_OFFERED} AND p_client IS client_ref)))`,
	// A holding that began and ended between two collections (or before the first): both ends from the record.
	// (DHCPv6 lease files have no starts: the client's last transmission stands in.)
	`${EVENT_INSERT} SELECT coalesce(starts, cltt), 1, family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE state IN ('expired', 'released') AND client_ref IS NOT NULL AND coalesce(starts, cltt) IS NOT NULL
		AND (p = 0 OR p_client IS NOT client_ref OR coalesce(starts, cltt) > coalesce(p_starts, p_cltt, 0))
		AND NOT (p = 1 AND p_state IN ${HELD_OR_OFFERED} AND p_client IS client_ref)`,
	// The end is recorded even when the start is unknown (dnsmasq keeps only the expiry): the client held it until then.
	`${EVENT_INSERT} SELECT CASE WHEN ends IS NOT NULL AND ends <= ?1 THEN ends ELSE ?1 END, CASE state WHEN 'expired' THEN 4 ELSE 3 END,
		family, ip, ?2, ?3, client_ref, host_ref, ends
	 FROM temp.ingest_changed WHERE state IN ('expired', 'released') AND client_ref IS NOT NULL
		AND (p = 0 OR p_client IS NOT client_ref OR coalesce(starts, cltt) > coalesce(p_starts, p_cltt, 0))
		AND NOT (p = 1 AND p_state IN ${HELD_OR_OFFERED} AND p_client IS client_ref)`,
	// Gone from the server: released, or expired when its end has passed.
	`${EVENT_INSERT} SELECT CASE WHEN l.ends IS NOT NULL AND l.ends <= ?1 THEN l.ends ELSE ?1 END,
		CASE WHEN l.ends IS NOT NULL AND l.ends <= ?1 THEN 4 ELSE 3 END,
		l.family, l.ip, ?2, ?3, l.client_ref, l.host_ref, l.ends
	 FROM lease l WHERE ${MINE.replace(/server_id/g, 'l.server_id')} AND l.space_id = ?2 AND l.source = ?4 AND l.state IN ${HELD_OR_OFFERED}
		AND NOT EXISTS (SELECT 1 FROM temp.ingest_lease n WHERE n.ip = l.ip)`,
];

/**
 * Replaces the lease set of `target.source` with `leases` (a server's complete current set) and appends the
 * difference to lease_event, in the caller's transaction.
 */
export async function replaceLeases(tx: Store, target: LeaseTarget, leases: LeaseRecord[], now: number, signal?: AbortSignal): Promise<LeaseSetResult> {
	const rejected: RejectedRecord[] = [];
	return tx.transaction(async () => {
		const loaded = await loadSet(tx, leases, now, rejected, signal);
		signal?.throwIfAborted();
		await joinContext(tx, target);
		const params = [now, target.spaceId, target.serverId, target.source];
		// Only rows that differ from what is stored can make events or need writing: on a server re-collected every
		// few minutes that is a small part of the set, and the rules below then scan only it.
		await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS ingest_changed AS SELECT * FROM temp.ingest_lease WHERE 0; DELETE FROM temp.ingest_changed;`);
		await tx.run(
			`INSERT INTO temp.ingest_changed SELECT * FROM temp.ingest_lease
			 WHERE p = 0 OR p_client IS NOT client_ref OR p_host IS NOT host_ref OR p_state IS NOT state OR p_starts IS NOT starts
				OR p_ends IS NOT ends OR p_cltt IS NOT cltt OR p_range IS NOT range_id`,
		);
		// The rules stage their events; one set-wise pass then packs them into the history.
		await ensureStage(tx);
		for (const sql of DIFF_EVENTS) await tx.run(sql, bound(sql, params));
		const events = await flushStaged(tx);
		const ranges = await tx.all<{ id: number }>(
			`SELECT range_id AS id FROM temp.ingest_changed WHERE range_id IS NOT NULL AND (p = 0 OR p_range IS NOT range_id OR p_state IS NOT state)
			 UNION SELECT p_range FROM temp.ingest_changed WHERE p_range IS NOT NULL AND (p_range IS NOT range_id OR p_state IS NOT state)
			 UNION SELECT l.range_id FROM lease l WHERE ${MINE.replace(/server_id/g, 'l.server_id')} AND l.space_id = ?2 AND l.source = ?4 AND l.range_id IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM temp.ingest_lease n WHERE n.ip = l.ip)`,
			bound('?4', params),
		);
		await tx.run(`DELETE FROM lease WHERE ${MINE} AND space_id = ?2 AND source = ?4 AND NOT EXISTS (SELECT 1 FROM temp.ingest_lease n WHERE n.ip = lease.ip)`, bound('?4', params));
		// Unchanged rows are not rewritten: a 1M-lease server re-collected every few minutes writes only what moved.
		await tx.run(
			`INSERT INTO lease (space_id, ip, source, family, server_id, range_id, client_ref, host_ref, state, lease_type, prefix_len, iaid, starts, ends, cltt, collected_at)
			 SELECT ?2, ip, ?4, family, ?3, range_id, client_ref, host_ref, state, lease_type, prefix_len, iaid, starts, ends, cltt, ?1 FROM temp.ingest_changed
			 WHERE true
			 ON CONFLICT (space_id, ip, source) DO UPDATE SET server_id = excluded.server_id, range_id = excluded.range_id,
				client_ref = excluded.client_ref, host_ref = excluded.host_ref, state = excluded.state, lease_type = excluded.lease_type,
				prefix_len = excluded.prefix_len, iaid = excluded.iaid, starts = excluded.starts, ends = excluded.ends, cltt = excluded.cltt,
				collected_at = excluded.collected_at`,
			bound('?4', params),
		);
		await tx.exec('DELETE FROM temp.ingest_lease; DELETE FROM temp.ingest_changed;');
		return { leases: loaded, events, rejected, rangeIds: ranges.map(r => r.id) };
	});
}
