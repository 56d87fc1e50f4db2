// Free space: the free_gap rows of each block (gaps between its child blocks and subnets), kept
// incrementally on single changes and rebuilt set-wise after bulk ones, and the queries over them.
//
// Bulk API:
//   rebuildFreeGaps(tx: Store, blockIds?: number[]): Promise<number>   (all blocks when omitted; returns gap count)
import type { Store } from './database.js';
import { keyValue } from './containment.js';
import { bitsOf, keyBuffer, keyHex, maxValue, type Family, type Prefix, type Span } from '../source/domain/ip.js';
import { freePrefixes, gapsIn, type Gap } from '../source/domain/free-space.js';

interface ContainerRow {
	id: number;
	space_id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
}

const GAP_COLUMNS = ['container_kind', 'container_id', 'family', { name: 'start', blob: true }, { name: 'end', blob: true }, 'size', 'fit_len'];

function gapRow(containerId: number, g: Gap): unknown[] {
	return ['block', containerId, g.family, keyHex(g.family, g.start), keyHex(g.family, g.end), Number(g.end - g.start + 1n), g.fitLen];
}

/** Children of a block (direct child blocks and its subnets) with start in [lo, hi], sorted by start. */
async function childSpans(tx: Store, c: ContainerRow, lo: bigint, hi: bigint): Promise<Span[]> {
	const params = [c.space_id, c.family, keyBuffer(c.family, lo), keyBuffer(c.family, hi), c.id];
	// Two index range scans in address order, merged here (a UNION would sort in a temp b-tree).
	const [blocks, subnets] = await Promise.all(
		(['block WHERE parent_id', 'subnet WHERE block_id'] as const).map(from =>
			tx.all<{ start: Buffer; end: Buffer }>(
				`SELECT start, end FROM ${from} = ?5 AND space_id = ?1 AND family = ?2 AND start BETWEEN ?3 AND ?4 ORDER BY start, prefix_len`,
				params,
			),
		),
	);
	const out: Span[] = [];
	let i = 0;
	let j = 0;
	while (i < blocks.length || j < subnets.length) {
		const take = j >= subnets.length || (i < blocks.length && Buffer.compare(blocks[i].start, subnets[j].start) <= 0) ? blocks[i++] : subnets[j++];
		out.push({ family: c.family, start: keyValue(take.start), end: keyValue(take.end) });
	}
	return out;
}

/** Recomputes the gaps of the given blocks (all blocks when omitted) from their children. */
export async function rebuildFreeGaps(tx: Store, blockIds?: number[]): Promise<number> {
	return tx.transaction(async () => {
		const containers: ContainerRow[] = [];
		if (blockIds) {
			if (blockIds.length === 0) return 0;
			containers.push(
				...(await tx.all<ContainerRow>('SELECT b.id, b.space_id, b.family, b.start, b.end FROM json_each(?) j CROSS JOIN block b ON b.id = j.value', [
					JSON.stringify([...new Set(blockIds)]),
				])),
			);
			await tx.run(`DELETE FROM free_gap WHERE container_kind = 'block' AND container_id IN (SELECT value FROM json_each(?))`, [JSON.stringify(blockIds)]);
		} else {
			await tx.each<ContainerRow>('SELECT id, space_id, family, start, end FROM block', [], r => containers.push(r));
			await tx.run(`DELETE FROM free_gap WHERE container_kind = 'block'`);
		}
		let pending: unknown[][] = [];
		let total = 0;
		for (const c of containers) {
			const span = { family: c.family, start: keyValue(c.start), end: keyValue(c.end) };
			for (const g of gapsIn(span, await childSpans(tx, c, span.start, span.end))) pending.push(gapRow(c.id, g));
			if (pending.length >= 10_000) {
				total += await tx.insertMany('free_gap', GAP_COLUMNS, pending);
				pending = [];
			}
		}
		total += await tx.insertMany('free_gap', GAP_COLUMNS, pending);
		return total;
	});
}

