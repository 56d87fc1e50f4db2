// Compaction of packed lease history. A chunk holds one key's events from one ingest batch (lease-history.ts), so a
// server collected every few minutes leaves a chunk (a row and three index entries) for nearly every event, and a
// page for every few: the store grows and a question reads a page per event. So each bucket's chunks of one key
// (address, space, server, client, host) are merged into as few as CHUNK_MAX allows, stored in client order, and its
// pages re-cut to PAGE_MAX events, in short transactions (a range of clients each, then the pages). Closed buckets
// (behind the newest one) are done once; the newest one, which collections still write to, on every run: the
// on-call question is about yesterday, and without this its answer would read the day's batches chunk by chunk.
// Events, their order and every read's answers are unchanged; event ids (storage positions) change, and nothing
// keeps them.
import type { Store } from './database.js';
import { BUCKET_BITS, CHUNK_MAX, PAGE_MAX } from './lease-history.js';

/** The buckets below this one (bkt) are compacted; a late event landing in one makes it a candidate again. */
const COMPACTED_THROUGH = 'history.compacted_through';

export interface CompactionResult {
	buckets: number;
	chunksBefore: number;
	chunksAfter: number;
	pagesBefore: number;
	pagesAfter: number;
}

/**
 * Compacts every bucket that holds a key in more than one chunk or more pages than its events need, oldest first, in
 * transactions of about `rangeChunks` chunks (other writers get the store in between): the closed ones past the last
 * run (`all`: every closed one again, for late events), then the newest.
 */
export async function compactHistory(store: Store, options: { all?: boolean; signal?: AbortSignal; rangeChunks?: number } = {}): Promise<CompactionResult> {
	const result: CompactionResult = { buckets: 0, chunksBefore: 0, chunksAfter: 0, pagesBefore: 0, pagesAfter: 0 };
	const newest = (await store.get<{ b: number | null }>('SELECT max(bkt) AS b FROM lease_chunk'))?.b ?? null;
	if (newest === null) return result;
	/** The first stored bucket after `after` (every bucket when null). */
	const bucketAfter = async (after: number | null) =>
		(await store.get<{ b: number | null }>('SELECT min(bkt) AS b FROM lease_chunk WHERE bkt > ?', [after ?? -(2 ** 52)]))?.b ?? null;
	const done = options.all ? '' : await store.setting(COMPACTED_THROUGH, '');
	const compact = async (bucket: number) => {
		options.signal?.throwIfAborted();
		const r = await compactBucket(store, bucket, options.rangeChunks);
		if (r.chunksBefore !== r.chunksAfter || r.pagesBefore !== r.pagesAfter) result.buckets++;
		result.chunksBefore += r.chunksBefore;
		result.chunksAfter += r.chunksAfter;
		result.pagesBefore += r.pagesBefore;
		result.pagesAfter += r.pagesAfter;
	};
	let next = await bucketAfter(done === '' ? null : Number(done));
	while (next !== null && next < newest) {
		await compact(next);
		await store.setSetting(COMPACTED_THROUGH, String(next));
		next = await bucketAfter(next);
		// Let queued transactions of other callers in this process run between buckets.
		await new Promise(resolve => setImmediate(resolve));
	}
	await compact(newest);
	return result;
}

/**
 * Chunks rewritten per transaction, whole clients at a time: a transaction holds the write lock, and other sessions
 * wait for it (busy_timeout) rather than fail, so each stays well under a second.
 */
const RANGE_CHUNKS = 20_000;

/**
 * One bucket, in transactions of its own: the chunks of a range of clients each (so no event is ever stored twice
 * or missing between them), then the pages.
 */
