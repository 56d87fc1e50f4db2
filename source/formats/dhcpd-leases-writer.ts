// Writes lease blocks the way dhcpd 4.x does (weekday + UTC date, octal escapes): for generated test and demo
// data, and round-trip tests of the reader.
import type { LeaseRecord } from '../domain/dhcp.js';
import { hexOf } from '../domain/mac.js';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `W YYYY/MM/DD HH:MM:SS` in UTC, as dhcpd writes times (or `never`). */
export function formatLeaseTime(epoch: number | null): string {
	if (epoch === null) return 'never';
	// Generators write millions of times: the date part is computed once per day.
	const day = Math.floor(epoch / 86400);
	if (day !== cachedDay) {
		const d = new Date(day * 86400_000);
		cachedDay = day;
		cachedDate = `${d.getUTCDay()} ${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())} `;
	}
	const s = epoch - day * 86400;
	return `${cachedDate}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
}

let cachedDay = NaN;
let cachedDate = '';

/** Bytes as a dhcpd quoted string body: printable ASCII stays, `"` and `\` and the rest become \ooo. */
export function escapeBytes(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) {
		if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) s += String.fromCharCode(b);
		else s += `\\${b.toString(8).padStart(3, '0')}`;
	}
	return s;
}

const STATE_WORD: Record<string, string> = { active: 'active', free: 'free', backup: 'backup', expired: 'expired', released: 'released', abandoned: 'abandoned' };

/** One v4 `lease` block. */
export function formatDhcpdLease(l: LeaseRecord): string {
	const lines = [`lease ${l.ip} {`];
	if (l.starts != null) lines.push(`  starts ${formatLeaseTime(l.starts)};`);
	if (l.ends !== undefined) lines.push(`  ends ${formatLeaseTime(l.ends)};`);
	if (l.cltt != null) lines.push(`  cltt ${formatLeaseTime(l.cltt)};`);
	lines.push(`  binding state ${STATE_WORD[l.state] ?? 'free'};`);
	if (l.state === 'active') lines.push('  next binding state free;', '  rewind binding state free;');
	if (l.mac) lines.push(`  hardware ethernet ${l.mac};`);
	if (l.clientId) lines.push(`  uid "${escapeBytes(Buffer.from(hexOf(l.clientId), 'hex'))}";`);
	if (l.vendorClass) lines.push(`  set vendor-class-identifier = "${escapeBytes(Buffer.from(l.vendorClass, 'utf8'))}";`);
	if (l.hostname) lines.push(`  client-hostname "${escapeBytes(Buffer.from(l.hostname, 'utf8'))}";`);
	lines.push('}', '');
	return lines.join('\n');
}

export const DHCPD_LEASES_HEADER = '# The format of this file is documented in the dhcpd.leases(5) manual page.\n# This lease file was written by isc-dhcp-4.4.3-P1\n\n# authoring-byte-order entry is generated, DO NOT DELETE\nauthoring-byte-order little-endian;\n\n';

/** One dhcpd6 `ia-na`/`ia-ta` block holding one address (IAID little-endian, then the DUID, as dhcpd writes it). */
export function formatDhcpdIa(l: LeaseRecord): string {
	const id = Buffer.alloc(4);
	id.writeUInt32LE((l.iaid ?? 0) >>> 0);
	const duid = Buffer.from(hexOf(l.duid ?? ''), 'hex');
	const lines = [`ia-${l.leaseType === 'ta' ? 'ta' : 'na'} "${escapeBytes(Buffer.concat([id, duid]))}" {`];
	if (l.cltt != null) lines.push(`  cltt ${formatLeaseTime(l.cltt)};`);
	lines.push(`  iaaddr ${l.ip} {`, `    binding state ${STATE_WORD[l.state] ?? 'free'};`);
	if (l.ends != null && l.cltt != null) lines.push(`    preferred-life ${Math.round((l.ends - l.cltt) * 0.625)};`, `    max-life ${l.ends - l.cltt};`);
	if (l.ends !== undefined) lines.push(`    ends ${formatLeaseTime(l.ends)};`);
	lines.push('  }', '}', '');
	return lines.join('\n');
}