/**
 * After a child appeared or vanished at `span` inside block `blockId`: recomputes only the window
 * from the gap ending just before the span to the gap starting just after it.
 */
export async function refreshGapsAround(tx: Store, blockId: number, span: Span): Promise<void> {
	const c = await tx.get<ContainerRow>('SELECT id, space_id, family, start, end FROM block WHERE id = ?', [blockId]);
	if (!c) return;
	const cStart = keyValue(c.start);
	const cEnd = keyValue(c.end);
	let lo = span.start < cStart ? cStart : span.start;
	let hi = span.end > cEnd ? cEnd : span.end;
	const gapAt = (v: bigint) =>
		tx.get<{ start: Buffer; end: Buffer }>(
			`SELECT start, end FROM free_gap WHERE container_kind = 'block' AND container_id = ? AND start <= ? ORDER BY start DESC LIMIT 1`,
			[blockId, keyBuffer(c.family, v)],
		);
	if (lo > cStart) {
		const left = await gapAt(lo - 1n);
		if (left && keyValue(left.end) >= lo - 1n) lo = keyValue(left.start);
	}
	if (hi < cEnd && hi < maxValue(c.family)) {
		const right = await gapAt(hi + 1n);
		if (right && keyValue(right.end) >= hi + 1n) hi = keyValue(right.end);
	}
	await tx.run(`DELETE FROM free_gap WHERE container_kind = 'block' AND container_id = ? AND start BETWEEN ? AND ?`, [
		blockId,
		keyBuffer(c.family, lo),
		keyBuffer(c.family, hi),
	]);
	const gaps = gapsIn({ family: c.family, start: lo, end: hi }, await childSpans(tx, c, lo, hi));
	await tx.insertMany('free_gap', GAP_COLUMNS, gaps.map(g => gapRow(blockId, g)));
}

export interface GapRow {
	family: Family;
	start: Buffer;
	end: Buffer;
	size: number;
	fit_len: number;
}

export function gapSpan(g: GapRow): Span {
	return { family: g.family, start: keyValue(g.start), end: keyValue(g.end) };
}

/**
 * Up to `count` free /length prefixes in a block. Gaps are taken best-fit first (the tightest gap
 * that holds a /length, which keeps large gaps whole), lowest address within a fit: one index seek.
 * Space inside child blocks counts as free too: when the block's own gaps run short, its child
 * blocks are searched, nearest level first.
 */
export async function freePrefixesInBlock(store: Store, blockId: number, length: number, count = 1): Promise<Prefix[]> {
	const out = await freeInOwnGaps(store, blockId, length, count);
	const queue = [blockId];
	while (out.length < count && queue.length) {
		const children = await store.all<{ id: number; prefix_len: number }>('SELECT id, prefix_len FROM block WHERE parent_id = ? ORDER BY start', [queue.shift()!]);
		for (const c of children) {
			if (out.length >= count) break;
			if (c.prefix_len > length) continue;
			out.push(...(await freeInOwnGaps(store, c.id, length, count - out.length)));
			queue.push(c.id);
		}
	}
	return out;
}

async function freeInOwnGaps(store: Store, blockId: number, length: number, count: number): Promise<Prefix[]> {
	const out: Prefix[] = [];
	let after: { fit: number; start: Buffer } | undefined;
	while (out.length < count) {
		const gaps = await store.all<GapRow>(
			`SELECT family, start, end, size, fit_len FROM free_gap WHERE container_kind = 'block' AND container_id = ? AND fit_len <= ?
				${after ? 'AND (fit_len < ? OR (fit_len = ? AND start > ?))' : ''}
				ORDER BY fit_len DESC, start LIMIT ?`,
			after ? [blockId, length, after.fit, after.fit, after.start, Math.min(count, 1000)] : [blockId, length, Math.min(count, 1000)],
		);
		if (gaps.length === 0) break;
		out.push(...freePrefixes(gaps.map(gapSpan), length, count - out.length));
		const last = gaps[gaps.length - 1];
		after = { fit: last.fit_len, start: last.start };
	}
	return out;
}

