// A Windows DHCP server's demo sources: cmdlet output as Windows PowerShell 5.1 `ConvertTo-Json` writes it, and
// the daily audit logs (DhcpSrvLog-<Day>.log / DhcpV6SrvLog-<Day>.log) in server local time, read back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeaseEventRecord } from '../domain/dhcp.js';
import { formatPrefix, formatValue, lengthToMask, parseAddress } from '../domain/ip.js';
import { HoldingStarts, parseWindowsAuditLog } from '../formats/windows-audit-log.js';
import type { FormatIssue } from '../formats/format-issue.js';
import { v4LeasesFromJson, v4ReservationsFromJson, v4ScopesFromJson, v6LeasesFromJson, v6ScopesFromJson } from '../formats/windows-dhcp-json.js';
import { WallClockFormatter } from '../formats/local-time.js';
import { scopeRange } from './enterprise.js';
import type { LeaseAction } from './history.js';
import type { ServerSources, SourceContext } from './sources.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function ip51(text: string): Record<string, unknown> {
	const a = parseAddress(text);
	const v4 = a.family === 4;
	// 5.1 writes IPv4's Address as the bytes read little-endian.
	const n = v4 ? Number(((a.value & 0xffn) << 24n) | (((a.value >> 8n) & 0xffn) << 16n) | (((a.value >> 16n) & 0xffn) << 8n) | ((a.value >> 24n) & 0xffn)) : null;
	return {
		Address: n,
		AddressFamily: v4 ? 2 : 23,
		ScopeId: v4 ? null : 0,
		IsIPv6Multicast: false,
		IsIPv6LinkLocal: false,
		IsIPv6SiteLocal: false,
		IsIPv6Teredo: false,
		IsIPv4MappedToIPv6: false,
		IPAddressToString: text,
	};
}

const msDate = (epoch: number) => `\\/Date(${epoch * 1000})\\/`;

function timeSpan(seconds: number): Record<string, number> {
	return {
		Ticks: seconds * 1e7,
		Days: Math.floor(seconds / 86400),
		Hours: Math.floor(seconds / 3600) % 24,
		Milliseconds: 0,
		Minutes: Math.floor(seconds / 60) % 60,
		Seconds: seconds % 60,
		TotalDays: seconds / 86400,
		TotalHours: seconds / 3600,
		TotalMilliseconds: seconds * 1000,
		TotalMinutes: seconds / 60,
		TotalSeconds: seconds,
	};
}

