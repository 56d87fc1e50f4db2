// Windows DHCP Server cmdlet output (ConvertTo-Json, PowerShell 5.1 and 7 shapes, raw or projected) read into
// scopes, scope statistics, leases and reservations. Tolerant: unknown keys ignored, keys matched without case.
import type { LeaseRecord, LeaseState, ReservationRecord, ScopeRecord } from '../domain/dhcp.js';
import { formatAddress, formatPrefix, formatValue, parsePrefix, prefixLast, tryParseAddress, type Family } from '../domain/ip.js';
import { macFromClientId, tryParseClientId } from '../domain/mac.js';
import { IssueLog, type FormatIssue } from './format-issue.js';

type Item = Record<string, unknown>;

export interface JsonReadOptions {
	/** Names the source in issues, e.g. "DHCP1 Get-DhcpServerv4Lease". */
	source?: string;
	/** How to read ISO times without a zone ("Unspecified" kind): as UTC, or with this offset in minutes. */
	unspecifiedOffsetMinutes?: number;
}

export interface ScopeStatistics {
	scopeKey: string;
	family: Family;
	free: number;
	inUse: number;
	reserved: number;
	pending: number;
	percentInUse: number | null;
}

export interface JsonResult<T> {
	records: T[];
	issues: FormatIssue[];
}

/**
 * The cmdlet output as a list of objects: empty output is none, one object is one, 5.1's {"value":[…],"Count":n}
 * wrapper is unwrapped, and stray non-JSON lines before the JSON (the 7.1+ depth WARNING) are dropped.
 */
