// The packed lease history (lease_chunk + lease_page, see 002_lease_chunk_groups.sql): the writer of both tables
// from JavaScript columns (log ingest), with the duplicate check that makes re-reading a log a no-op. Lease-set
// differences are packed set-wise in SQL by lease-history-stage.ts in the same format.
import type { Store } from './database.js';
import { JsonbBytes } from './jsonb-bytes.js';
import { addressGroupHex, BUCKET, bucketStart, DIM, GROUP_BITS, refGroup } from './lease-history-keys.js';

export { BUCKET_BITS, bucketStart } from './lease-history-keys.js';
/** Events per chunk and per page: positions fit the low 12 bits of an event id. */
export const CHUNK_MAX = 4096;
export const PAGE_MAX = 1024;
/** A key with at least this many events in a batch's time bucket gets chunks of its own; fewer go to its group's chunk. */
export const OWN_CHUNK = 4;

/**
 * An address of a batch. A caller that keeps these objects from batch to batch (lease-events.ts does, per
 * connection) saves the writer looking up each address's group again: it is kept on the object.
 */
export interface HistoryAddress {
	hex: string;
	family: number;
	group?: AddressGroup;
	/** The batch (HistoryColumns.stamp) that last listed this address, and where. */
	batch?: number;
	index?: number;
}

interface AddressGroup {
	hex: string;
	batch?: number;
	index?: number;
}

let batches = 0;

/** Address groups by hex, so a group is one object however many batches and addresses name it. */
const addressGroups = new Map<string, AddressGroup>();

function addressGroup(hex: string): AddressGroup {
	const key = addressGroupHex(hex);
	let g = addressGroups.get(key);
	if (!g) {
		if (addressGroups.size >= 1_000_000) addressGroups.clear();
		addressGroups.set(key, (g = { hex: key }));
	}
	return g;
}

/**
 * Events with their references resolved, column by column (typed arrays: a million events make no garbage per
 * event). Reference columns use 0 for none (row ids start at 1); `expires` uses NaN.
 */
export class HistoryColumns {
	n = 0;
	/** Tells this batch from others in the marks it leaves on shared address objects. */
	readonly stamp = ++batches;
	/** Distinct addresses of the batch; `ip` indexes into them. */
	readonly addresses: HistoryAddress[] = [];
	ip: Int32Array;
	ts: Float64Array;
	kind: Uint8Array;
	client: Int32Array;
	host: Int32Array;
	user: Int32Array;
	expires: Float64Array;

	constructor(capacity: number) {
		this.ip = new Int32Array(capacity);
		this.ts = new Float64Array(capacity);
		this.kind = new Uint8Array(capacity);
		this.client = new Int32Array(capacity);
		this.host = new Int32Array(capacity);
		this.user = new Int32Array(capacity);
		this.expires = new Float64Array(capacity);
	}

	/** The index of an address (lowercase hex key) in `addresses`, added when new. */
	address(hex: string, family: number): number {
		let i = this.byHex.get(hex);
		if (i === undefined) this.byHex.set(hex, (i = this.addresses.push({ hex, family }) - 1));
		return i;
	}

	private readonly byHex = new Map<string, number>();

	/** The index of an address object in `addresses`, added when this batch has not listed it yet. */
	listed(a: HistoryAddress): number {
		if (a.batch !== this.stamp) {
			a.batch = this.stamp;
			a.index = this.addresses.push(a) - 1;
		}
		return a.index!;
	}

	push(ip: number, ts: number, kind: number, client: number, host: number, user: number, expires: number): void {
		if (this.n === this.ts.length) this.grow();
		const i = this.n++;
		this.ip[i] = ip;
		this.ts[i] = ts;
		this.kind[i] = kind;
		this.client[i] = client;
		this.host[i] = host;
		this.user[i] = user;
		this.expires[i] = expires;
	}

	private grow(): void {
		const size = Math.max(1024, this.ts.length * 2);
		const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
			const b = new (a.constructor as new (n: number) => T)(size);
			b.set(a);
			return b;
		};
		this.ip = more(this.ip);
		this.ts = more(this.ts);
		this.kind = more(this.kind);
		this.client = more(this.client);
		this.host = more(this.host);
		this.user = more(this.user);
		this.expires = more(this.expires);
	}
}


