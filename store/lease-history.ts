// The packed lease history (lease_chunk + lease_page, see 001_initial.sql): the writer of both tables from
// JavaScript columns (log ingest), with the duplicate check that makes re-reading a log a no-op. Lease-set
// differences are packed set-wise in SQL by lease-history-stage.ts in the same format.
import type { Store } from './database.js';
import { JsonBytes } from './json-bytes.js';
import type { HistoryColumns } from './history-columns.js';

/** Chunks are confined to aligned buckets of 2^22 s (about 48.5 days): ts >> BUCKET_BITS. */
export const BUCKET_BITS = 22;
const BUCKET = 2 ** BUCKET_BITS;
/** Events per chunk and per page: positions fit the low 12 bits of an event id. */
export const CHUNK_MAX = 4096;
export const PAGE_MAX = 1024;

/** First second of the bucket holding `ts`: every chunk that can hold events at or after ts starts at or after it. */
export function bucketStart(ts: number): number {
	return Math.floor(ts / BUCKET) * BUCKET;
}

/**
 * SQL: `col IN (each bucket from lo's to hi's that can hold chunks)`, lo and hi SQL expressions (numbered
 * parameters or columns: each is used once). The chunk indexes are led by the bucket (003_lease_chunk_bucket_keys.sql),
 * so a key's chunks over a time range are one seek per bucket; the range is clipped to the stored buckets (the
 * min/max of an index's leading column: two seeks), so an open window does not name millennia of empty buckets.
 */
export function bucketsIn(col: string, lo: string, hi: string): string {
	return `${col} IN (WITH RECURSIVE b(x) AS (SELECT max((${lo}) >> ${BUCKET_BITS}, (SELECT min(bkt) FROM lease_chunk))
		UNION ALL SELECT x + 1 FROM b WHERE x < min((${hi}) >> ${BUCKET_BITS}, (SELECT max(bkt) FROM lease_chunk))) SELECT x FROM b)`;
}

/** SQL: `col IN (every stored bucket)`, for reads by key over the whole history. */
export function everyBucket(col: string): string {
	return bucketsIn(col, String(-(2 ** 52)), String(2 ** 52));
}

const CHUNK_INSERT = `INSERT INTO lease_chunk (ip, family, space_id, server_id, client_ref, host_ref, t_first, t_last, n, ev)
	SELECT unhex(value ->> 0), value ->> 1, ?1, ?2, value ->> 2, value ->> 3, value ->> 5, value ->> 6, value ->> 7, jsonb_extract(value, '$[4]')
	FROM jsonb_each(CAST(?3 AS TEXT))`;

const PAGE_INSERT = `INSERT INTO lease_page (t_first, t_last, n, ev)
	SELECT value ->> 0, value ->> 1, value ->> 2, jsonb_extract(value, '$[3]') FROM jsonb_each(CAST(?1 AS TEXT))`;

/** Stored events of the same key overlapping each candidate: [candidate index, JSON of the chunk's events]. */
const OVERLAPS = `SELECT k.key AS g, json(c.ev) AS ev FROM json_each(?3) k
	JOIN lease_chunk c ON c.bkt = (k.value ->> 3) >> ${BUCKET_BITS} AND c.ip = unhex(k.value ->> 0) AND c.t_first BETWEEN k.value ->> 3 AND k.value ->> 5
	WHERE c.t_last >= k.value ->> 4 AND c.space_id = ?1 AND c.server_id IS ?2
		AND c.client_ref IS k.value ->> 1 AND c.host_ref IS k.value ->> 2`;

/** Groups (chunk keys) per statement, and events per page statement: small enough that no statement's text is large. */
const GROUPS_PER_STATEMENT = 4000;
const EVENTS_PER_PAGE_STATEMENT = 16 * 1024;

/**
 * Writes events of one server (or none) into one address space, in the caller's transaction. Duplicates — the same
 * address, server, client, host, time and kind, within the batch or already stored — are dropped. Returns how
 * many events were written.
 */
