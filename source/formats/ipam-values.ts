// Cell values of address-space imports: parsing and validating addresses, prefixes, enums, dates and ids into the store's vocabulary.
import { AddressError, formatAddress, formatPrefix, formatValue, keyHex, parseAddress, parsePrefix, prefixSpan, spanContainsSpan, type Address, type Prefix } from '../domain/ip.js';
import { parseClientId, parseMac } from '../domain/mac.js';
import type { AddressAssignment, AddressStatus, CustomFieldDef, RangeAssignment } from './ipam-rows.js';

/** A cell that does not hold what its column needs; the message is the reason shown after the column name. */
export class CellError extends Error {}

const squashed = new Map<string, string>();

/** A vocabulary word reduced to its letters and digits, lowercase. Cells repeat a handful of spellings, so results are memoised (bounded). */
function squash(s: string): string {
	let out = squashed.get(s);
	if (out === undefined) {
		out = s.toLowerCase().replace(/[\s_\-]+/g, '');
		if (squashed.size < 10_000) squashed.set(s, out);
	}
	return out;
}

function oneOf<T extends string>(value: string, table: Record<string, T>, shown: string): T {
	const hit = table[squash(value)];
	if (hit === undefined) throw new CellError(`"${value}" is not one of ${shown}`);
	return hit;
}

const ADDRESS_STATUS: Record<string, AddressStatus> = {
	inuse: 'in-use',
	used: 'in-use',
	active: 'in-use',
	inactive: 'inactive',
	offline: 'inactive',
	deprecated: 'inactive',
	reserved: 'reserved',
};

export function addressStatus(value: string): AddressStatus {
	return oneOf(value, ADDRESS_STATUS, 'In-Use, Inactive, Reserved');
}

const ADDRESS_ASSIGNMENT: Record<string, AddressAssignment> = {
	static: 'static',
	dynamic: 'dynamic',
	dhcp: 'dynamic',
	auto: 'auto',
	slaac: 'auto',
	vip: 'vip',
	reserved: 'reserved',
};

export function addressAssignment(value: string): AddressAssignment {
	return oneOf(value, ADDRESS_ASSIGNMENT, 'Static, Dynamic, Auto, VIP, Reserved');
}

const RANGE_ASSIGNMENT: Record<string, RangeAssignment> = { static: 'static', dynamic: 'dynamic', dhcp: 'dynamic', reserved: 'reserved' };

export function rangeAssignment(value: string): RangeAssignment {
	return oneOf(value, RANGE_ASSIGNMENT, 'Static, Dynamic, Reserved');
}

// Well-known "managed by" services keep one spelling, so "ms dhcp" and "MS DHCP" are the same owner.
const SERVICES: Record<string, string> = {
	ipam: 'IPAM',
	msdhcp: 'MS DHCP',
	vmm: 'VMM',
	kea: 'Kea',
	iscdhcp: 'ISC DHCP',
	dnsmasq: 'dnsmasq',
	other: 'Other',
	others: 'Other',
	nonmsdhcp: 'Non-MS DHCP',
};

export function managedByService(value: string): string {
	return SERVICES[squash(value)] ?? value.trim();
}

/** Dotted-quad IPv4 without leading zeros, parsed without BigInt arithmetic; null = not that simple form. */
function quickV4(v: string): number | null {
	let n = 0;
	let octet = 0;
	let digits = 0;
	let dots = 0;
	for (let i = 0; i < v.length; i++) {
		const c = v.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			if (digits > 0 && octet === 0) return null;
			octet = octet * 10 + (c - 48);
			if (++digits > 3 || octet > 255) return null;
		} else if (c === 46 && digits > 0 && dots < 3) {
			n = n * 256 + octet;
			octet = 0;
			digits = 0;
			dots++;
		} else return null;
	}
	if (dots !== 3 || digits === 0) return null;
	return n * 256 + octet;
}

/** The store key of an address as hex. */
export function addressKey(a: Address): string {
	return a.family === 4 ? Number(a.value).toString(16).padStart(8, '0') : keyHex(6, a.value);
}

/** An address, optionally written with a mask (NetBox "192.0.2.4/24"), which must then contain it. */
export function addressCell(value: string, allowMask = false): Address {
	const quick = quickV4(value);
	if (quick !== null) return { family: 4, value: BigInt(quick) };
	const slash = value.indexOf('/');
	try {
		if (slash < 0) return parseAddress(value);
		if (!allowMask) throw new CellError(`"${value}" is an address with a prefix length; give the address alone`);
		const a = parseAddress(value.slice(0, slash));
		parsePrefix(value, { hostBits: 'normalise' });
		return a;
	} catch (err) {
		if (err instanceof AddressError) throw new CellError(err.message);
		throw err;
	}
}

/** A CIDR prefix; host bits set are an error naming the network (never silently normalised). */
export function prefixCell(value: string, mask?: string): Prefix {
	try {
		let text = value.trim();
		if (mask !== undefined && mask.trim() !== '' && !text.includes('/')) text = `${text}/${mask.trim().replace(/^\//, '')}`;
		return parsePrefix(text);
	} catch (err) {
		if (err instanceof AddressError) throw new CellError(err.message);
		throw err;
	}
}

