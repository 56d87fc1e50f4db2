// IPv4/IPv6 parsing, canonical formatting (RFC 5952), prefixes, spans and the sortable store keys.
// Every other module parses and prints addresses through this one.

export type Family = 4 | 6;

export interface Address {
	readonly family: Family;
	readonly value: bigint;
}

export interface Prefix {
	readonly family: Family;
	/** First address of the prefix (host bits zero). */
	readonly network: bigint;
	readonly length: number;
}

/** An inclusive start–end run of addresses of one family. */
export interface Span {
	readonly family: Family;
	readonly start: bigint;
	readonly end: bigint;
}

export class AddressError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'AddressError';
	}
}

export function bitsOf(family: Family): number {
	return family === 4 ? 32 : 128;
}

export function maxValue(family: Family): bigint {
	return (1n << BigInt(bitsOf(family))) - 1n;
}

function parseV4Value(text: string): bigint | string {
	const parts = text.split('.');
	if (parts.length !== 4) return `"${text}" is not an IPv4 address: expected four dot-separated numbers`;
	let value = 0n;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return `"${text}" is not an IPv4 address: "${part}" is not a number from 0 to 255`;
		if (part.length > 1 && part.startsWith('0')) {
			return `"${text}" is ambiguous: octet "${part}" has a leading zero (octal or decimal?)`;
		}
		const n = Number(part);
		if (n > 255) return `"${text}" is not an IPv4 address: ${part} is greater than 255`;
		value = (value << 8n) | BigInt(n);
	}
	return value;
}

function parseV6Value(input: string): bigint | string {
	let text = input;
	const zone = text.indexOf('%');
	if (zone >= 0) text = text.slice(0, zone);
	if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
	const bad = (why: string) => `"${input}" is not an IPv6 address: ${why}`;
	if (text.length === 0) return bad('empty');
	const halves = text.split('::');
	if (halves.length > 2) return bad('"::" appears more than once');
	const groupsOf = (part: string): string[] | string => {
		if (part === '') return [];
		const groups = part.split(':');
		const out: string[] = [];
		for (let i = 0; i < groups.length; i++) {
			const g = groups[i];
			if (i === groups.length - 1 && g.includes('.')) {
				const v4 = parseV4Value(g);
				if (typeof v4 === 'string') return bad(`embedded IPv4 part "${g}" is invalid`);
				out.push((v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
				continue;
			}
			if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return bad(`group "${g}" is not 1–4 hex digits`);
			out.push(g);
		}
		return out;
	};
	const head = groupsOf(halves[0]);
	if (typeof head === 'string') return head;
	let groups: string[];
	if (halves.length === 2) {
		const tail = groupsOf(halves[1]);
		if (typeof tail === 'string') return tail;
		const missing = 8 - head.length - tail.length;
		if (missing < 1) return bad('"::" stands for no group');
		groups = [...head, ...Array(missing).fill('0'), ...tail];
	} else {
		groups = head;
		if (groups.length !== 8) return bad(`expected 8 groups, found ${groups.length}`);
	}
	// An embedded IPv4 part is only legal at the very end.
	if (halves.length === 2 && halves[0].includes('.')) return bad('IPv4 part must come last');
	let value = 0n;
	for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
	return value;
}

/** Parses an IPv4 or IPv6 address; throws AddressError with a message a user can act on. */
export function parseAddress(text: string): Address {
	const t = text.trim();
	if (t.length === 0) throw new AddressError('empty address');
	const result = t.includes(':') ? parseV6Value(t) : parseV4Value(t);
	if (typeof result === 'string') throw new AddressError(result);
	return { family: t.includes(':') ? 6 : 4, value: result };
}

export function tryParseAddress(text: string): Address | null {
	try {
		return parseAddress(text);
	} catch {
		return null;
	}
}

function formatV4(value: bigint): string {
	return [24n, 16n, 8n, 0n].map(s => ((value >> s) & 0xffn).toString()).join('.');
}

/** RFC 5952: lowercase, no leading zeros, longest run (≥ 2) of zero groups as "::", first run on ties. */
function formatV6(value: bigint): string {
	const groups: number[] = [];
	for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
	// IPv4-mapped addresses keep the dotted tail (RFC 5952 §5).
	if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
		return `::ffff:${formatV4(value & 0xffffffffn)}`;
	}
	let bestStart = -1;
	let bestLen = 0;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLen) {
			bestStart = i;
			bestLen = j - i;
		}
		i = j;
	}
	const hex = groups.map(g => g.toString(16));
	if (bestLen < 2) return hex.join(':');
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatValue(family: Family, value: bigint): string {
	return family === 4 ? formatV4(value) : formatV6(value);
}

