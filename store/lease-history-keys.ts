// How lease history chunks are keyed (002_lease_chunk_groups.sql): time buckets, the three lookup dimensions, and
// the chunk key (grp) of a key or of its group — what every reader of lease_chunk needs to find one key's events.

/** Chunks are confined to aligned buckets of 2^22 s (about 48.5 days): ts >> BUCKET_BITS. */
export const BUCKET_BITS = 22;
export const BUCKET = 2 ** BUCKET_BITS;

/** First second of the bucket holding `ts`: every chunk that can hold events at or after ts starts at or after it. */
export function bucketStart(ts: number): number {
	return Math.floor(ts / BUCKET) * BUCKET;
}

/** lease_chunk.dim: which key a chunk's copy of the events is looked up by. */
export const DIM = { address: 0, client: 1, host: 2 } as const;

/** Keys per group: 16 addresses (one hex digit), 16 client or host ids. */
export const GROUP_BITS = 4;

/** The group chunk key of an address (lowercase hex): its last 4 bits cleared, then a 0x00 byte so it is no address. */
export function addressGroupHex(hex: string): string {
	return `${hex.slice(0, -1)}000`;
}

/** SQL: the group chunk key of an address BLOB expression. */
export function ADDRESS_GROUP(ip: string): string {
	return `unhex(substr(hex(${ip}), 1, length(${ip}) * 2 - 1) || '000')`;
}

/** The chunk keys (grp) that can hold an address's events: its own and its group's. */
export function addressGrps(key: Buffer): [Buffer, Buffer] {
	return [key, Buffer.from(addressGroupHex(key.toString('hex')), 'hex')];
}

/** Chunk keys bounding every chunk that can hold an event of an address in [start, end]. */
export function addressGrpSpan(start: Buffer, end: Buffer): [Buffer, Buffer] {
	const low = Buffer.from(start);
	low[low.length - 1] &= 0xf0;
	return [low, Buffer.concat([end, Buffer.alloc(1)])];
}

/** The group chunk key of a client or host id. */
export function refGroup(id: number): number {
	return -Math.floor(id / 2 ** GROUP_BITS) - 1;
}

/** SQL: the chunk keys of the ids a one-column subquery yields (its parameters once), for grp IN (…). */
export function refGrpsSql(ids: string): string {
	return `WITH k(id) AS (${ids}) SELECT CASE t.own WHEN 1 THEN k.id ELSE -(k.id >> ${GROUP_BITS}) - 1 END FROM k, (SELECT 1 AS own UNION ALL SELECT 0) t`;
}
