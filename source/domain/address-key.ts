// Address text → store key (hex of the big-endian bytes) for bulk ingest: a fast path for dotted IPv4,
// the full parser (ip.ts) for everything else.
import { addressKeyHex, tryParseAddress, type Family } from './ip.js';

export interface AddressKey {
	family: Family;
	hex: string;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** null when the text is not an address. */
export function addressKey(text: string): AddressKey | null {
	const m = V4.exec(text);
	if (m) {
		let hex = '';
		for (let i = 1; i <= 4; i++) {
			const n = +m[i];
			// Leading zeros are ambiguous (octal in some tools): leave them to the strict parser.
			if (n > 255 || (m[i].length > 1 && m[i][0] === '0')) return slow(text);
			hex += n < 16 ? '0' + n.toString(16) : n.toString(16);
		}
		return { family: 4, hex };
	}
	return slow(text);
}

function slow(text: string): AddressKey | null {
	const a = tryParseAddress(text);
	return a ? { family: a.family, hex: addressKeyHex(a) } : null;
}