const CHUNK_INSERT = `INSERT INTO lease_chunk (dim, grp, space_id, server_id, t_first, t_last, n, ev)
	SELECT value ->> 0, CASE value ->> 0 WHEN 0 THEN unhex(value ->> 1) ELSE value ->> 1 END, ?1, ?2, value ->> 2, value ->> 3, value ->> 4,
		jsonb_extract(value, '$[5]')
	FROM jsonb_each(?3)`;

const PAGE_INSERT = `INSERT INTO lease_page (t_first, t_last, n, ev)
	SELECT value ->> 0, value ->> 1, value ->> 2, jsonb_extract(value, '$[3]') FROM jsonb_each(?1)`;

/** Bytes per statement: small enough that SQLite starts on one while this thread builds the next. */
const STATEMENT_BYTES = 1 << 20;

type Send = (sql: string, params: (string | number | null | Buffer)[]) => void;
type Target = { serverId: number | null; spaceId: number };

/**
 * Writes events of one server (or none) into one address space, in the caller's transaction. Duplicates — the same
 * address, server, client, host, time and kind, within the batch or already stored — are dropped. Returns how
 * many events were written.
 */
export async function writeHistory(tx: Store, target: Target, cols: HistoryColumns, signal?: AbortSignal): Promise<number> {
	if (cols.n === 0) return 0;
	const order = timeOrder(cols);
	const keep = keepFirstOfEach(cols, order);
	const newest = (await tx.get<{ t: number | null }>('SELECT max(t_last) AS t FROM lease_page'))?.t ?? null;
	// Usually a log read on from where it stopped: every event is newer than all stored, and nothing is looked up.
	if (newest !== null && cols.ts[order[0]] <= newest) await dropStored(tx, target, cols, order, keep, newest, signal);
	signal?.throwIfAborted();
	let n = 0;
	for (let j = 0; j < order.length; j++) if (keep[order[j]]) order[n++] = order[j];
	if (n === 0) return 0;
	const kept = order.subarray(0, n);
	// Statements go out as they are built: SQLite's thread inserts one while this thread builds the next.
	const pending: Promise<unknown>[] = [];
	const send: Send = (sql, params) => {
		const p = tx.run(sql, params);
		p.catch(() => undefined);
		pending.push(p);
	};
	sendPages(cols, kept, target, send);
	const events = encodeEvents(cols, kept);
	for (const dim of [DIM.address, DIM.client, DIM.host]) sendChunks(cols, kept, events, dim, target, send);
	await Promise.all(pending);
	return n;
}

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

/** Each kept event as a chunk element, [ts, kind, ip hex, client, host, user, expires], encoded once for all three copies. */
interface Encoded {
	bytes: Buffer;
	/** Where kept event k's bytes start (k + 1: where they end). */
	at: Uint32Array;
}

function encodeEvents(cols: HistoryColumns, kept: Uint32Array): Encoded {
	const out = new JsonbBytes();
	const at = new Uint32Array(kept.length + 1);
	for (let k = 0; k < kept.length; k++) {
		const i = kept[k];
		at[k] = out.len;
		const e = out.openSmall();
		out.int(cols.ts[i]);
		out.int(cols.kind[i]);
		out.text(cols.addresses[cols.ip[i]].hex);
		out.ref(cols.client[i]);
		out.ref(cols.host[i]);
		out.ref(cols.user[i]);
		out.time(cols.expires[i]);
		out.closeSmall(e);
	}
	at[kept.length] = out.len;
	return { bytes: out.buf, at };
}

/**
 * One dimension's chunks: the kept events by group of keys (stable, so each group's events stay in time order), cut
 * at bucket edges; in each cut, a key with OWN_CHUNK events or more (or alone) gets rows of its own, the rest share
 * the group's row. Rows are [dim, grp, t_first, t_last, n, [event …]].
 */