export function jsonItems(text: string): Item[] {
	let t = text.replace(/^\uFEFF/, '').trim();
	if (t === '') return [];
	const start = t.search(/^[[{]/m);
	if (start > 0) t = t.slice(start);
	// Uint64 counters (v6 statistics of a /64) exceed 2^53: keep their digits as strings.
	t = t.replace(/(:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
	const value: unknown = JSON.parse(t);
	const list = unwrap(value);
	return (Array.isArray(list) ? list : [list]).filter((x): x is Item => typeof x === 'object' && x !== null);
}

function unwrap(value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const o = value as Item;
		const keys = Object.keys(o);
		if (Array.isArray(o.value) && keys.every(k => k === 'value' || k === 'Count')) return o.value;
	}
	return value;
}

function field(item: Item, ...names: string[]): unknown {
	for (const n of names) if (n in item) return item[n];
	const lower = new Map(Object.keys(item).map(k => [k.toLowerCase(), k]));
	for (const n of names) {
		const k = lower.get(n.toLowerCase());
		if (k !== undefined) return item[k];
	}
	return undefined;
}

function text(v: unknown): string | null {
	if (v === null || v === undefined) return null;
	const s = String(v).trim();
	return s === '' ? null : s;
}

/** An IPAddress as a string, a 5.1/7 object (IPAddressToString, else the little-endian `Address` for IPv4). */
export function ipOf(v: unknown): string | null {
	const raw = unwrap(v);
	if (typeof raw === 'string') {
		const a = tryParseAddress(raw);
		return a ? formatAddress(a) : null;
	}
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		const o = raw as Item;
		const s = field(o, 'IPAddressToString');
		if (typeof s === 'string') return ipOf(s);
		const n = field(o, 'Address');
		const fam = field(o, 'AddressFamily');
		if (typeof n === 'number' && (fam === 2 || fam === 'InterNetwork')) {
			const b = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
			return b.join('.');
		}
	}
	return null;
}

/** `\/Date(ms)\/` (5.1), ISO 8601 (7), or null; epoch seconds. */
export function timeOf(v: unknown, unspecifiedOffsetMinutes = 0): number | null {
	const s = text(v);
	if (s === null) return null;
	const ms = /^\/?Date\((-?\d+)([+-]\d{4})?\)\/?$/.exec(s.replace(/\\/g, ''));
	if (ms) return Math.floor(Number(ms[1]) / 1000);
	if (!/^\d{4}-\d\d-\d\d/.test(s)) return null;
	const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(s);
	const t = Date.parse(zoned ? s : `${s}Z`);
	if (Number.isNaN(t)) return null;
	return Math.floor(t / 1000) - (zoned ? 0 : unspecifiedOffsetMinutes * 60);
}

/** TimeSpan object (Ticks / TotalSeconds), "d.hh:mm:ss" text, or seconds; null when absent. */
export function secondsOf(v: unknown): number | null {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return v;
	if (typeof v === 'object') {
		const o = v as Item;
		const total = field(o, 'TotalSeconds');
		if (typeof total === 'number') return Math.round(total);
		const ticks = field(o, 'Ticks');
		if (typeof ticks === 'number') return Math.round(ticks / 1e7);
		return null;
	}
	const m = /^(?:(\d+)\.)?(\d+):(\d\d):(\d\d)(?:\.\d+)?$/.exec(String(v).trim());
	if (m) return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
	return null;
}

function count(v: unknown): number {
	const n = Number(v ?? 0);
	return Number.isFinite(n) ? n : 0;
}

/** ClientId as Windows prints it (00-50-56-b0-68-05, longer for DUID-style ids). */
function client(v: unknown): { mac: string | null; clientId: string | null } {
	const s = text(v);
	const id = s ? tryParseClientId(s) : null;
	if (id === null) return { mac: null, clientId: null };
	return id.length === 17 ? { mac: id, clientId: null } : { mac: macFromClientId(id), clientId: id };
}

const LEASE_STATES: Record<string, LeaseState> = {
	offered: 'offered',
	active: 'active',
	declined: 'declined',
	expired: 'expired',
	activereservation: 'active',
	inactivereservation: 'reserved',
};

function read<T>(textOut: string, options: JsonReadOptions, what: string, map: (item: Item, at: (m: string) => void) => T | null): JsonResult<T> {
	const log = new IssueLog(options.source ?? what);
	let items: Item[];
	try {
		items = jsonItems(textOut);
	} catch (err) {
		log.add(0, `output is not JSON: ${(err as Error).message}`);
		return { records: [], issues: log.issues };
	}
	const records: T[] = [];
	items.forEach((item, i) => {
		const r = map(item, m => log.add(i + 1, `item ${i + 1}: ${m}`));
		if (r !== null) records.push(r);
	});
	return { records, issues: log.issues };
}

function maskLength(mask: string | null): number | null {
	if (mask === null) return null;
	try {
		return parsePrefix(`0.0.0.0/${mask}`).length;
	} catch {
		return null;
	}
}

export function v4ScopesFromJson(out: string, options: JsonReadOptions = {}): JsonResult<ScopeRecord> {
	return read(out, options, 'Get-DhcpServerv4Scope', (item, at) => {
		const id = ipOf(field(item, 'ScopeId', 'scope'));
		const start = ipOf(field(item, 'StartRange', 'start'));
		const end = ipOf(field(item, 'EndRange', 'end'));
		if (!id || !start || !end) {
			at('ScopeId, StartRange or EndRange missing or not an IPv4 address');
			return null;
		}
		const len = maskLength(ipOf(field(item, 'SubnetMask', 'mask')));
		const scope: ScopeRecord = { key: id, family: 4, subnet: len === null ? null : `${id}/${len}`, start, end };
		const name = text(field(item, 'Name'));
		const description = text(field(item, 'Description'));
		if (name) scope.name = name;
		if (description) scope.description = description;
		const state = text(field(item, 'State'));
		if (state) scope.state = state;
		scope.leaseSeconds = secondsOf(field(item, 'LeaseDuration', 'leaseSeconds'));
		const superscope = text(field(item, 'SuperscopeName'));
		const type = text(field(item, 'Type'));
		scope.options = { ...(superscope ? { superscope } : {}), ...(type ? { type } : {}) };
		return scope;
	});
}

export function v6ScopesFromJson(out: string, options: JsonReadOptions = {}): JsonResult<ScopeRecord> {
	return read(out, options, 'Get-DhcpServerv6Scope', (item, at) => {
		const prefix = ipOf(field(item, 'Prefix'));
		const len = Number(field(item, 'PrefixLength') ?? 64);
		if (!prefix || !prefix.includes(':') || !(len >= 0 && len <= 128)) {
			at('Prefix missing or not an IPv6 prefix');
			return null;
		}
		const p = parsePrefix(`${prefix}/${len}`, { hostBits: 'normalise' });
		const scope: ScopeRecord = { key: prefix, family: 6, subnet: formatPrefix(p), start: formatValue(6, p.network), end: formatValue(6, prefixLast(p)) };
		const name = text(field(item, 'Name'));
		const description = text(field(item, 'Description'));
		if (name) scope.name = name;
		if (description) scope.description = description;
		const state = text(field(item, 'State'));
		if (state) scope.state = state;
		scope.leaseSeconds = secondsOf(field(item, 'ValidLifetime'));
		const preferred = secondsOf(field(item, 'PreferredLifetime'));
		if (preferred !== null) scope.options = { preferredSeconds: preferred };
		return scope;
	});
}

function statistics(family: Family, key: string) {
	return (out: string, options: JsonReadOptions = {}): JsonResult<ScopeStatistics> =>
		read(out, options, family === 4 ? 'Get-DhcpServerv4ScopeStatistics' : 'Get-DhcpServerv6ScopeStatistics', (item, at) => {
			const scopeKey = ipOf(field(item, key));
			if (!scopeKey) {
				at(`${key} missing or not an IP address`);
				return null;
			}
			const pct = field(item, 'PercentageInUse');
			return {
				scopeKey,
				family,
				free: count(field(item, 'AddressesFree', 'Free')),
				inUse: count(field(item, 'AddressesInUse', 'InUse')),
				reserved: count(field(item, 'ReservedAddress', 'Reserved')),
				pending: count(field(item, 'PendingOffers', 'PendingAdvertises', 'Pending')),
				percentInUse: pct === null || pct === undefined ? null : Number(pct),
			};
		});
}

export const v4ScopeStatisticsFromJson = statistics(4, 'ScopeId');
export const v6ScopeStatisticsFromJson = statistics(6, 'Prefix');

export function v4LeasesFromJson(out: string, options: JsonReadOptions = {}): JsonResult<LeaseRecord> {
	return read(out, options, 'Get-DhcpServerv4Lease', (item, at) => {
		const ip = ipOf(field(item, 'IPAddress', 'ip'));
		if (!ip || ip.includes(':')) {
			at('IPAddress missing or not an IPv4 address');
			return null;
		}
		const stateText = (text(field(item, 'AddressState', 'state')) ?? 'Active').toLowerCase();
		const { mac, clientId } = client(field(item, 'ClientId', 'clientId'));
		return {
			family: 4,
			ip,
			mac,
			clientId,
			hostname: text(field(item, 'HostName', 'host')),
			state: LEASE_STATES[stateText] ?? 'active',
			ends: timeOf(field(item, 'LeaseExpiryTime', 'expires'), options.unspecifiedOffsetMinutes),
			scopeKey: ipOf(field(item, 'ScopeId', 'scope')),
		};
	});
}

export function v6LeasesFromJson(out: string, options: JsonReadOptions = {}): JsonResult<LeaseRecord> {
	return read(out, options, 'Get-DhcpServerv6Lease', (item, at) => {
		const ip = ipOf(field(item, 'IPAddress', 'ip'));
		if (!ip || !ip.includes(':')) {
			at('IPAddress missing or not an IPv6 address');
			return null;
		}
		const duidText = text(field(item, 'ClientDuid', 'duid'));
		const duid = duidText ? tryParseClientId(duidText) : null;
		const iaid = field(item, 'Iaid');
		const stateText = (text(field(item, 'AddressState', 'state')) ?? 'Active').toLowerCase();
		return {
			family: 6,
			ip,
			leaseType: (text(field(item, 'AddressType')) ?? '').toUpperCase() === 'IATA' ? 'ta' : 'na',
			duid,
			mac: duid ? macFromClientId(duid) : null,
			iaid: iaid === null || iaid === undefined ? null : Number(iaid),
			hostname: text(field(item, 'HostName', 'host')),
			state: LEASE_STATES[stateText] ?? 'active',
			ends: timeOf(field(item, 'LeaseExpiryTime', 'expires'), options.unspecifiedOffsetMinutes),
			scopeKey: ipOf(field(item, 'Prefix', 'scope')),
		};
	});
}

export function v4ReservationsFromJson(out: string, options: JsonReadOptions = {}): JsonResult<ReservationRecord> {
	return read(out, options, 'Get-DhcpServerv4Reservation', (item, at) => {
		const ip = ipOf(field(item, 'IPAddress', 'ip'));
		if (!ip || ip.includes(':')) {
			at('IPAddress missing or not an IPv4 address');
			return null;
		}
		const { mac, clientId } = client(field(item, 'ClientId', 'clientId'));
		const r: ReservationRecord = { family: 4, ip, mac, clientId, scopeKey: ipOf(field(item, 'ScopeId', 'scope')) };
		const name = text(field(item, 'Name'));
		const description = text(field(item, 'Description'));
		if (name) r.name = name;
		if (description) r.description = description;
		const type = text(field(item, 'Type'));
		if (type) r.options = { type };
		return r;
	});
}

export function v6ReservationsFromJson(out: string, options: JsonReadOptions = {}): JsonResult<ReservationRecord> {
	return read(out, options, 'Get-DhcpServerv6Reservation', (item, at) => {
		const ip = ipOf(field(item, 'IPAddress', 'ip'));
		if (!ip || !ip.includes(':')) {
			at('IPAddress missing or not an IPv6 address');
			return null;
		}
		const duidText = text(field(item, 'ClientDuid', 'duid'));
		const duid = duidText ? tryParseClientId(duidText) : null;
		const iaid = field(item, 'Iaid');
		const r: ReservationRecord = {
			family: 6,
			ip,
			duid,
			mac: duid ? macFromClientId(duid) : null,
			iaid: iaid === null || iaid === undefined ? null : Number(iaid),
			scopeKey: ipOf(field(item, 'Prefix', 'scope')),
		};
		const name = text(field(item, 'Name'));
		const description = text(field(item, 'Description'));
		if (name) r.name = name;
		if (description) r.description = description;
		return r;
	});
}
