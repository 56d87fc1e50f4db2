// Free space inside a container: the gaps between its children, free subnets of a length, free addresses and runs.
import {
	alignUp,
	bitsOf,
	largestAlignedLength,
	spanToNibblePrefixes,
	spanToPrefixes,
	type Family,
	type Prefix,
	type Span,
} from './ip.js';

/** A gap plus the shortest prefix length that fits in it (see largestAlignedLength). */
export interface Gap extends Span {
	readonly fitLen: number;
}

export function gapOf(family: Family, start: bigint, end: bigint): Gap {
	return { family, start, end, fitLen: largestAlignedLength({ family, start, end }) };
}

/**
 * The free gaps of `container` between `children` (sorted by start; they may overlap or nest, as
 * discovered objects do). Children reaching outside the container are clipped to it.
 */
export function gapsIn(container: Span, children: Iterable<Span>): Gap[] {
	const gaps: Gap[] = [];
	let next = container.start; // first address not yet known to be covered
	let done = false;
	for (const c of children) {
		if (done) break;
		if (c.end < next) continue;
		if (c.start > container.end) break;
		if (c.start > next) gaps.push(gapOf(container.family, next, c.start - 1n));
		if (c.end >= container.end) done = true;
		else next = c.end + 1n;
	}
	if (!done && next <= container.end) gaps.push(gapOf(container.family, next, container.end));
	return gaps;
}

/** Up to `count` aligned /length prefixes inside one gap, lowest first. */
export function prefixesInGap(gap: Span, length: number, count: number): Prefix[] {
	const out: Prefix[] = [];
	const step = 1n << BigInt(bitsOf(gap.family) - length);
	for (let p = alignUp(gap.family, gap.start, length); p + step - 1n <= gap.end && out.length < count; p += step) {
		out.push({ family: gap.family, network: p, length });
	}
	return out;
}

/** Up to `count` free /length prefixes across gaps, taking gaps in the order given. */
export function freePrefixes(gaps: Iterable<Span>, length: number, count: number): Prefix[] {
	const out: Prefix[] = [];
	for (const gap of gaps) {
		if (out.length >= count) break;
		out.push(...prefixesInGap(gap, length, count - out.length));
	}
	return out;
}

/**
 * A gap shown as prefixes: nibble-aligned for IPv6 by default (what reverse zones and most plans use),
 * the shortest CIDR cover when `minimal` (always for IPv4).
 */
export function gapPrefixes(gap: Span, minimal = false): Prefix[] {
	return gap.family === 6 && !minimal ? spanToNibblePrefixes(gap) : spanToPrefixes(gap);
}

/**
 * The usable addresses of a subnet for allocation: IPv4 drops the network and broadcast addresses
 * (except /31 and /32, RFC 3021); IPv6 drops the subnet-router anycast address (RFC 4291 §2.6.1).
 */
export function hostSpan(p: Prefix): Span | null {
	const bits = bitsOf(p.family);
	const last = p.network | ((1n << BigInt(bits - p.length)) - 1n);
	if (p.family === 4) {
		if (p.length >= 31) return { family: 4, start: p.network, end: last };
		return { family: 4, start: p.network + 1n, end: last - 1n };
	}
	if (p.length === 128) return { family: 6, start: p.network, end: last };
	return { family: 6, start: p.network + 1n, end: last };
}

/** Up to `count` addresses of `span` not in `used` (ascending; may hold values outside span and repeats). */
export function freeAddresses(span: Span, used: Iterable<bigint>, count: number): bigint[] {
	const out: bigint[] = [];
	let next = span.start;
	const take = (upTo: bigint) => {
		for (; next <= upTo && next <= span.end && out.length < count; next++) out.push(next);
	};
	for (const u of used) {
		if (out.length >= count || next > span.end) break;
		if (u < next) continue;
		take(u - 1n);
		next = u + 1n;
	}
	take(span.end);
	return out;
}

/** The first run of `size` consecutive addresses of `span` not in `used` (ascending), or null. */
export function freeRun(span: Span, used: Iterable<bigint>, size: bigint): Span | null {
	let next = span.start;
	for (const u of used) {
		if (u < next) continue;
		if (u > span.end) break;
		if (u - next >= size) return { family: span.family, start: next, end: next + size - 1n };
		next = u + 1n;
	}
	if (span.end - next + 1n >= size) return { family: span.family, start: next, end: next + size - 1n };
	return null;
}
