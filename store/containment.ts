// Which stored block/subnet/range contains a span: exact indexed lookups for one object, sorted merges for bulk.
//
// Blocks and subnets are CIDR prefixes, so the prefixes containing an address are enumerable (33 for
// IPv4, 129 for IPv6): containment is that many unique-index seeks in one statement, exact even when
// discovered subnets nest. Bulk writes resolve parents by merging sorted streams instead.
import type { Store } from './database.js';
import { bitsOf, keyBuffer, keyHex, prefixMask, type Family, type Span } from '../source/domain/ip.js';

export interface SpanRow {
	id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
	prefix_len: number;
}

/** A hex digit with its low 0–3 bits cleared, by how many bits of it a prefix keeps (1–3). */
const NIBBLE_KEPT = [1, 2, 3].map(kept => Object.fromEntries([...'0123456789abcdef'].map((d, v) => [d, ((v >> (4 - kept)) << (4 - kept)).toString(16)])));
const ZEROS = '0'.repeat(32);

/**
 * The JSON text of [[keyHex, length] …] for every prefix of length ≤ maxLen containing `value`, longest
 * first. Built by slicing the address's hex (no BigInt per length): whereis sends it on every call,
 * and for IPv6 the 129 BigInt masks were most of the garbage a call left for the collector.
 */
export function supernetKeysJson(family: Family, value: bigint, maxLen = bitsOf(family)): string {
	const hex = keyHex(family, value);
	const parts: string[] = new Array(maxLen + 1);
	for (let len = maxLen; len >= 0; len--) {
		const whole = len >> 2;
		const kept = len & 3;
		const key = kept ? hex.slice(0, whole) + NIBBLE_KEPT[kept - 1][hex[whole]] + ZEROS.slice(0, hex.length - whole - 1) : hex.slice(0, whole) + ZEROS.slice(0, hex.length - whole);
		parts[maxLen - len] = `["${key}",${len}]`;
	}
	return `[${parts.join(',')}]`;
}

/**
 * Rows of `table` (block | subnet) in the space whose prefix contains the whole span, innermost first.
 * `strict` leaves out a row equal to the span's own prefix.
 */
export async function containingPrefixes<R extends SpanRow = SpanRow>(
	store: Store,
	table: 'block' | 'subnet',
	spaceId: number,
	span: Span,
	options: { strict?: boolean; columns?: string } = {},
): Promise<R[]> {
	const bits = bitsOf(span.family);
	// Prefixes containing the whole span are those containing its start that are at least as long as needed.
	let maxLen = bits;
	while (maxLen > 0 && (span.start & prefixMask(span.family, maxLen)) + ((1n << BigInt(bits - maxLen)) - 1n) < span.end) maxLen--;
	const keys = supernetKeysJson(span.family, span.start, maxLen);
	const rows = await store.all<R>(
		// CROSS JOIN keeps json_each outermost: the planner would otherwise scan the table.
		`SELECT ${options.columns ?? 't.*'} FROM json_each(?) j
			CROSS JOIN ${table} t ON t.space_id = ? AND t.family = ? AND t.start = unhex(j.value->>0) AND t.prefix_len = j.value->>1
			ORDER BY t.prefix_len DESC`,
		[keys, spaceId, span.family],
	);
	if (!options.strict) return rows;
	return rows.filter(r => !(r.start.equals(keyBuffer(span.family, span.start)) && r.end.equals(keyBuffer(span.family, span.end))));
}

export function spanOfRow(row: { family: Family; start: Buffer | Uint8Array; end: Buffer | Uint8Array }): Span {
	return { family: row.family, start: keyValue(row.start), end: keyValue(row.end) };
}

export function keyValue(key: Buffer | Uint8Array): bigint {
	return BigInt(`0x${Buffer.from(key).toString('hex')}`);
}

export interface Interval {
	start: bigint;
	end: bigint;
}

/**
 * For items sorted by (start asc, end desc), the smallest container strictly containing each one.
 * Containers are sorted the same way and nest (blocks, or non-overlapping subnets). One pass each.
 */