export function formatAddress(a: Address): string {
	return formatValue(a.family, a.value);
}

/** Normalises any accepted notation to the canonical text, or throws. */
export function canonicalAddress(text: string): string {
	return formatAddress(parseAddress(text));
}

// ---- store keys: big-endian bytes, 4 for IPv4 and 16 for IPv6, so memcmp order is numeric order.

export function keyHex(family: Family, value: bigint): string {
	return value.toString(16).padStart(family === 4 ? 8 : 32, '0');
}

export function addressKeyHex(a: Address): string {
	return keyHex(a.family, a.value);
}

export function keyBuffer(family: Family, value: bigint): Buffer {
	return Buffer.from(keyHex(family, value), 'hex');
}

export function fromKey(key: Uint8Array | string): Address {
	const hex = typeof key === 'string' ? key : Buffer.from(key).toString('hex');
	if (hex.length !== 8 && hex.length !== 32) throw new AddressError(`a stored address key has ${hex.length / 2} bytes, expected 4 or 16`);
	return { family: hex.length === 8 ? 4 : 6, value: BigInt(`0x${hex}`) };
}

/** Display text for a stored key (BLOB from SQLite). */
export function formatKey(key: Uint8Array | string | null | undefined): string {
	if (key == null) return '';
	return formatAddress(fromKey(key));
}

// ---- prefixes

export function prefixMask(family: Family, length: number): bigint {
	const bits = BigInt(bitsOf(family));
	return ((1n << BigInt(length)) - 1n) << (bits - BigInt(length));
}

export function prefixLast(p: Prefix): bigint {
	return p.network | (maxValue(p.family) >> BigInt(p.length));
}

export function prefixSpan(p: Prefix): Span {
	return { family: p.family, start: p.network, end: prefixLast(p) };
}

export interface ParsePrefixOptions {
	/** What to do when host bits are set: reject (default), or normalise to the network. */
	hostBits?: 'reject' | 'normalise';
	/** Accept a bare address as a host prefix (/32 or /128). */
	allowBare?: boolean;
}

export function parsePrefix(text: string, options: ParsePrefixOptions = {}): Prefix {
	const t = text.trim();
	const slash = t.indexOf('/');
	if (slash < 0) {
		if (!options.allowBare) throw new AddressError(`"${t}" is not a CIDR prefix: expected address/length, e.g. 10.0.0.0/8`);
		const a = parseAddress(t);
		return { family: a.family, network: a.value, length: bitsOf(a.family) };
	}
	const a = parseAddress(t.slice(0, slash));
	const lenText = t.slice(slash + 1);
	const bits = bitsOf(a.family);
	let length: number;
	if (/^\d{1,3}$/.test(lenText)) {
		length = Number(lenText);
	} else if (a.family === 4 && lenText.includes('.')) {
		length = maskToLength(lenText, t);
	} else {
		throw new AddressError(`"${t}": prefix length "${lenText}" is not a number`);
	}
	if (length > bits) throw new AddressError(`"${t}": prefix length ${length} is longer than ${bits}`);
	const mask = prefixMask(a.family, length);
	const network = a.value & mask;
	if (network !== a.value && options.hostBits !== 'normalise') {
		throw new AddressError(
			`"${t}" has host bits set: the network is ${formatValue(a.family, network)}/${length}`,
		);
	}
	return { family: a.family, network, length };
}

function maskToLength(mask: string, whole: string): number {
	const m = parseAddress(mask);
	const v = m.value;
	let length = 0;
	while (length < 32 && (v >> BigInt(31 - length)) & 1n) length++;
	if (prefixMask(4, length) !== v) throw new AddressError(`"${whole}": ${mask} is not a contiguous netmask`);
	return length;
}

export function lengthToMask(length: number): string {
	return formatV4(prefixMask(4, length));
}

export function formatPrefix(p: Prefix): string {
	return `${formatValue(p.family, p.network)}/${p.length}`;
}

export function tryParsePrefix(text: string, options?: ParsePrefixOptions): Prefix | null {
	try {
		return parsePrefix(text, options);
	} catch {
		return null;
	}
}

// ---- spans

