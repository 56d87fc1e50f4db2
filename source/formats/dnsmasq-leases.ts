// dnsmasq's leases file: `<expiry> <mac> <ip> <host|*> <client-id|*>` lines, then after a `duid <server-duid>`
// line the DHCPv6 leases `<expiry> <[T]iaid> <ipv6> <host|*> <client-duid>`.
import type { LeaseRecord } from '../domain/dhcp.js';
import { formatAddress, tryParseAddress } from '../domain/ip.js';
import { formatHexColon, macFromClientId, tryParseClientId, tryParseMac } from '../domain/mac.js';
import { IssueLog, type FormatIssue } from './format-issue.js';

export interface DnsmasqLeasesOptions {
	file?: string;
	/**
	 * dnsmasq built with HAVE_BROKEN_RTC writes the lease length instead of the expiry time; values this small
	 * (< 2001-09-09, 1e9 s) are read as a length counted from `now` (epoch seconds, default: the clock).
	 */
	now?: number;
}

export interface DnsmasqLeases {
	leases: LeaseRecord[];
	serverDuid: string | null;
	/** True when the expiry column held lease lengths (HAVE_BROKEN_RTC builds). */
	lengths: boolean;
	issues: FormatIssue[];
}

const LENGTH_LIMIT = 1_000_000_000;

/** Hardware address column: plain MAC, or `<hwtype>-<octets>` for non-Ethernet hardware (InfiniBand: 20 octets). */
function hardware(text: string): { mac: string | null; other: string | null } | null {
	const dash = text.indexOf('-');
	if (dash === 2 && /^[0-9a-fA-F]{2}-/.test(text)) {
		const type = parseInt(text.slice(0, 2), 16);
		const rest = text.slice(3);
		const id = tryParseClientId(rest);
		if (id === null) return null;
		const hex = id.replace(/:/g, '');
		if (type === 1 && hex.length === 12) return { mac: id, other: null };
		return { mac: null, other: formatHexColon(type.toString(16).padStart(2, '0') + hex) };
	}
	const mac = tryParseMac(text);
	if (mac) return { mac, other: null };
	// Seven octets starting with 01 is a type-prefixed Ethernet address.
	const id = tryParseClientId(text);
	if (id === null) return null;
	return { mac: macFromClientId(id), other: id };
}

export function parseDnsmasqLeases(text: string, options: DnsmasqLeasesOptions = {}): DnsmasqLeases {
	const log = new IssueLog(options.file ?? 'dnsmasq.leases');
	const now = options.now ?? Math.floor(Date.now() / 1000);
	const leases: LeaseRecord[] = [];
	let serverDuid: string | null = null;
	let lengths = false;
	const lines = text.split('\n');
	for (let n = 0; n < lines.length; n++) {
		const line = lines[n].replace(/\r$/, '').trim();
		if (line === '' || line.startsWith('#')) continue;
		const f = line.split(/\s+/);
		const at = (why: string) => log.add(n + 1, why);
		if (f[0] === 'duid') {
			serverDuid = f[1] ? tryParseClientId(f[1]) : null;
			if (serverDuid === null) at(`duid line: "${f[1] ?? ''}" is not a DUID`);
			continue;
		}
		if (f.length < 4) {
			at(`expected "<expiry> <mac|iaid> <address> <hostname> [client-id]", found ${f.length} fields`);
			continue;
		}
		if (!/^\d+$/.test(f[0])) {
			at(`expiry "${f[0]}" is not a number of seconds`);
			continue;
		}
		const raw = Number(f[0]);
		let ends: number | null;
		if (raw === 0) ends = null;
		else if (raw < LENGTH_LIMIT) {
			lengths = true;
			ends = now + raw;
		} else ends = raw;
		const addr = tryParseAddress(f[2]);
		if (addr === null) {
			at(`address "${f[2]}" is not an IP address`);
			continue;
		}
		const hostname = f[3] === '*' ? null : f[3];
		const idText = f[4] && f[4] !== '*' ? f[4] : null;
		const lease: LeaseRecord = { family: addr.family, ip: formatAddress(addr), state: 'active', ends, hostname };
		if (addr.family === 4) {
			const hw = hardware(f[1]);
			if (hw === null) {
				at(`hardware address "${f[1]}" is not a MAC or <type>-<octets>`);
				continue;
			}
			lease.mac = hw.mac;
			lease.clientId = idText ? tryParseClientId(idText) : hw.mac ? null : hw.other;
			if (idText && lease.clientId === null) at(`client id "${idText}" is not hex octets; ignored`);
		} else {
			const temporary = f[1].startsWith('T');
			const iaid = temporary ? f[1].slice(1) : f[1];
			if (!/^\d+$/.test(iaid)) {
				at(`IAID "${f[1]}" is not a number (IPv6 leases follow the duid line)`);
				continue;
			}
			lease.leaseType = temporary ? 'ta' : 'na';
			lease.iaid = Number(iaid);
			lease.duid = idText ? tryParseClientId(idText) : null;
			lease.mac = lease.duid ? macFromClientId(lease.duid) : null;
		}
		leases.push(lease);
	}
	return { leases, serverDuid, lengths, issues: log.issues };
}