export function assignContainers<C extends Interval & { id: number }, I extends Interval>(
	containers: C[],
	items: I[],
	options: { strict?: boolean } = {},
): (C | undefined)[] {
	const out: (C | undefined)[] = [];
	const stack: C[] = [];
	let next = 0;
	for (const item of items) {
		while (next < containers.length && containers[next].start <= item.start) {
			const c = containers[next++];
			while (stack.length && stack[stack.length - 1].end < c.start) stack.pop();
			stack.push(c);
		}
		while (stack.length && stack[stack.length - 1].end < item.start) stack.pop();
		let found: C | undefined;
		for (let i = stack.length - 1; i >= 0; i--) {
			const c = stack[i];
			if (c.end < item.end) continue;
			if (options.strict && c.start === item.start && c.end === item.end) continue;
			found = c;
			break;
		}
		out.push(found);
	}
	return out;
}

/** Reads a table's spans of one space and family, sorted (start asc, end desc), optionally within an envelope. */
export async function loadSpans(
	store: Store,
	table: 'block' | 'subnet' | 'range',
	spaceId: number,
	family: Family,
): Promise<(Interval & { id: number })[]> {
	const out: (Interval & { id: number })[] = [];
	await store.each<{ id: number; start: Buffer; end: Buffer }>(
		`SELECT id, start, end FROM ${table} WHERE space_id = ? AND family = ? ORDER BY start, end DESC`,
		[spaceId, family],
		r => out.push({ id: r.id, start: keyValue(r.start), end: keyValue(r.end) }),
	);
	return out;
}

/** For intervals sorted by start, the first existing one overlapping each item (existing sorted by start). */
export function firstOverlaps<E extends Interval & { id: number }, I extends Interval>(existing: E[], items: I[]): (E | undefined)[] {
	const out: (E | undefined)[] = [];
	let p = 0;
	let widest: E | undefined; // among existing with start < item.start, the one reaching furthest
	for (const item of items) {
		while (p < existing.length && existing[p].start < item.start) {
			if (!widest || existing[p].end > widest.end) widest = existing[p];
			p++;
		}
		if (widest && widest.end >= item.start) out.push(widest);
		else if (p < existing.length && existing[p].start <= item.end) out.push(existing[p]);
		else out.push(undefined);
	}
	return out;
}

/**
 * Moves children (ranges, addresses, reservations) inside the given parents (subnets or ranges) under
 * them: pairs are collected parent-first by index range scans into a temp table, the smallest parent
 * wins, then the children are updated by rowid — proportional to the children found, never a scan.
 */
export async function adoptInto(
	tx: Store,
	spec: { child: 'range' | 'address' | 'reservation'; column: 'subnet_id' | 'range_id'; parent: 'subnet' | 'range'; lo: string; hi: string; when: string },
	parentIds: number[],
): Promise<void> {
	if (parentIds.length === 0) return;
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS adopt_pair (child INTEGER PRIMARY KEY, parent INTEGER NOT NULL); DELETE FROM adopt_pair;`);
	for (let i = 0; i < parentIds.length; i += 10_000) {
		await tx.run(
			`INSERT OR REPLACE INTO adopt_pair (child, parent)
				SELECT c.rowid, p.id FROM json_each(?) j CROSS JOIN ${spec.parent} p ON p.id = j.value
				CROSS JOIN ${spec.child} c ON c.space_id = p.space_id AND c.family = p.family AND c.${spec.lo} BETWEEN p.start AND p.end AND c.${spec.hi} <= p.end
				WHERE c.${spec.column} IS NOT p.id AND (${spec.when})
				ORDER BY p.size DESC`,
			[JSON.stringify(parentIds.slice(i, i + 10_000))],
		);
	}
	await tx.run(
		`UPDATE ${spec.child} SET ${spec.column} = (SELECT parent FROM adopt_pair WHERE child = ${spec.child}.rowid) WHERE rowid IN (SELECT child FROM adopt_pair)`,
	);
}