function sendChunks(cols: HistoryColumns, kept: Uint32Array, events: Encoded, dim: number, target: Target, send: Send): void {
	const { ts } = cols;
	const keyCol = dim === DIM.address ? cols.ip : dim === DIM.client ? cols.client : cols.host;
	// Group of each key: addresses by their group (kept on the address object), ids by id >> GROUP_BITS.
	let groupOf: Int32Array | undefined;
	const groupHex: string[] = [];
	let groups: number;
	let maxKey = 0;
	if (dim === DIM.address) {
		const of = (groupOf = new Int32Array(cols.addresses.length));
		cols.addresses.forEach((a, i) => {
			const g = (a.group ??= addressGroup(a.hex));
			if (g.batch !== cols.stamp) {
				g.batch = cols.stamp;
				g.index = groupHex.push(g.hex) - 1;
			}
			of[i] = g.index!;
		});
		groups = groupHex.length;
		maxKey = cols.addresses.length - 1;
	} else {
		for (let k = 0; k < kept.length; k++) maxKey = Math.max(maxKey, keyCol[kept[k]]);
		groups = (maxKey >> GROUP_BITS) + 1;
	}
	const has = (key: number) => dim === DIM.address || key > 0;
	const group = (key: number) => (groupOf ? groupOf[key] : key >> GROUP_BITS);
	// Counting sort of kept positions by group.
	const start = new Int32Array(groups + 1);
	for (let k = 0; k < kept.length; k++) {
		const key = keyCol[kept[k]];
		if (has(key)) start[group(key) + 1]++;
	}
	for (let g = 0; g < groups; g++) start[g + 1] += start[g];
	const sorted = new Uint32Array(start[groups]);
	const fill = start.slice(0, groups);
	for (let k = 0; k < kept.length; k++) {
		const key = keyCol[kept[k]];
		if (has(key)) sorted[fill[group(key)]++] = k;
	}
	const counts = new Int32Array(maxKey + 1);
	const out = new JsonbBytes();
	let outer = out.open();
	const row = (grpKey: number, own: boolean, list: ArrayLike<number>, lo: number, hi: number) => {
		for (let a = lo; a < hi; a += CHUNK_MAX) {
			const b = Math.min(hi, a + CHUNK_MAX);
			const r = out.open();
			out.int(dim);
			if (dim === DIM.address) out.text(own ? cols.addresses[grpKey].hex : groupHex[groupOf![grpKey]]);
			else out.int(own ? grpKey : refGroup(grpKey));
			out.int(ts[kept[list[a]]]);
			out.int(ts[kept[list[b - 1]]]);
			out.int(b - a);
			const e = out.open();
			for (let j = a; j < b; j++) out.copy(events.bytes, events.at[list[j]], events.at[list[j] + 1]);
			out.close(e);
			out.close(r);
		}
		if (out.len >= STATEMENT_BYTES) {
			out.close(outer);
			send(CHUNK_INSERT, [target.spaceId, target.serverId, out.take()]);
			outer = out.open();
		}
	};
	for (let g = 0; g < groups; g++) {
		for (let lo = start[g]; lo < start[g + 1]; ) {
			// One bucket's run of this group.
			const bucket = Math.floor(ts[kept[sorted[lo]]] / BUCKET);
			let hi = lo + 1;
			while (hi < start[g + 1] && Math.floor(ts[kept[sorted[hi]]] / BUCKET) === bucket) hi++;
			let keys = 0;
			let dense = 0;
			for (let j = lo; j < hi; j++) {
				const c = ++counts[keyCol[kept[sorted[j]]]];
				if (c === 1) keys++;
				if (c === OWN_CHUNK) dense++;
			}
			const first = keyCol[kept[sorted[lo]]];
			if (keys === 1) row(first, true, sorted, lo, hi);
			else if (dense === 0) row(first, false, sorted, lo, hi);
			else {
				// Mixed: each dense key's events, then the sparse keys' events together (stable: time order within each).
				const part = Array.from(sorted.subarray(lo, hi));
				const rank = (k: number) => (counts[keyCol[kept[k]]] >= OWN_CHUNK ? keyCol[kept[k]] : -1);
				part.sort((x, y) => rank(x) - rank(y));
				for (let a = 0; a < part.length; ) {
					const r = rank(part[a]);
					let b = a + 1;
					while (b < part.length && rank(part[b]) === r) b++;
					row(keyCol[kept[part[a]]], r >= 0, part, a, b);
					a = b;
				}
			}
			for (let j = lo; j < hi; j++) counts[keyCol[kept[sorted[j]]]] = 0;
			lo = hi;
		}
	}
	out.close(outer);
	if (out.len > 5) send(CHUNK_INSERT, [target.spaceId, target.serverId, out.take()]);
}