/** `ConvertTo-Json -Compress` of 5.1 writes dates as `\/Date(…)\/`: JSON.stringify would double the backslash. */
function json51(value: unknown): string {
	return JSON.stringify(value).replace(/\\\\\//g, '\\/');
}

const dashed = (mac: string) => mac.replace(/:/g, '-');

const HEADER = [
	'\t\tMicrosoft DHCP Service Activity Log',
	'',
	'',
	'Event ID  Meaning',
	'00\tThe log was started.',
	'01\tThe log was stopped.',
	'02\tThe log was temporarily paused due to low disk space.',
	'10\tA new IP address was leased to a client.',
	'11\tA lease was renewed by a client.',
	'12\tA lease was released by a client.',
	'13\tAn IP address was found to be in use on the network.',
	'14\tA lease request could not be satisfied because the scope\'s address pool was exhausted.',
	'15\tA lease was denied.',
	'16\tA lease was deleted.',
	'17\tA lease was expired and DNS records for an expired leases have not been deleted.',
	'18\tA lease was expired and DNS records were deleted.',
	'24\tIP address cleanup operation has began.',
	'25\tIP address cleanup statistics.',
	'30\tDNS update request to the named DNS server.',
	'31\tDNS update failed.',
	'32\tDNS update successful.',
	'50+\tCodes above 50 are used for Rogue Server Detection information.',
	'',
	'QResult: 0: NoQuarantine, 1:Quarantine, 2:Drop Packet, 3:Probation,6:No Quarantine Information ProbationTime:Year-Month-Day Hour:Minute:Second:MilliSecond.',
	'',
	'ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID, QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError.',
].join('\r\n');

const V4_ROW: Record<LeaseAction['kind'], [number, string]> = { assign: [10, 'Assign'], renew: [11, 'Renew'], release: [12, 'Release'], expire: [18, 'Expired'] };
const V6_ROW: Record<LeaseAction['kind'], [number, string]> = {
	assign: [11002, 'DHCPV6 Request'],
	renew: [11004, 'DHCPV6 Renew'],
	release: [11007, 'DHCPV6 Release'],
	expire: [11018, 'DHCPV6 Expired'],
};

const p2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * The seven daily files as the service leaves them: a file is started over when its weekday comes round again,
 * so only the last seven local days survive. Each file is written and read back in turn.
 */
function* auditLogs(ctx: SourceContext, write: (name: string, text: string) => string, issues: FormatIssue[], holdings: HoldingStarts): Generator<LeaseEventRecord[]> {
	const clock = new WallClockFormatter({ timeZone: ctx.server.site.timeZone });
	const actions = ctx.history.actions;
	// One pass: each row goes to its weekday's file; a later date of that weekday starts the file over.
	const files = new Map<string, { family: number; weekday: number; date: number; rows: string[] }>();
	const vendorHex = new Map<string, string>();
	let txn = 1_000_000;
	for (const a of actions) {
		const w = clock.parts(a.ts);
		const family = a.scope.family;
		const key = `${family}:${w.weekday}`;
		const dateKey = w.year * 10000 + w.month * 100 + w.day;
		let f = files.get(key);
		if (!f || f.date !== dateKey) {
			f = { family, weekday: w.weekday, date: dateKey, rows: family === 4 ? [HEADER] : [] };
			files.set(key, f);
		}
		const date = `${p2(w.month)}/${p2(w.day)}/${p2(w.year % 100)}`;
		const time = `${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;
		const c = a.client;
		const host = c.hostname ?? '';
		const user = a.kind === 'assign' && c.user ? c.user : '';
		if (family === 6) {
			const [id, text] = V6_ROW[a.kind];
			const duid = (c.duid ?? '').replace(/:/g, '').toUpperCase();
			f.rows.push(`${id},${date},${time},${text},${a.ip},${host},,${duid.length / 2},${duid},${user},,${formatPrefix(a.scope.subnet.prefix)},,`);
			continue;
		}
		const [id, text] = V4_ROW[a.kind];
		const mac = c.mac.replace(/:/g, '').toUpperCase();
		const vendor = a.kind === 'assign' || a.kind === 'renew' ? (c.vendorClass ?? '') : '';
		let hex = vendorHex.get(vendor);
		if (hex === undefined) {
			hex = vendor ? `0x${Buffer.from(vendor).toString('hex').toUpperCase()}` : '';
			vendorHex.set(vendor, hex);
		}
		f.rows.push(`${id},${date},${time},${text},${a.ip},${host},${mac},${user},${txn++},0,,,,${hex},${vendor},,,,0`);
		if (a.kind === 'assign' && host && c.kind === 'wired') f.rows.push(`30,${date},${time},DNS Update Request,${a.ip},${host}.corp.example,,,0,6,,,,,,,,,0`);
	}
	for (const { family, weekday, rows } of [...files.values()].sort((x, y) => x.date - y.date)) {
		const name = `${family === 6 ? 'DhcpV6SrvLog' : 'DhcpSrvLog'}-${DAYS[weekday]}.log`;
		const path = write(name, rows.join('\r\n') + '\r\n');
		const log = parseWindowsAuditLog(readFileSync(path), { file: name, clock: { timeZone: ctx.server.site.timeZone } });
		issues.push(...log.issues);
		holdings.add(log.events);
		yield log.events;
	}
}

export function windowsSources(ctx: SourceContext): ServerSources {
	const { dir, scopes, history } = ctx;
	const files: string[] = [];
	const write = (name: string, text: string) => {
		const path = join(dir, name);
		writeFileSync(path, text);
		files.push(path);
		return path;
	};
	const v4Scopes = scopes.filter(s => s.family === 4);
	const v6Scopes = scopes.filter(s => s.family === 6);
	const scopeJson = v4Scopes.map(s => {
		const r = scopeRange(s);
		return {
			ScopeId: ip51(formatNetwork(s.subnet.prefix.network)),
			SubnetMask: ip51(lengthToMask(s.subnet.prefix.length)),
			StartRange: ip51(r.start),
			EndRange: ip51(r.end),
			ActivatePolicies: true,
			Delay: 0,
			Description: `${s.subnet.site.city} ${s.kind}`,
			LeaseDuration: timeSpan(s.leaseSeconds),
			MaxBootpClients: 4294967295,
			Name: s.name,
			NapEnable: false,
			NapProfile: '',
			State: 'Active',
			SuperscopeName: '',
			Type: 'Dhcp',
			PSComputerName: ctx.server.name,
		};
	});
	const reservations = history.current.filter(l => l.scope.kind === 'printer' && l.scope.family === 4);
	const v4 = v4ScopesFromJson(readFileSync(write('Get-DhcpServerv4Scope.json', json51(scopeJson)), 'utf8'), { source: `${ctx.server.name} Get-DhcpServerv4Scope` });
	const res = v4ReservationsFromJson(
		readFileSync(
			write(
				'Get-DhcpServerv4Reservation.json',
				json51(
					reservations.map(l => ({
						IPAddress: ip51(l.ip),
						ScopeId: ip51(formatNetwork(l.scope.subnet.prefix.network)),
						ClientId: dashed(l.client.mac),
						Name: l.client.hostname,
						Description: 'Printer',
						Type: 'Both',
						AddressState: 'ActiveReservation',
					})),
				),
			),
			'utf8',
		),
	);
	const leaseJson = (family: 4 | 6) =>
		history.current
			.filter(l => l.scope.family === family)
			.map(l =>
				family === 4
					? {
							IPAddress: ip51(l.ip),
							ScopeId: ip51(formatNetwork(l.scope.subnet.prefix.network)),
							AddressState: l.scope.kind === 'printer' ? 'ActiveReservation' : 'Active',
							ClientId: dashed(l.client.mac),
							ClientType: 'Dhcp',
							Description: '',
							HostName: l.client.hostname,
							LeaseExpiryTime: msDate(l.ends),
							NapCapable: false,
							NapStatus: 'FullAccess',
							ServerIP: ip51(ctx.server.address),
							PSComputerName: ctx.server.name,
						}
					: {
							IPAddress: ip51(l.ip),
							Prefix: ip51(formatNetwork(l.scope.subnet.prefix.network, 6)),
							AddressType: 'IANA',
							ClientDuid: dashed(l.client.duid ?? ''),
							HostName: l.client.hostname,
							Iaid: l.client.iaid,
							LeaseExpiryTime: msDate(l.ends),
							Description: '',
							PSComputerName: ctx.server.name,
						},
			);
	const leases4 = v4LeasesFromJson(readFileSync(write('Get-DhcpServerv4Lease.json', json51(leaseJson(4))), 'utf8'));
	const config = { scopes: v4.records, reservations: res.records, options: { server: ctx.server.name } };
	const issues = [...v4.issues, ...res.issues, ...leases4.issues];
	const leases = [...leases4.records];
	if (v6Scopes.length > 0) {
		const v6json = v6Scopes.map(s => ({
			Prefix: ip51(formatNetwork(s.subnet.prefix.network, 6)),
			Name: s.name,
			Description: `${s.subnet.site.city} ${s.kind} IPv6`,
			Preference: 0,
			PrefixLength: s.subnet.prefix.length,
			State: 'Active',
			T1: timeSpan(s.leaseSeconds / 2),
			T2: timeSpan((s.leaseSeconds * 4) / 5),
			PreferredLifetime: timeSpan((s.leaseSeconds * 5) / 8),
			ValidLifetime: timeSpan(s.leaseSeconds),
		}));
		const v6 = v6ScopesFromJson(readFileSync(write('Get-DhcpServerv6Scope.json', json51(v6json)), 'utf8'));
		const l6 = v6LeasesFromJson(readFileSync(write('Get-DhcpServerv6Lease.json', json51(leaseJson(6))), 'utf8'));
		config.scopes.push(...v6.records);
		leases.push(...l6.records);
		issues.push(...v6.issues, ...l6.issues);
	}
	// The lease list has no start times: a collector holding the logs too dates each lease from its assign.
	const holdings = new HoldingStarts();
	return { config, events: auditLogs(ctx, write, issues, holdings), leases: () => holdings.date(leases), snapshots: [], files, issues };
}

function formatNetwork(network: bigint, family: 4 | 6 = 4): string {
	return formatValue(family, network);
}
