// Reads what a user types into the `/` filter: an address prefix ("10.1.", CIDR, v6 head), a MAC in any notation, or text.
import { maxValue, parsePrefix, prefixSpan, tryParseAddress, type Span } from './ip.js';
import { tryParseMac } from './mac.js';

export type FilterTerm =
	| { kind: 'span'; span: Span; text: string }
	| { kind: 'mac'; mac: string; text: string }
	/** Leading octets of a MAC ("aa-bb-cc"): canonical lowercase colon form, matched as a prefix. */
	| { kind: 'mac-prefix'; prefix: string; text: string }
	| { kind: 'text'; text: string };

/** "10.1." / "10.1" / "10" → the span of every address starting with those octets. */
function dottedPrefix(t: string): Span | null {
	if (!/^\d{1,3}(\.\d{0,3}){0,3}$/.test(t) || !t.includes('.')) return null;
	const octets = t.split('.').filter(o => o !== '');
	if (octets.length === 0 || octets.some(o => Number(o) > 255)) return null;
	let start = 0n;
	for (const o of octets) start = (start << 8n) | BigInt(Number(o));
	const free = BigInt(8 * (4 - octets.length));
	start <<= free;
	return { family: 4, start, end: start | ((1n << free) - 1n) };
}

/** "2001:db8:" → every IPv6 address whose leading groups are those. */
function v6Head(t: string): Span | null {
	if (!/^[0-9a-f]{1,4}(:[0-9a-f]{1,4})*:$/i.test(t)) return null;
	const groups = t.slice(0, -1).split(':');
	if (groups.length >= 8) return null;
	let start = 0n;
	for (const g of groups) start = (start << 16n) | BigInt(parseInt(g, 16));
	const free = BigInt(16 * (8 - groups.length));
	start <<= free;
	return { family: 6, start, end: start | ((1n << free) - 1n) };
}

function macPrefix(t: string): string | null {
	const m = /^([0-9a-f]{2})([:\-.]?[0-9a-f]{2}){1,4}[:\-.]?$/i.exec(t);
	if (!m) return null;
	const hex = t.toLowerCase().replace(/[:\-.]/g, '');
	if (hex.length % 2 !== 0 || hex.length < 4) return null;
	return (hex.match(/../g) ?? []).join(':');
}

export function parseFilterTerm(input: string): FilterTerm {
	const text = input.trim();
	if (text.includes('/')) {
		try {
			const p = parsePrefix(text, { hostBits: 'normalise' });
			return { kind: 'span', span: prefixSpan(p), text };
		} catch {
			return { kind: 'text', text };
		}
	}
	const a = tryParseAddress(text);
	if (a && (a.family === 6 || /^\d+\.\d+\.\d+\.\d+$/.test(text))) return { kind: 'span', span: { family: a.family, start: a.value, end: a.value }, text };
	const mac = /^[0-9a-f:\-. ]+$/i.test(text) && /[:\-.]/.test(text) ? tryParseMac(text) : null;
	if (mac) return { kind: 'mac', mac, text };
	const dotted = dottedPrefix(text);
	if (dotted) return { kind: 'span', span: dotted, text };
	// "aa:bb:cc" could be the head of an IPv6 address or of a MAC: a MAC reading is far more common here.
	const mp = /[-]/.test(text) || /^([0-9a-f]{2}:){1,4}[0-9a-f]{2}$/i.test(text) ? macPrefix(text) : null;
	if (mp) return { kind: 'mac-prefix', prefix: mp, text };
	const head = v6Head(text);
	if (head) return { kind: 'span', span: head, text };
	return { kind: 'text', text };
}

/** The whole address space of a family, for "no address filter". */
export function familySpan(family: 4 | 6): Span {
	return { family, start: 0n, end: maxValue(family) };
}