async function compactBucket(store: Store, bucket: number, rangeChunks = RANGE_CHUNKS): Promise<Omit<CompactionResult, 'buckets'>> {
	const lo = bucket * 2 ** BUCKET_BITS;
	const hi = lo + 2 ** BUCKET_BITS - 1;
	// Keys (address, space, server, client, host) held in more than one chunk of the bucket (GROUP BY treats NULLs as
	// equal, as the key does).
	const chunks = (await store.get<{ total: number; split: number }>(
		`SELECT (SELECT count(*) FROM lease_chunk WHERE bkt = ?1) AS total,
			(SELECT count(*) FROM (SELECT 1 FROM lease_chunk WHERE bkt = ?1 GROUP BY ip, space_id, server_id, client_ref, host_ref HAVING count(*) > 1)) AS split`,
		[bucket],
	))!;
	let chunksAfter = chunks.total;
	if (chunks.split > 0) {
		// The whole bucket is rewritten, in client order, a range of clients at a time in ascending order: a client's
		// chunks of the bucket then share a page or two, so a MAC or host question reads a page per bucket where the
		// batches had scattered them (addresses mostly have one client per bucket, so an address's chunks stay together).
		const rewrite = (which: string, params: number[]) =>
			store.transaction(async tx => {
				const { last } = (await tx.get<{ last: number }>('SELECT max(id) AS last FROM lease_chunk'))!;
				const { changes } = await tx.run(
					`INSERT INTO lease_chunk (ip, family, space_id, server_id, client_ref, host_ref, t_first, t_last, n, ev)
					 SELECT ip, family, space_id, server_id, client_ref, host_ref, min(ts), max(ts), count(*), jsonb_group_array(jsonb(ev) ORDER BY ts, kind, seq)
					 FROM (SELECT c.ip, c.family, c.space_id, c.server_id, c.client_ref, c.host_ref, e.value AS ev, e.value ->> 0 AS ts, e.value ->> 1 AS kind,
					              (c.id << 12) | e.key AS seq,
					              (row_number() OVER (PARTITION BY c.ip, c.space_id, c.server_id, c.client_ref, c.host_ref ORDER BY e.value ->> 0, e.value ->> 1, c.id, e.key) - 1) / ${CHUNK_MAX} AS part
					       FROM lease_chunk c, jsonb_each(c.ev) e WHERE c.bkt = ?1 AND ${which})
					 GROUP BY ip, space_id, server_id, client_ref, host_ref, part
					 ORDER BY client_ref, ip, server_id, host_ref, min(ts)`,
					[bucket, ...params],
				);
				const removed = await tx.run(`DELETE FROM lease_chunk AS c WHERE c.bkt = ?1 AND ${which} AND c.id <= ?${params.length + 2}`, [bucket, ...params, last]);
				return changes - removed.changes;
			});
		chunksAfter += await rewrite('c.client_ref IS NULL', []);
		for (let from = -(2 ** 52); ; ) {
			// The client at RANGE_CHUNKS chunks on ends the range: all of its chunks go with it.
			const until = (await store.get<{ c: number }>(
				'SELECT client_ref AS c FROM lease_chunk INDEXED BY lease_chunk_client WHERE bkt = ?1 AND client_ref > ?2 ORDER BY client_ref LIMIT 1 OFFSET ?3',
				[bucket, from, rangeChunks],
			))?.c;
			if (until === undefined) {
				chunksAfter += await rewrite('c.client_ref > ?2', [from]);
				break;
			}
			chunksAfter += await rewrite('c.client_ref > ?2 AND c.client_ref <= ?3', [from, until]);
			from = until;
		}
	}
	// Pages: re-cut only when the bucket's events would fit in fewer.
	const { pages, pagesAfter } = await store.transaction(async tx2 => {
		const pages = (await tx2.get<{ n: number; events: number }>(
			'SELECT count(*) AS n, coalesce(sum(n), 0) AS events FROM lease_page WHERE t_first BETWEEN ?1 AND ?2',
			[lo, hi],
		))!;
		let pagesAfter = pages.n;
		if (pages.n > Math.ceil(pages.events / PAGE_MAX)) {
			await tx2.exec('CREATE TEMP TABLE IF NOT EXISTS compact_page (id INTEGER PRIMARY KEY); DELETE FROM temp.compact_page');
			await tx2.run('INSERT INTO temp.compact_page (id) SELECT id FROM lease_page WHERE t_first BETWEEN ?1 AND ?2', [lo, hi]);
			const { changes } = await tx2.run(
				`INSERT INTO lease_page (t_first, t_last, n, ev)
				 SELECT min(ts), max(ts), count(*), jsonb_group_array(jsonb(ev) ORDER BY ts, seq)
				 FROM (SELECT e.value AS ev, e.value ->> 0 AS ts, (p.id << 12) | e.key AS seq,
				              (row_number() OVER (ORDER BY e.value ->> 0, p.id, e.key) - 1) / ${PAGE_MAX} AS page
				       FROM temp.compact_page k CROSS JOIN lease_page p ON p.id = k.id, jsonb_each(p.ev) e)
				 GROUP BY page ORDER BY page`,
			);
			await tx2.run('DELETE FROM lease_page WHERE id IN (SELECT id FROM temp.compact_page)');
			pagesAfter = changes;
		}
		return { pages, pagesAfter };
	});
	return { chunksBefore: chunks.total, chunksAfter, pagesBefore: pages.n, pagesAfter };
}
