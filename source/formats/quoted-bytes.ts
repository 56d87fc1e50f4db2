// ISC-style quoted strings ("\001\000PV\246q", "a\"b") and colon-hex octets (1:a:ff), decoded to raw bytes.
import { formatHexColon } from '../domain/mac.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes the body of a quoted string (between the quotes) whose characters are bytes (latin1 text):
 * backslash + up to three octal digits is one byte (dhcpd writes "\008" as \00 then '8'), \n \t \r, else the
 * escaped character itself.
 */
export function unescapeBytes(body: string): Uint8Array {
	const out = new Uint8Array(body.length);
	let n = 0;
	for (let i = 0; i < body.length; i++) {
		const c = body.charCodeAt(i);
		if (c !== 92 /* \ */ || i + 1 >= body.length) {
			out[n++] = c & 0xff;
			continue;
		}
		const d = body.charCodeAt(i + 1);
		if (d >= 48 && d <= 55) {
			let v = 0;
			let k = i + 1;
			while (k < body.length && k < i + 4) {
				const e = body.charCodeAt(k);
				if (e < 48 || e > 55) break;
				v = v * 8 + (e - 48);
				k++;
			}
			out[n++] = v & 0xff;
			i = k - 1;
			continue;
		}
		out[n++] = d === 110 ? 10 : d === 116 ? 9 : d === 114 ? 13 : d & 0xff;
		i++;
	}
	return out.subarray(0, n);
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Same decoding as unescapeBytes, straight to canonical colon hex (the hot path for uid lines). */
export function unescapedHexColon(body: string): string {
	let s = '';
	for (let i = 0; i < body.length; i++) {
		let c = body.charCodeAt(i);
		if (c === 92 && i + 1 < body.length) {
			const d = body.charCodeAt(i + 1);
			if (d >= 48 && d <= 55) {
				let v = 0;
				let k = i + 1;
				while (k < body.length && k < i + 4) {
					const e = body.charCodeAt(k);
					if (e < 48 || e > 55) break;
					v = v * 8 + (e - 48);
					k++;
				}
				c = v & 0xff;
				i = k - 1;
			} else {
				c = d === 110 ? 10 : d === 116 ? 9 : d === 114 ? 13 : d & 0xff;
				i++;
			}
		}
		s += s.length === 0 ? HEX[c & 0xff] : `:${HEX[c & 0xff]}`;
	}
	return s;
}

/** A quoted string's body as text: plain ASCII without escapes is returned as is, else bytes → UTF-8. */
export function unescapedText(body: string): string {
	for (let i = 0; i < body.length; i++) {
		const c = body.charCodeAt(i);
		if (c === 92 || c >= 0x80) return bytesToText(unescapeBytes(body));
	}
	return body;
}

export function bytesToHexColon(bytes: Uint8Array): string {
	return formatHexColon(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

export function bytesToText(bytes: Uint8Array): string {
	return utf8.decode(bytes);
}

/**
 * The end of a quoted string that starts at `open` (the opening quote), honouring backslash escapes;
 * -1 when it is not closed on this line.
 */
export function closingQuote(text: string, open: number, limit = text.length): number {
	for (let i = open + 1; i < limit; i++) {
		const c = text.charCodeAt(i);
		if (c === 92) i++;
		else if (c === 34) return i;
	}
	return -1;
}

/** A value that is either "quoted with escapes" or colon hex (1:2:ab), as octets; null when neither. */
export function octetsOf(value: string): Uint8Array | null {
	const v = value.trim();
	if (v.startsWith('"')) {
		const end = closingQuote(v, 0);
		if (end < 0) return null;
		return unescapeBytes(v.slice(1, end));
	}
	if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(v)) return null;
	return Uint8Array.from(v.split(':').map(h => parseInt(h, 16)));
}