export async function writeHistory(tx: Store, target: { serverId: number | null; spaceId: number }, cols: HistoryColumns, signal?: AbortSignal): Promise<number> {
	if (cols.n === 0) return 0;
	const order = timeOrder(cols);
	const keep = keepFirstOfEach(cols, order);
	// Statements go out as they are built: SQLite's thread inserts one while this thread builds the next (see yieldToSqlite).
	const pending: Promise<unknown>[] = [];
	const send = (sql: string, params: (string | number | null | Buffer)[]) => {
		const p = tx.run(sql, params);
		p.catch(() => undefined);
		pending.push(p);
	};
	const newest = (await tx.get<{ t: number | null }>('SELECT max(t_last) AS t FROM lease_page'))?.t ?? null;
	const chunks = chunkOrder(cols, keep);
	if (newest !== null && cols.ts[order[0]] <= newest) {
		// Some events may be stored already: their chunk keys are looked up before anything is written.
		await dropStored(tx, target, cols, chunks, keep, newest, signal);
		signal?.throwIfAborted();
	}
	// Chunks first: they are SQLite's costlier rows (three index entries each), written while this thread builds the pages.
	let written = 0;
	let stopped: { reason: unknown } | null = null;
	try {
		written = await sendChunks(cols, chunks, keep, target, send, signal);
		await sendPages(cols, order, keep, target, send, signal);
	} catch (reason) {
		stopped = { reason };
	}
	// Whatever happened, no statement of this batch is still running when the caller rolls back.
	const failed = (await Promise.allSettled(pending)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
	if (stopped) throw stopped.reason;
	if (failed) throw failed.reason;
	return written;
}

/**
 * One turn of the event loop. node-sqlite3 hands a queued statement to its thread pool from a callback on this
 * thread: without a turn between statements, SQLite sits idle until every statement of the batch is built.
 */
function yieldToSqlite(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}

type Send = (sql: string, params: (string | number | null | Buffer)[]) => void;

/** Event indexes in time order (stable); a log is usually in order already, and then nothing is sorted. */
function timeOrder(cols: HistoryColumns): Uint32Array {
	const { n, ts } = cols;
	const order = new Uint32Array(n);
	let sorted = true;
	for (let i = 0; i < n; i++) {
		order[i] = i;
		if (i && ts[i - 1] > ts[i]) sorted = false;
	}
	if (!sorted) order.sort((a, b) => ts[a] - ts[b] || a - b);
	return order;
}

/** 1 for the first of each set of identical events (same address, client, host, time and kind), 0 for the rest. */
function keepFirstOfEach(cols: HistoryColumns, order: Uint32Array): Uint8Array {
	const { n, ts, ip, client, host, kind } = cols;
	const keep = new Uint8Array(n).fill(1);
	// Identical events share a time: only runs of equal times are compared, pairwise when short.
	for (let lo = 0; lo < n; ) {
		let hi = lo + 1;
		while (hi < n && ts[order[hi]] === ts[order[lo]]) hi++;
		if (hi - lo > 16) {
			const seen = new Set<string>();
			for (let j = lo; j < hi; j++) {
				const i = order[j];
				const key = `${ip[i]}|${client[i]}|${host[i]}|${kind[i]}`;
				if (seen.has(key)) keep[i] = 0;
				else seen.add(key);
			}
		} else {
			for (let j = lo + 1; j < hi; j++) {
				const i = order[j];
				for (let k = lo; k < j; k++) {
					const o = order[k];
					if (keep[o] && ip[o] === ip[i] && client[o] === client[i] && host[o] === host[i] && kind[o] === kind[i]) {
						keep[i] = 0;
						break;
					}
				}
			}
		}
		lo = hi;
	}
	return keep;
}

/** Kept events in chunk order (address, client, host, time, kind) and where each chunk starts (plus the end). */
interface Chunks {
	order: Uint32Array;
	starts: number[];
}

function chunkOrder(cols: HistoryColumns, keep: Uint8Array): Chunks {
	const { n, ip, ts, kind, client, host } = cols;
	// Client order: a batch's client and host index entries (host ids are interned alongside client ids, so they
	// follow) then land next to each other instead of all over the bucket's index pages, and compaction stores
	// buckets in client order too. A stable radix sort by client id keeps each client's events in batch order.
	let kept = 0;
	for (let i = 0; i < n; i++) kept += keep[i];
	let order = new Uint32Array(kept);
	for (let i = 0, j = 0; i < n; i++) if (keep[i]) order[j++] = i;
	if (kept < 4096) {
		// A collection every few minutes: the radix passes' 64 Ki counters would cost more than the sort.
		order.sort((a, b) => client[a] - client[b] || a - b);
	} else {
		let most = 0;
		for (let j = 0; j < kept; j++) most = Math.max(most, client[order[j]]);
		let spare = new Uint32Array(kept);
		const count = new Uint32Array(65_537);
		for (let shift = 0; shift < 32 && (shift === 0 || most >>> shift > 0); shift += 16) {
			count.fill(0);
			for (let j = 0; j < kept; j++) count[((client[order[j]] >>> shift) & 0xffff) + 1]++;
			for (let d = 0; d < 65_536; d++) count[d + 1] += count[d];
			for (let j = 0; j < kept; j++) spare[count[(client[order[j]] >>> shift) & 0xffff]++] = order[j];
			[order, spare] = [spare, order];
		}
	}
	// Each client's run in (host, address, ts, kind) order — already so for the usual run of one address in time order.
	const cmp = (a: number, b: number) => host[a] - host[b] || ip[a] - ip[b] || ts[a] - ts[b] || kind[a] - kind[b];
	for (let lo = 0; lo < kept; ) {
		let hi = lo + 1;
		let sorted = true;
		while (hi < kept && client[order[hi]] === client[order[lo]]) {
			if (sorted && cmp(order[hi - 1], order[hi]) > 0) sorted = false;
			hi++;
		}
		if (!sorted) order.subarray(lo, hi).sort(cmp);
		lo = hi;
	}
	// Chunk boundaries: a new key, a new bucket, or a full chunk.
	const starts: number[] = [];
	let prev = -1;
	let inChunk = 0;
	for (let j = 0; j < kept; j++) {
		const i = order[j];
		const same = prev >= 0 && ip[prev] === ip[i] && client[prev] === client[i] && host[prev] === host[i];
		if (!same || Math.floor(ts[prev] / BUCKET) !== Math.floor(ts[i] / BUCKET) || inChunk === CHUNK_MAX) {
			starts.push(j);
			inChunk = 0;
		}
		inChunk++;
		prev = i;
	}
	starts.push(kept);
	return { order, starts };
}

/** The chunk statements: [hex, family, client, host, [[ts, kind, user, expires] …], t_first, t_last, n] per chunk. */
async function sendChunks(cols: HistoryColumns, chunks: Chunks, keep: Uint8Array, target: { serverId: number | null; spaceId: number }, send: Send, signal?: AbortSignal): Promise<number> {
	const { ip, ts, kind, client, host } = cols;
	const { order, starts } = chunks;
	const out = new JsonBytes();
	let written = 0;
	let groups = 0;
	for (let g = 0; g + 1 < starts.length; g++) {
		let first = -1;
		let last = -1;
		let count = 0;
		for (let j = starts[g]; j < starts[g + 1]; j++) {
			const i = order[j];
			if (!keep[i]) continue;
			if (count === 0) {
				first = i;
				const a = cols.addresses[ip[i]];
				out.ascii(groups ? ',["' : '[["');
				out.ascii(a.hex);
				out.ascii('",');
				out.int(a.family);
				out.byte(0x2c);
				out.ref(client[i]);
				out.byte(0x2c);
				out.ref(host[i]);
				out.ascii(',[');
			} else out.byte(0x2c);
			out.byte(0x5b);
			out.int(ts[i]);
			out.byte(0x2c);
			out.int(kind[i]);
			out.byte(0x2c);
			out.ref(cols.user[i]);
			out.byte(0x2c);
			out.time(cols.expires[i]);
			out.byte(0x5d);
			last = i;
			count++;
		}
		if (count === 0) continue;
		// The chunk's events went first so its bounds are known; they close the row.
		out.ascii('],');
		out.int(ts[first]);
		out.byte(0x2c);
		out.int(ts[last]);
		out.byte(0x2c);
		out.int(count);
		out.byte(0x5d);
		written += count;
		if (++groups === GROUPS_PER_STATEMENT) {
			out.byte(0x5d);
			send(CHUNK_INSERT, [target.spaceId, target.serverId, out.take()]);
			await yieldToSqlite();
			signal?.throwIfAborted();
			groups = 0;
		}
	}
	if (groups) {
		out.byte(0x5d);
		send(CHUNK_INSERT, [target.spaceId, target.serverId, out.take()]);
	}
	return written;
}

/** The page statements: the kept events in time order, PAGE_MAX to a page: [t_first, t_last, n, [[ts, kind, family, hex, space, server, client, host, user, expires] …]]. */
async function sendPages(cols: HistoryColumns, order: Uint32Array, keep: Uint8Array, target: { serverId: number | null; spaceId: number }, send: Send, signal?: AbortSignal): Promise<void> {
	const { ip, ts, kind, client, host } = cols;
	const kept: number[] = [];
	for (let j = 0; j < order.length; j++) if (keep[order[j]]) kept.push(order[j]);
	const server = target.serverId === null ? 'null' : String(target.serverId);
	const out = new JsonBytes();
	let pages = 0;
	for (let p = 0, end = 0; p < kept.length; p = end) {
		// A page ends at PAGE_MAX events or at a time bucket's edge, so no page spans more than a bucket either.
		const bucket = Math.floor(ts[kept[p]] / BUCKET);
		end = Math.min(kept.length, p + PAGE_MAX);
		for (let j = p + 1; j < end; j++) {
			if (Math.floor(ts[kept[j]] / BUCKET) !== bucket) {
				end = j;
				break;
			}
		}
		out.ascii(pages ? ',[' : '[[');
		out.int(ts[kept[p]]);
		out.byte(0x2c);
		out.int(ts[kept[end - 1]]);
		out.byte(0x2c);
		out.int(end - p);
		out.ascii(',[');
		for (let j = p; j < end; j++) {
			const i = kept[j];
			const a = cols.addresses[ip[i]];
			out.ascii(j > p ? ',[' : '[');
			out.int(ts[i]);
			out.byte(0x2c);
			out.int(kind[i]);
			out.byte(0x2c);
			out.int(a.family);
			out.ascii(',"');
			out.ascii(a.hex);
			out.ascii('",');
			out.int(target.spaceId);
			out.byte(0x2c);
			out.ascii(server);
			out.byte(0x2c);
			out.ref(client[i]);
			out.byte(0x2c);
			out.ref(host[i]);
			out.byte(0x2c);
			out.ref(cols.user[i]);
			out.byte(0x2c);
			out.time(cols.expires[i]);
			out.byte(0x5d);
		}
		out.ascii(']]');
		if (++pages * PAGE_MAX >= EVENTS_PER_PAGE_STATEMENT) {
			out.byte(0x5d);
			send(PAGE_INSERT, [out.take()]);
			await yieldToSqlite();
			signal?.throwIfAborted();
			pages = 0;
		}
	}
	if (pages) {
		out.byte(0x5d);
		send(PAGE_INSERT, [out.take()]);
	}
}

/** Clears `keep` for events already stored under the same key, time and kind (only chunks as old as `newest` are asked). */
async function dropStored(
	tx: Store,
	target: { serverId: number | null; spaceId: number },
	cols: HistoryColumns,
	chunks: Chunks,
	keep: Uint8Array,
	newest: number,
	signal?: AbortSignal,
): Promise<void> {
	const { ts, kind } = cols;
	const { order, starts } = chunks;
	const candidates: number[] = [];
	for (let g = 0; g + 1 < starts.length; g++) if (ts[order[starts[g]]] <= newest) candidates.push(g);
	// Asked in address order: the lookups go through the address index, and chunks come in client order.
	const hex = (g: number) => cols.addresses[cols.ip[order[starts[g]]]].hex;
	candidates.sort((a, b) => {
		const x = hex(a);
		const y = hex(b);
		return x < y ? -1 : x > y ? 1 : 0;
	});
	for (let c = 0; c < candidates.length; c += GROUPS_PER_STATEMENT) {
		signal?.throwIfAborted();
		const part = candidates.slice(c, c + GROUPS_PER_STATEMENT);
		const keys = part.map(g => {
			const i = order[starts[g]];
			const first = ts[i];
			const a = cols.addresses[cols.ip[i]];
			return [a.hex, cols.client[i] || null, cols.host[i] || null, bucketStart(first), first, ts[order[starts[g + 1] - 1]]];
		});
		const found = await tx.all<{ g: number; ev: string }>(OVERLAPS, [target.spaceId, target.serverId, JSON.stringify(keys)]);
		const stored = new Map<number, Set<string>>();
		for (const f of found) {
			let set = stored.get(f.g);
			if (!set) stored.set(f.g, (set = new Set()));
			for (const e of JSON.parse(f.ev) as number[][]) set.add(`${e[0]}|${e[1]}`);
		}
		for (const [at, set] of stored) {
			const g = part[at];
			for (let j = starts[g]; j < starts[g + 1]; j++) {
				const i = order[j];
				if (set.has(`${ts[i]}|${kind[i]}`)) keep[i] = 0;
			}
		}
	}
}