/** The page statements: the kept events in time order, PAGE_MAX to a page: [t_first, t_last, n, [[ts, kind, family, hex, space, server, client, host, user, expires] …]]. */
function sendPages(cols: HistoryColumns, kept: Uint32Array, target: Target, send: Send): void {
	const { ip, ts, kind, client, host } = cols;
	const out = new JsonbBytes();
	let outer = out.open();
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
		const page = out.open();
		out.int(ts[kept[p]]);
		out.int(ts[kept[end - 1]]);
		out.int(end - p);
		const list = out.open();
		for (let j = p; j < end; j++) {
			const i = kept[j];
			const a = cols.addresses[ip[i]];
			const e = out.openSmall();
			out.int(ts[i]);
			out.int(kind[i]);
			out.int(a.family);
			out.text(a.hex);
			out.int(target.spaceId);
			if (target.serverId === null) out.nil();
			else out.int(target.serverId);
			out.ref(client[i]);
			out.ref(host[i]);
			out.ref(cols.user[i]);
			out.time(cols.expires[i]);
			out.closeSmall(e);
		}
		out.close(list);
		out.close(page);
		if (out.len >= STATEMENT_BYTES) {
			out.close(outer);
			send(PAGE_INSERT, [out.take()]);
			outer = out.open();
		}
	}
	out.close(outer);
	if (out.len > 5) send(PAGE_INSERT, [out.take()]);
}

/** Stored events of the address copies in the candidates' chunks and time ranges: [grp hex, bucket start, lo, hi, ip hex] each. */
const STORED = `SELECT e.value ->> 0 AS ts, e.value ->> 1 AS kind, e.value ->> 2 AS hex, e.value ->> 3 AS client, e.value ->> 4 AS host
	FROM json_each(?3) k
	JOIN lease_chunk c ON c.dim = 0 AND c.grp = unhex(k.value ->> 0) AND c.t_first BETWEEN k.value ->> 1 AND k.value ->> 3
	JOIN jsonb_each(c.ev) e
	WHERE c.t_last >= k.value ->> 2 AND c.space_id = ?1 AND c.server_id IS ?2
		AND e.value ->> 2 = k.value ->> 4 AND e.value ->> 0 BETWEEN k.value ->> 2 AND k.value ->> 3`;

/** Keys per duplicate-check statement. */
const KEYS_PER_STATEMENT = 4000;

/** Clears `keep` for events already stored under the same address, server, client, host, time and kind (only events as old as `newest` are asked). */
async function dropStored(tx: Store, target: Target, cols: HistoryColumns, order: Uint32Array, keep: Uint8Array, newest: number, signal?: AbortSignal): Promise<void> {
	const { ts, ip, kind, client, host } = cols;
	// Per address and bucket: the time range of the batch's candidates.
	const ranges = new Map<string, [number, number, number, number]>();
	for (const i of order) {
		if (!keep[i] || ts[i] > newest) continue;
		const id = `${ip[i]}|${bucketStart(ts[i])}`;
		const r = ranges.get(id);
		if (r) r[3] = Math.max(r[3], ts[i]);
		else ranges.set(id, [ip[i], bucketStart(ts[i]), ts[i], ts[i]]);
	}
	const keys: unknown[][] = [];
	for (const [a, bucket, lo, hi] of ranges.values()) {
		const hex = cols.addresses[a].hex;
		keys.push([hex, bucket, lo, hi, hex], [addressGroupHex(hex), bucket, lo, hi, hex]);
	}
	const stored = new Set<string>();
	for (let c = 0; c < keys.length; c += KEYS_PER_STATEMENT) {
		signal?.throwIfAborted();
		const rows = await tx.all<{ ts: number; kind: number; hex: string; client: number | null; host: number | null }>(STORED, [
			target.spaceId,
			target.serverId,
			JSON.stringify(keys.slice(c, c + KEYS_PER_STATEMENT)),
		]);
		for (const r of rows) stored.add(`${r.hex}|${r.client ?? 0}|${r.host ?? 0}|${r.ts}|${r.kind}`);
	}
	if (stored.size === 0) return;
	for (const i of order) {
		if (keep[i] && ts[i] <= newest && stored.has(`${cols.addresses[ip[i]].hex}|${client[i]}|${host[i]}|${ts[i]}|${kind[i]}`)) keep[i] = 0;
	}
}
