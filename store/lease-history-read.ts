// Reading packed lease history (lease_page, lease_chunk) in time order by key: newest or oldest first from an anchor,
// through the page index for time order and the chunk indexes for one address, client or host.
import type { Param, Store } from './database.js';
import type { Condition } from './pages.js';
import { BUCKET_BITS, bucketStart, bucketsIn, everyBucket } from './lease-history.js';

/** One lease event with its names resolved. `tie` orders events of the same second the same way whichever table they came from. */
export interface LeaseEventRow {
	/** Storage position (page or chunk id << 12 | position): differs by read path; `tie` is the identity within a second. */
	id: number;
	ts: number;
	kind: number;
	family: number;
	ip: Buffer;
	space_id: number;
	server_id: number | null;
	client_ref: number | null;
	host_ref: number | null;
	user_ref: number | null;
	expires: number | null;
	tie: string;
	mac: string | null;
	client_id: string | null;
	duid: string | null;
	client_key: string | null;
	host: string | null;
	user: string | null;
	server: string | null;
}

/** Which lease_chunk index reaches the events: an address span, or clients / hosts chosen by a subquery of ids. */
export type ChunkAccess = { by: 'ip'; family: number; start: Buffer; end: Buffer } | { by: 'client' | 'host'; ids: Condition };

export interface LeaseEventRead {
	/** Conditions over one event: ev.ts, ev.kind, ev.family, ev.ip, ev.space_id, ev.server_id, ev.client_ref, ev.host_ref, ev.user_ref, ev.expires. */
	where: Condition[];
	/** Read through a chunk index instead of walking pages (few events match: an address, a client, a handful of hosts). */
	access?: ChunkAccess;
	from?: number | null;
	to?: number | null;
	/** Start after (or at, inclusive) this event; without `tie`, after or at every event of that second. */
	anchor?: { ts: number; tie?: string; inclusive?: boolean };
	ascending?: boolean;
	limit: number;
}

const BUCKET = 2 ** BUCKET_BITS;
const MIN_TS = -(2 ** 52);
const MAX_TS = 2 ** 52;

// The tie is the event's stored identity (ingest keeps one event per address, kind, space, server, client, host and second).
const PAGE_EVENT = `(p.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind, e.value ->> 2 AS family, unhex(e.value ->> 3) AS ip,
	e.value ->> 4 AS space_id, e.value ->> 5 AS server_id, e.value ->> 6 AS client_ref, e.value ->> 7 AS host_ref, e.value ->> 8 AS user_ref,
	e.value ->> 9 AS expires, printf('%s %d %d %d %d %d', lower(e.value ->> 3), e.value ->> 1, e.value ->> 4, e.value ->> 5, e.value ->> 6, e.value ->> 7) AS tie`;
const CHUNK_EVENT = `(c.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind, c.family, c.ip, c.space_id, c.server_id, c.client_ref,
	c.host_ref, e.value ->> 2 AS user_ref, e.value ->> 3 AS expires,
	printf('%s %d %d %d %d %d', lower(hex(c.ip)), e.value ->> 1, c.space_id, c.server_id, c.client_ref, c.host_ref) AS tie`;