/** One page of a block's gaps in address order. */
export async function listGaps(store: Store, blockId: number, page: { after?: bigint; limit?: number; minFit?: number } = {}): Promise<GapRow[]> {
	const block = await store.get<{ family: Family }>('SELECT family FROM block WHERE id = ?', [blockId]);
	if (!block) return [];
	const after = page.after === undefined ? Buffer.alloc(0) : keyBuffer(block.family, page.after);
	return store.all<GapRow>(
		`SELECT family, start, end, size, fit_len FROM free_gap WHERE container_kind = 'block' AND container_id = ? AND start > ?
			AND fit_len <= ? ORDER BY start LIMIT ?`,
		[blockId, after, page.minFit ?? bitsOf(block.family), page.limit ?? 1000],
	);
}

/** Gaps of an arbitrary prefix (not a stored block): the space not covered by subnets inside it. */
export async function gapsOfSpan(store: Store, spaceId: number, span: Span): Promise<Gap[]> {
	const subnets: Span[] = [];
	await store.each<{ start: Buffer; end: Buffer }>(
		`SELECT start, end FROM subnet WHERE space_id = ? AND family = ? AND start BETWEEN ? AND ? ORDER BY start, end DESC`,
		[spaceId, span.family, keyBuffer(span.family, span.start), keyBuffer(span.family, span.end)],
		r => subnets.push({ family: span.family, start: keyValue(r.start), end: keyValue(r.end) }),
	);
	return gapsIn(span, subnets);
}

const IN_USE = `
	SELECT ip FROM address WHERE space_id = ?1 AND family = ?2 AND ip BETWEEN ?3 AND ?4 AND status IN ('in-use', 'reserved')
	UNION SELECT ip FROM lease WHERE space_id = ?1 AND ip BETWEEN ?3 AND ?4 AND family = ?2 AND state IN ('active', 'reserved')
	UNION SELECT ip FROM reservation WHERE space_id = ?1 AND family = ?2 AND ip BETWEEN ?3 AND ?4`;

/** In-use addresses of a span in ascending pages (address ∪ current lease ∪ reservation). */
export async function* inUseAddresses(store: Store, spaceId: number, span: Span, pageSize = 2000): AsyncGenerator<bigint> {
	let from = span.start;
	for (;;) {
		const rows = await store.all<{ ip: Buffer }>(`SELECT ip FROM (${IN_USE}) ORDER BY ip LIMIT ?5`, [
			spaceId,
			span.family,
			keyBuffer(span.family, from),
			keyBuffer(span.family, span.end),
			pageSize,
		]);
		for (const r of rows) yield keyValue(r.ip);
		if (rows.length < pageSize) return;
		from = keyValue(rows[rows.length - 1].ip) + 1n;
		if (from > span.end) return;
	}
}

/** Up to `count` free addresses of the span, lowest first. */
export async function nextFreeAddresses(store: Store, spaceId: number, span: Span, count: number): Promise<bigint[]> {
	const out: bigint[] = [];
	let next = span.start;
	for await (const u of inUseAddresses(store, spaceId, span)) {
		for (; next < u && out.length < count; next++) out.push(next);
		if (out.length >= count) return out;
		if (u >= next) next = u + 1n;
	}
	for (; next <= span.end && out.length < count; next++) out.push(next);
	return out;
}

/** The first run of `size` free consecutive addresses in the span, or null. */
export async function freeRunIn(store: Store, spaceId: number, span: Span, size: bigint): Promise<Span | null> {
	let next = span.start;
	for await (const u of inUseAddresses(store, spaceId, span)) {
		if (u < next) continue;
		if (u - next >= size) break;
		next = u + 1n;
	}
	if (span.end - next + 1n >= size) return { family: span.family, start: next, end: next + size - 1n };
	return null;
}
