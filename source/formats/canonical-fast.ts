// Canonical addresses and client ids for readers of big files: text already in canonical form (the usual case
// in lease journals and logs) is taken as is; anything else goes through ip.ts / mac.ts. Same results, less work.
import { formatAddress, tryParseAddress, type Family } from '../domain/ip.js';
import { tryParseClientId, tryParseMac } from '../domain/mac.js';

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const ID = /^[0-9a-f]{2}(:[0-9a-f]{2})*$/;

/** IPv6 canonical forms repeat across a journal's rows: remembered (bounded) instead of recomputed. */
const v6Cache = new Map<string, string>();

export function canonicalIp(text: string): { family: Family; ip: string } | null {
	if (V4.test(text)) return { family: 4, ip: text };
	if (text.includes(':')) {
		const hit = v6Cache.get(text);
		if (hit !== undefined) return { family: 6, ip: hit };
	}
	const a = tryParseAddress(text);
	if (a === null) return null;
	const ip = formatAddress(a);
	if (a.family === 6) {
		if (v6Cache.size >= 100_000) v6Cache.clear();
		v6Cache.set(text, ip);
	}
	return { family: a.family, ip };
}

export function canonicalMac(text: string): string | null {
	return MAC.test(text) ? text : tryParseMac(text);
}

export function canonicalClientId(text: string): string | null {
	return ID.test(text) ? text : tryParseClientId(text);
}