export function spanOf(a: Address, b: Address): Span {
	if (a.family !== b.family) throw new AddressError(`a range cannot mix IPv${a.family} and IPv${b.family}`);
	if (a.value > b.value) {
		throw new AddressError(`range ${formatAddress(a)}–${formatAddress(b)} is reversed: the start is after the end`);
	}
	return { family: a.family, start: a.value, end: b.value };
}

/** Parses "start-end", "start - end", "start–end" or a CIDR into a span. */
export function parseSpan(text: string): Span {
	const t = text.trim();
	if (t.includes('/')) return prefixSpan(parsePrefix(t, { hostBits: 'normalise' }));
	const m = t.split(/\s*[-–—]\s*/);
	if (m.length === 2) return spanOf(parseAddress(m[0]), parseAddress(m[1]));
	const a = parseAddress(t);
	return { family: a.family, start: a.value, end: a.value };
}

export function spanSize(s: Span): bigint {
	return s.end - s.start + 1n;
}

export function spanContains(s: Span, value: bigint): boolean {
	return value >= s.start && value <= s.end;
}

export function spanContainsSpan(outer: Span, inner: Span): boolean {
	return outer.family === inner.family && inner.start >= outer.start && inner.end <= outer.end;
}

export function spansOverlap(a: Span, b: Span): boolean {
	return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

export function formatSpan(s: Span): string {
	return `${formatValue(s.family, s.start)}-${formatValue(s.family, s.end)}`;
}

/** A span as a CIDR when it is exactly one prefix, else as start-end. */
export function formatSpanCompact(s: Span): string {
	const prefixes = spanToPrefixes(s);
	return prefixes.length === 1 ? formatPrefix(prefixes[0]) : formatSpan(s);
}

/** Number of trailing zero bits of v, capped at `bits`. */
function trailingZeros(v: bigint, bits: number): number {
	if (v === 0n) return bits;
	let n = 0;
	while (((v >> BigInt(n)) & 1n) === 0n) n++;
	return n;
}

/** The shortest CIDR list covering exactly [start, end]. */
export function spanToPrefixes(s: Span): Prefix[] {
	const bits = bitsOf(s.family);
	const out: Prefix[] = [];
	let cur = s.start;
	while (cur <= s.end) {
		let size = trailingZeros(cur, bits);
		while (size > 0 && cur + (1n << BigInt(size)) - 1n > s.end) size--;
		out.push({ family: s.family, network: cur, length: bits - size });
		cur += 1n << BigInt(size);
		if (size === bits) break;
	}
	return out;
}

/** Number of bits needed to write v (0 for 0). */
export function bitLength(v: bigint): number {
	return v === 0n ? 0 : v.toString(2).length;
}

/**
 * The shortest prefix length L such that some L-aligned block lies wholly inside the span
 * (so "a free /N fits here" iff L ≤ N). Free-space search indexes gaps by this number.
 * Constant work per span: split at the highest bit where start and end differ; the left part ends on
 * that boundary and the right part starts on it, so each part's largest block is its length's top bit.
 */
export function largestAlignedLength(s: Span): number {
	const bits = bitsOf(s.family);
	if (s.start === s.end) return bits;
	const p = bitLength(s.start ^ s.end) - 1;
	const boundary = (s.end >> BigInt(p)) << BigInt(p);
	const left = boundary - s.start;
	const right = s.end - boundary + 1n;
	const half = 1n << BigInt(p);
	if (left === half && right === half) return bits - p - 1;
	return bits - Math.max(bitLength(left), bitLength(right)) + 1;
}

/** Prefixes covering exactly the span, each split to a nibble boundary (IPv6 reverse-DNS friendly). */
export function spanToNibblePrefixes(s: Span): Prefix[] {
	const out: Prefix[] = [];
	for (const p of spanToPrefixes(s)) {
		const aligned = Math.ceil(p.length / 4) * 4;
		const step = 1n << BigInt(bitsOf(s.family) - aligned);
		const count = 1n << BigInt(aligned - p.length);
		for (let i = 0n; i < count; i++) out.push({ family: p.family, network: p.network + i * step, length: aligned });
	}
	return out;
}

/** First address ≥ from that is aligned to a /length boundary. */
export function alignUp(family: Family, from: bigint, length: number): bigint {
	const block = 1n << BigInt(bitsOf(family) - length);
	return ((from + block - 1n) / block) * block;
}

export function compareAddresses(a: Address, b: Address): number {
	if (a.family !== b.family) return a.family - b.family;
	return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
