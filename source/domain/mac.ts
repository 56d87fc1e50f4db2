// Hardware addresses, DHCP client identifiers and DUIDs: any common notation in, one canonical form out.

export class ClientIdError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ClientIdError';
	}
}

function hexBytes(text: string): string | null {
	const t = text.trim().toLowerCase();
	if (t.length === 0) return null;
	// Cisco dotted (aabb.ccdd.eeff) and plain hex.
	if (/^[0-9a-f]{4}(\.[0-9a-f]{4})+$/.test(t)) return t.replace(/\./g, '');
	if (/^(0x)?[0-9a-f]+$/.test(t)) {
		const h = t.replace(/^0x/, '');
		return h.length % 2 === 0 ? h : null;
	}
	// Separated groups of 1–2 hex digits (a:b:c, aa-bb, "aa bb").
	const groups = t.split(/[:\-\s]/);
	if (groups.every(g => /^[0-9a-f]{1,2}$/.test(g))) return groups.map(g => g.padStart(2, '0')).join('');
	return null;
}

/** Canonical MAC: lowercase, colon-separated, six octets; throws with a message naming the input. */
export function parseMac(text: string): string {
	const hex = hexBytes(text);
	if (hex === null || hex.length !== 12) {
		throw new ClientIdError(`"${text}" is not a MAC address: expected six octets such as aa:bb:cc:dd:ee:ff`);
	}
	return formatHexColon(hex);
}

export function tryParseMac(text: string): string | null {
	try {
		return parseMac(text);
	} catch {
		return null;
	}
}

/** Canonical client id / DUID: lowercase colon-separated octets, any length ≥ 1. */
export function parseClientId(text: string): string {
	const hex = hexBytes(text);
	if (hex === null) throw new ClientIdError(`"${text}" is not a client identifier: expected hex octets`);
	return formatHexColon(hex);
}

export function tryParseClientId(text: string): string | null {
	try {
		return parseClientId(text);
	} catch {
		return null;
	}
}

export function formatHexColon(hex: string): string {
	return (hex.toLowerCase().match(/../g) ?? []).join(':');
}

export function hexOf(canonical: string): string {
	return canonical.replace(/:/g, '');
}

/** MAC as a 48-bit integer (compact store key) and back. */
export function macToInt(mac: string): number {
	return parseInt(hexOf(parseMac(mac)), 16);
}

export function intToMac(n: number): string {
	return formatHexColon(n.toString(16).padStart(12, '0'));
}

/**
 * The hardware address hidden in a client identifier or DUID, when there is one:
 * DHCPv4 client-id type 1 (01 + MAC), DUID-LLT (type 1) and DUID-LL (type 3) with hardware type 1.
 */
export function macFromClientId(canonical: string): string | null {
	const hex = hexOf(canonical);
	if (hex.length === 14 && hex.startsWith('01')) return formatHexColon(hex.slice(2));
	if (hex.length === 12) return formatHexColon(hex);
	if (hex.startsWith('00010001') && hex.length === 28) return formatHexColon(hex.slice(16));
	if (hex.startsWith('00030001') && hex.length === 20) return formatHexColon(hex.slice(8));
	// RFC 4361 client ids (ff + IAID + DUID) carry a DUID after five octets.
	if (hex.startsWith('ff') && hex.length > 10) return macFromClientId(formatHexColon(hex.slice(10)));
	return null;
}

export type ClientKind = 'mac' | 'client-id' | 'duid';

/** Reads a user's search term as a MAC when it can be one, else as a client id / DUID. */
export function parseClientTerm(text: string): { kind: ClientKind; value: string } | null {
	const mac = tryParseMac(text);
	if (mac) return { kind: 'mac', value: mac };
	const id = tryParseClientId(text);
	if (id && hexOf(id).length >= 4) return { kind: hexOf(id).length > 14 ? 'duid' : 'client-id', value: id };
	return null;
}