/** Why a block's start/end column disagrees with its prefix, or undefined when it agrees. */
export function prefixBoundNote(prefix: Prefix, which: 'start' | 'end', a: Address): string | undefined {
	const span = prefixSpan(prefix);
	const want = which === 'start' ? span.start : span.end;
	if (a.family === span.family && a.value === want) return undefined;
	return `${formatAddress(a)} is not the ${which === 'start' ? 'first' : 'last'} address of ${formatPrefix(prefix)} (${formatValue(span.family, want)}); the block is stored as the whole prefix`;
}

/** A range must lie inside the network its row names. */
export function checkInNetwork(prefix: Prefix, span: { family: 4 | 6; start: bigint; end: bigint }): boolean {
	return spanContainsSpan(prefixSpan(prefix), span);
}

const CANONICAL_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export function macCell(value: string): string {
	if (CANONICAL_MAC.test(value)) return value;
	try {
		return parseMac(value);
	} catch (err) {
		throw new CellError((err as Error).message);
	}
}

export function clientIdCell(value: string): string {
	try {
		return parseClientId(value);
	} catch (err) {
		throw new CellError((err as Error).message);
	}
}

export function integerCell(value: string, min: number, max: number): number {
	if (!/^\d+$/.test(value.trim())) throw new CellError(`"${value}" is not a whole number`);
	const n = Number(value.trim());
	if (n < min || n > max) throw new CellError(`${n} is outside ${min}–${max}`);
	return n;
}

export function vlanCell(value: string): number {
	const parts = value.split(/[;,\s]+/).filter(Boolean);
	if (parts.length > 1) throw new CellError(`"${value}" lists several VLANs; a subnet keeps one`);
	return integerCell(parts[0] ?? '', 1, 4094);
}

/**
 * A date: ISO 8601 (2025-03-01, 2025-03-01 14:23, 2025-03-01T14:23:00Z), the US English form MS IPAM
 * writes (3/1/2025 2:23:00 PM), the day-first dotted form of European locales (1.3.2025 14:23), or epoch seconds. Without a zone it is local time, as MS IPAM reads it.
 */
export function dateCell(value: string): number {
	const t = value.trim();
	if (/^\d{9,11}$/.test(t)) return Number(t);
	let ms: number;
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
	const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(t);
	// Day-first with dots (de-DE, fr-CH …) is unambiguous: nobody writes month.day.year.
	const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
	if (iso) {
		const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = iso;
		if (zone) ms = Date.parse(`${y}-${mo}-${d}T${h.padStart(2, '0')}:${mi}:${s.padStart(2, '0')}${zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
		else ms = new Date(+y, +mo - 1, +d, +h, +mi, +s).getTime();
		if (!validDate(+y, +mo, +d)) ms = NaN;
	} else if (us) {
		const [, mo, d, y, h = '0', mi = '0', s = '0', ampm] = us;
		let hour = +h;
		if (ampm) {
			if (hour < 1 || hour > 12) throw new CellError(`"${value}": hour ${hour} with ${ampm}`);
			hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
		}
		ms = validDate(+y, +mo, +d) ? new Date(+y, +mo - 1, +d, hour, +mi, +s).getTime() : NaN;
	} else if (dotted) {
		const [, d, mo, y, h = '0', mi = '0', s = '0'] = dotted;
		ms = validDate(+y, +mo, +d) ? new Date(+y, +mo - 1, +d, +h, +mi, +s).getTime() : NaN;
	} else {
		throw new CellError(`"${value}" is not a date: use 2025-03-01, 2025-03-01 14:23, 3/1/2025 2:23:00 PM or 1.3.2025 14:23`);
	}
	if (!Number.isFinite(ms)) throw new CellError(`"${value}" is not a valid date`);
	return Math.floor(ms / 1000);
}

function validDate(y: number, m: number, d: number): boolean {
	if (m < 1 || m > 12 || d < 1) return false;
	return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Dates in exports: ISO 8601 UTC, which dateCell reads back to the same second. */
export function formatDate(epoch: number | null | undefined): string {
	if (epoch === null || epoch === undefined) return '';
	return new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** A custom field's cell: split when multi-valued (";"), each value checked against the allowed list. */
export function customValues(field: CustomFieldDef, value: string): string[] {
	const parts = field.multi ? value.split(';').map(v => v.trim()).filter(Boolean) : [value.trim()];
	if (!field.allowed) return parts;
	return parts.map(p => {
		const hit = field.allowed!.find(a => a.toLowerCase() === p.toLowerCase());
		if (hit === undefined) throw new CellError(`"${p}" is not an allowed value of ${field.name} (${field.allowed!.join(', ')})`);
		return hit;
	});
}

export function tagList(value: string): string[] {
	return [...new Set(value.split(/[,;]/).map(t => t.trim()).filter(Boolean))];
}
