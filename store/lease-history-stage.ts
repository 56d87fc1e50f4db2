// Lease-set differences into the packed history: rules stage their events in a temp table, and one set-wise
// pass packs them into chunks and pages as store/lease-history.ts's writer does from JavaScript.
import type { Store } from './database.js';
import { BUCKET_BITS, CHUNK_MAX, PAGE_MAX } from './lease-history.js';

/** The staging table lease-set differences are written to before `flushStaged` packs them. */
export const STAGE = 'temp.lease_event_stage';

export async function ensureStage(tx: Store): Promise<void> {
	await tx.exec(
		`CREATE TEMP TABLE IF NOT EXISTS lease_event_stage (ts INTEGER NOT NULL, kind INTEGER NOT NULL, family INTEGER NOT NULL, ip BLOB NOT NULL,
			space_id INTEGER NOT NULL, server_id INTEGER, client_ref INTEGER, host_ref INTEGER, user_ref INTEGER, expires INTEGER,
			UNIQUE (ip, ts, kind, space_id, server_id, client_ref, host_ref))`,
	);
}

/**
 * Packs the staged events into chunks and pages (set-wise, in SQL: a lease-set difference can be a million rows
 * that never need to visit JavaScript), dropping those already stored, and empties the stage. Returns how many were written.
 */
export async function flushStaged(tx: Store): Promise<number> {
	const newest = (await tx.get<{ t: number | null }>('SELECT max(t_last) AS t FROM lease_page'))?.t ?? null;
	if (newest !== null) {
		await tx.run(
			`DELETE FROM temp.lease_event_stage AS s WHERE s.ts <= ?1 AND EXISTS (
				SELECT 1 FROM lease_chunk c, jsonb_each(c.ev) e
				WHERE c.bkt = s.ts >> ${BUCKET_BITS} AND c.ip = s.ip AND c.t_first BETWEEN (s.ts >> ${BUCKET_BITS}) << ${BUCKET_BITS} AND s.ts AND c.t_last >= s.ts
					AND c.space_id = s.space_id AND c.server_id IS s.server_id AND c.client_ref IS s.client_ref AND c.host_ref IS s.host_ref
					AND e.value ->> 0 = s.ts AND e.value ->> 1 = s.kind)`,
			[newest],
		);
	}
	// Inserted in client order, as the JavaScript writer does: the client and host index entries land together.
	const { changes } = await tx.run(
		`INSERT INTO lease_chunk (ip, family, space_id, server_id, client_ref, host_ref, t_first, t_last, n, ev)
		 SELECT ip, family, space_id, server_id, client_ref, host_ref, min(ts), max(ts), count(*),
			jsonb_group_array(jsonb_array(ts, kind, user_ref, expires) ORDER BY ts, kind)
		 FROM (SELECT *, (row_number() OVER (PARTITION BY ip, space_id, server_id, client_ref, host_ref, ts >> ${BUCKET_BITS} ORDER BY ts, kind) - 1) / ${CHUNK_MAX} AS part
		       FROM temp.lease_event_stage)
		 GROUP BY ip, space_id, server_id, client_ref, host_ref, ts >> ${BUCKET_BITS}, part
		 ORDER BY ts >> ${BUCKET_BITS}, client_ref, host_ref, ip`,
	);
	let written = 0;
	if (changes > 0) {
		written = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM temp.lease_event_stage'))!.n;
		await tx.run(
			`INSERT INTO lease_page (t_first, t_last, n, ev)
			 SELECT min(ts), max(ts), count(*),
				jsonb_group_array(jsonb_array(ts, kind, family, lower(hex(ip)), space_id, server_id, client_ref, host_ref, user_ref, expires) ORDER BY ts, rowid)
			 FROM (SELECT rowid, *, ts >> ${BUCKET_BITS} AS bucket,
					(row_number() OVER (PARTITION BY ts >> ${BUCKET_BITS} ORDER BY ts, rowid) - 1) / ${PAGE_MAX} AS page FROM temp.lease_event_stage)
			 GROUP BY bucket, page ORDER BY bucket, page`,
		);
	}
	await tx.run('DELETE FROM temp.lease_event_stage');
	return written;
}
