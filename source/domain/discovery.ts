// Where a collected DHCP scope lands in the address space when nothing stored holds it yet: the subnet it
// names (else the smallest prefix covering its pool) and an IP block above that subnet.
import { parsePrefix, prefixSpan, spanContainsSpan, spanToPrefixes, type Prefix, type Span } from './ip.js';

/** Well-known private and shared containers an operator would have as top-level blocks. */
const CONTAINERS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map(t => parsePrefix(t));

/** The scope's subnet: the given CIDR (host bits normalised), else the smallest single prefix covering the pool. */
export function scopeSubnet(subnet: string | null | undefined, pool: Span): Prefix {
	if (subnet) {
		try {
			return parsePrefix(subnet, { hostBits: 'normalise' });
		} catch {
			// A malformed subnet text falls back to the pool itself.
		}
	}
	const bits = pool.family === 4 ? 32 : 128;
	for (let length = bits; length >= 0; length--) {
		const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
		const network = pool.start & mask;
		const p: Prefix = { family: pool.family, network, length };
		if (spanContainsSpan(prefixSpan(p), pool)) return p;
	}
	return spanToPrefixes(pool)[0];
}

/**
 * The block to create for a discovered subnet no block holds: the private/shared/ULA container it is in,
 * else its /16 (IPv4) or /48 (IPv6), else the subnet itself when it is wider than that.
 */
export function discoveredBlock(subnet: Prefix): Prefix {
	const span = prefixSpan(subnet);
	const known = CONTAINERS.find(c => c.family === subnet.family && spanContainsSpan(prefixSpan(c), span));
	if (known) return known;
	const length = subnet.family === 4 ? 16 : 48;
	if (subnet.length <= length) return subnet;
	const bits = subnet.family === 4 ? 32 : 128;
	const mask = ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
	return { family: subnet.family, network: subnet.network & mask, length };
}