/** The events of the given pages. */
function pagesSql(ids: number[]): { sql: string; params: Param[] } {
	return { sql: `SELECT ${PAGE_EVENT} FROM lease_page p, jsonb_each(p.ev) e WHERE p.id IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(ids)] };
}

/** Pages overlapping [lo, hi]: the t_last index bounded by the longest page span (`+` keeps SQLite off the t_first index). */
async function pagesOverlapping(store: Store, lo: number, hi: number, span: number): Promise<number[]> {
	const rows = await store.all<{ id: number }>('SELECT id FROM lease_page WHERE t_last BETWEEN ? AND ? AND +t_first <= ?', [lo, Math.min(hi + span, MAX_TS), hi]);
	return rows.map(r => r.id);
}

/** Chunks of an address span (parameters: its first and last address keys), in every stored bucket; for counting, capped. */
export const SPAN_CHUNKS_SQL = `SELECT 1 FROM lease_chunk c WHERE ${everyBucket('c.bkt')} AND c.ip BETWEEN ? AND ?`;

/** The index each access reads (named: on few rows SQLite may prefer the t_first index and scan a whole time range). */
const ACCESS_INDEX = { ip: 'lease_chunk_ip', client: 'lease_chunk_client', host: 'lease_chunk_host' } as const;

function accessCondition(access: ChunkAccess): Condition {
	if (access.by === 'ip') {
		return access.start.equals(access.end)
			? { sql: 'c.ip = ? AND c.family = ?', params: [access.start, access.family] }
			: { sql: 'c.ip BETWEEN ? AND ? AND c.family = ?', params: [access.start, access.end, access.family] };
	}
	const column = access.by === 'client' ? 'c.client_ref' : 'c.host_ref';
	return { sql: `${column} IN (${access.ids.sql})`, params: access.ids.params };
}

/** Chunks of the access key starting in [lo, hi] (every event of a bucket lies in chunks starting inside it). */
function chunksSql(access: ChunkAccess, lo: number, hi: number, from: number): { sql: string; params: Param[] } {
	const a = accessCondition(access);
	return {
		sql: `SELECT ${CHUNK_EVENT} FROM lease_chunk c INDEXED BY ${ACCESS_INDEX[access.by]}, jsonb_each(c.ev) e WHERE c.bkt = ? AND ${a.sql} AND c.t_first BETWEEN ? AND ? AND c.t_last >= ?`,
		params: [Math.floor(lo / BUCKET), ...a.params, lo, hi, from],
	};
}

/**
 * The events of one window, filtered, in order, limited, with names joined. A window holds a page or two of events
 * for a handful of rows: the second of the last row wanted is found first from times alone, so the tie and the
 * other fields are extracted only for the events from that second on.
 */
function windowSql(events: { sql: string; params: Param[] }, read: LeaseEventRead, lo: number, hi: number, first: boolean, limit: number): { sql: string; params: Param[] } {
	// After a first window that did not fill the page, the filter is selective: its few events are sorted whole.
	const cutFirst = first || read.where.length === 0;
	const dir = read.ascending ? 'ASC' : 'DESC';
	const filters = read.where.map(c => `(${c.sql})`);
	const filterParams = read.where.flatMap(c => c.params);
	const anchor = first ? read.anchor : undefined;
	const tied = anchor?.tie !== undefined;
	// The cut: the limit-th event's second, counting only events strictly past a tied anchor's second (a safe under-count).
	const [cutLo, cutHi] = tied ? (read.ascending ? [anchor!.ts + 1, hi] : [lo, anchor!.ts - 1]) : [lo, hi];
	const cut = `(SELECT ts FROM (${events.sql}) ev WHERE ${['ev.ts BETWEEN ? AND ?', ...filters].join(' AND ')} ORDER BY ev.ts ${dir} LIMIT 1 OFFSET ?)`;
	const cutParams: Param[] = [...events.params, cutLo, cutHi, ...filterParams, limit - 1];
	const where = [!cutFirst ? 'ev.ts BETWEEN ? AND ?' : read.ascending ? `ev.ts BETWEEN ? AND coalesce(${cut}, ?)` : `ev.ts BETWEEN coalesce(${cut}, ?) AND ?`];
	const params: Param[] = [...events.params, ...(!cutFirst ? [lo, hi] : read.ascending ? [lo, ...cutParams, hi] : [...cutParams, lo, hi])];
	if (tied) {
		const op = `${read.ascending ? '>' : '<'}${anchor!.inclusive ? '=' : ''}`;
		where.push(`(ev.ts ${read.ascending ? '>' : '<'} ? OR (ev.ts = ? AND ev.tie ${op} ?))`);
		params.push(anchor!.ts, anchor!.ts, anchor!.tie!);
	}
	where.push(...filters);
	params.push(...filterParams, limit);
	return {
		sql: `SELECT x.*, cl.mac, cl.client_id, cl.duid, cl.key AS client_key, h.name AS host, u.name AS user, sv.name AS server
			FROM (SELECT * FROM (${events.sql}) ev WHERE ${where.join(' AND ')} ORDER BY ev.ts ${dir}, ev.tie ${dir} LIMIT ?) x
			LEFT JOIN client cl ON cl.id = x.client_ref LEFT JOIN host h ON h.id = x.host_ref
			LEFT JOIN user_account u ON u.id = x.user_ref LEFT JOIN server sv ON sv.id = x.server_id
			ORDER BY x.ts ${dir}, x.tie ${dir}`,
		params,
	};
}

/** The time range still to read: the anchor narrows the window's near edge. */
function bounds(read: LeaseEventRead): { lo: number; hi: number } {
	let lo = read.from ?? MIN_TS;
	let hi = read.to ?? MAX_TS;
	const a = read.anchor;
	if (a) {
		// Without a tie, an exclusive anchor skips its whole second.
		const edge = a.tie === undefined && !a.inclusive ? (read.ascending ? a.ts + 1 : a.ts - 1) : a.ts;
		if (read.ascending) lo = Math.max(lo, edge);
		else hi = Math.min(hi, edge);
	}
	return { lo, hi };
}

/**
 * Reads one page of lease events in time order (ties by `tie`). With `access`, through that lease_chunk index one
 * time bucket at a time; otherwise along the page index, expanding only the pages that can hold the next `limit` events.
 */
export async function readLeaseEvents(store: Store, read: LeaseEventRead): Promise<LeaseEventRow[]> {
	if (read.limit <= 0) return [];
	const { lo, hi } = bounds(read);
	if (lo > hi) return [];
	return read.access ? readChunks(store, read, read.access, lo, hi) : readPages(store, read, lo, hi);
}

async function readChunks(store: Store, read: LeaseEventRead, access: ChunkAccess, lo: number, hi: number): Promise<LeaseEventRow[]> {
	const out: LeaseEventRow[] = [];
	const a = accessCondition(access);
	let first = true;
	// The bucket to read next: its chunks start inside it and hold all its events.
	let bucket = read.ascending ? bucketStart(lo) : bucketStart(hi);
	while (out.length < read.limit) {
		const start = Math.max(bucket, lo);
		const end = Math.min(bucket + BUCKET - 1, hi);
		const events = chunksSql(access, bucket, end, lo);
		const w = windowSql(events, read, start, end, first, read.limit - out.length);
		out.push(...(await store.all<LeaseEventRow>(w.sql, w.params)));
		first = false;
		if (out.length >= read.limit) break;
		// Skip empty buckets: the next chunk start of this key beyond the bucket read. The bucket bounds are this
		// module's own integers, written into the statement because the access condition's parameters are positional.
		const next = read.ascending
			? await store.get<{ t: number | null }>(
					`SELECT c.t_first AS t FROM lease_chunk c INDEXED BY ${ACCESS_INDEX[access.by]} WHERE ${bucketsIn('c.bkt', String(end + 1), String(hi))}
						AND ${a.sql} AND c.t_first > ? AND c.t_first <= ? ORDER BY c.bkt, c.t_first LIMIT 1`,
					[...a.params, end, hi],
				)
			: await store.get<{ t: number | null }>(
					`SELECT c.t_first AS t FROM lease_chunk c INDEXED BY ${ACCESS_INDEX[access.by]} WHERE ${bucketsIn('c.bkt', String(lo), String(bucket - 1))}
						AND ${a.sql} AND c.t_first < ? AND c.t_last >= ? ORDER BY c.bkt DESC, c.t_first DESC LIMIT 1`,
					[...a.params, bucket, lo],
				);
		if (next?.t == null) break;
		bucket = bucketStart(next.t);
	}
	return out;
}

async function readPages(store: Store, read: LeaseEventRead, lo: number, hi: number): Promise<LeaseEventRow[]> {
	const out: LeaseEventRow[] = [];
	const last = await lastPageEnd(store);
	let span: number | undefined;
	// Filters may let only some events through: each further window covers more events than the last.
	let target = read.limit;
	let first = true;
	while (out.length < read.limit && lo <= hi) {
		const edge = read.ascending ? await windowAbove(store, lo, hi, target) : await windowBelow(store, lo, hi, target);
		// Clamped so every window moves on.
		const [wlo, whi] = read.ascending ? [lo, Math.max(lo, edge)] : [Math.min(edge, hi), hi];
		// A page straddling the window's top can start inside it and end up to the longest page span later.
		if (whi < last && span === undefined) span = await pageSpan(store);
		const pages = await pagesOverlapping(store, wlo, whi, whi < last ? span! : 0);
		if (pages.length) {
			const w = windowSql(pagesSql(pages), read, wlo, whi, first, read.limit - out.length);
			out.push(...(await store.all<LeaseEventRow>(w.sql, w.params)));
		}
		first = false;
		if (read.ascending) lo = whi + 1;
		else hi = wlo - 1;
		target = Math.min(target * 4, 1 << 18);
	}
	return out;
}

interface PageHead {
	f: number;
	l: number;
	n: number;
}

/**
 * The latest start `lo` such that pages lying wholly in [lo, hi) hold at least `target` events (so the newest
 * `target` events before hi are no older than lo); `floor` when all pages below hi hold fewer.
 */
async function windowBelow(store: Store, floor: number, hi: number, target: number): Promise<number> {
	for (let k = Math.ceil(target / 256) + 4; ; k *= 4) {
		const pages = await store.all<PageHead>('SELECT t_first AS f, t_last AS l, n FROM lease_page WHERE t_last < ? AND t_last >= ? ORDER BY t_last DESC LIMIT ?', [hi, floor, k]);
		// A long page (an archived log) must not drag the window down: count pages by how late they start.
		const byStart = [...pages].sort((a, b) => b.f - a.f);
		let acc = 0;
		for (const p of byStart) {
			acc += p.n;
			if (acc >= target) return Math.max(p.f, floor);
		}
		if (pages.length < k) return floor;
	}
}

/** The mirror of windowBelow: the earliest end `hi` such that pages wholly in (lo, hi] hold at least `target` events. */
async function windowAbove(store: Store, lo: number, ceiling: number, target: number): Promise<number> {
	for (let k = Math.ceil(target / 256) + 4; ; k *= 4) {
		const pages = await store.all<PageHead>('SELECT t_first AS f, t_last AS l, n FROM lease_page WHERE t_first > ? AND t_first <= ? ORDER BY t_first ASC LIMIT ?', [lo, ceiling, k]);
		const byEnd = [...pages].sort((a, b) => a.l - b.l);
		let acc = 0;
		for (const p of byEnd) {
			acc += p.n;
			if (acc >= target) return Math.min(p.l, ceiling);
		}
		if (pages.length < k) return ceiling;
	}
}

/**
 * An upper bound on t_last - t_first over all pages: how far past a window a page holding some of its events can end.
 * Kept per store while nothing changes (this connection's row changes, another connection's commits); taken again
 * after any change (counting pages cannot tell a deleted page from one that reused its id).
 */
const spans = new WeakMap<Store, { version: string; span: number }>();

async function pageSpan(store: Store): Promise<number> {
	const v = await store.get<{ mine: number; other: number }>('SELECT total_changes() AS mine, (SELECT data_version FROM pragma_data_version) AS other');
	const version = `${v?.mine}/${v?.other}`;
	const known = spans.get(store);
	if (known?.version === version) return known.span;
	// From the two time indexes joined by id: a table scan would read every page's row (a disk page each).
	const r = await store.get<{ span: number | null }>(
		`WITH f AS MATERIALIZED (SELECT id, t_first FROM lease_page INDEXED BY lease_page_first WHERE t_first > ?1),
			l AS MATERIALIZED (SELECT id, t_last FROM lease_page INDEXED BY lease_page_last WHERE t_last > ?1)
		SELECT max(l.t_last - f.t_first) AS span FROM f JOIN l ON l.id = f.id`,
		[MIN_TS - 1],
	);
	const span = r?.span ?? 0;
	spans.set(store, { version, span });
	return span;
}

/** The latest page end, to know when nothing can straddle a window's top (no span needed). */
function lastPageEnd(store: Store): Promise<number> {
	return store.get<{ t: number | null }>('SELECT max(t_last) AS t FROM lease_page').then(r => r?.t ?? MIN_TS);
}
