// The demo enterprise's plan: sites, address blocks, subnets, DHCP servers and their scopes. Pure and seeded:
// the same seed and scale give the same network on every machine.
import { formatPrefix, formatValue, parsePrefix, prefixLast, type Family, type Prefix } from '../domain/ip.js';

export type DemoScale = 'small' | 'full';
export type ServerKind = 'windows' | 'kea' | 'dhcpd' | 'dnsmasq';
export type ClientKind = 'wired' | 'voice' | 'wifi' | 'guest' | 'printer' | 'iot';

export interface DemoSite {
	code: string;
	city: string;
	timeZone: string;
	v4: string;
	v6: string;
	floors: number;
	wifi: number;
}

export interface DemoServer {
	name: string;
	kind: ServerKind;
	family: Family;
	site: DemoSite;
	address: string;
	/** The Windows / Kea / dhcpd server that answers for the other family at the same site, when one does. */
	description: string;
}

export interface DemoSubnet {
	site: DemoSite;
	prefix: Prefix;
	name: string;
	vlan: number | null;
	kind: ClientKind | 'servers' | 'mgmt';
	server: DemoServer | null;
}

export interface DemoScope {
	id: number;
	subnet: DemoSubnet;
	server: DemoServer;
	family: Family;
	start: bigint;
	end: bigint;
	kind: ClientKind;
	leaseSeconds: number;
	/** Share of the pool held by clients on a busy weekday. */
	occupancy: number;
	name: string;
}

export interface DemoPlan {
	scale: DemoScale;
	sites: DemoSite[];
	blocks: { prefix: Prefix; name: string; description: string; site: DemoSite | null }[];
	subnets: DemoSubnet[];
	servers: DemoServer[];
	scopes: DemoScope[];
	/** Days of history before `now` (Windows keeps only its last 7 daily audit logs of these). */
	days: number;
}

const SITES: Omit<DemoSite, 'floors' | 'wifi'>[] = [
	{ code: 'NYC', city: 'New York', timeZone: 'America/New_York', v4: '10.10.0.0/16', v6: '2001:db8:10::/48' },
	{ code: 'LON', city: 'London', timeZone: 'Europe/London', v4: '10.20.0.0/16', v6: '2001:db8:20::/48' },
	{ code: 'FRA', city: 'Frankfurt', timeZone: 'Europe/Berlin', v4: '10.30.0.0/16', v6: '2001:db8:30::/48' },
	{ code: 'SFO', city: 'San Francisco', timeZone: 'America/Los_Angeles', v4: '10.40.0.0/16', v6: '2001:db8:40::/48' },
	{ code: 'SGP', city: 'Singapore', timeZone: 'Asia/Singapore', v4: '10.50.0.0/16', v6: '2001:db8:50::/48' },
	{ code: 'SYD', city: 'Sydney', timeZone: 'Australia/Sydney', v4: '10.60.0.0/16', v6: '2001:db8:60::/48' },
];

const SIZES: Record<DemoScale, { floors: number[]; wifi: number[]; days: number }> = {
	small: { floors: [1, 1, 1, 1, 1, 1], wifi: [1, 1, 1, 1, 1, 1], days: 2 },
	full: { floors: [16, 12, 18, 18, 4, 4], wifi: [4, 3, 4, 4, 2, 2], days: 14 },
};

/** Which server kind serves each site, and whether that site also runs DHCPv6 on the same kind. */
const SITE_SERVERS: Record<string, { kind: ServerKind; v6: boolean; names: [string, string?] }> = {
	NYC: { kind: 'windows', v6: true, names: ['NYC-DHCP01'] },
	LON: { kind: 'windows', v6: false, names: ['LON-DHCP01'] },
	FRA: { kind: 'kea', v6: true, names: ['FRA-KEA01', 'FRA-KEA01-V6'] },
	SFO: { kind: 'dhcpd', v6: true, names: ['SFO-DHCP01', 'SFO-DHCP01-V6'] },
	SGP: { kind: 'dnsmasq', v6: false, names: ['SGP-BR01'] },
	SYD: { kind: 'dnsmasq', v6: false, names: ['SYD-BR01'] },
};

function sub(base: Prefix, length: number, index: number): Prefix {
	return { family: base.family, network: base.network + (BigInt(index) << BigInt((base.family === 4 ? 32 : 128) - length)), length };
}

/** Lease times as each product's defaults and admins usually leave them. */
function leaseFor(kind: ClientKind, server: ServerKind): number {
	const windows = server === 'windows';
	switch (kind) {
		case 'wired':
			return windows ? 8 * 86400 : 86400;
		case 'voice':
		case 'iot':
			return 86400;
		case 'printer':
			return windows ? 8 * 86400 : 3 * 86400;
		case 'wifi':
			return 8 * 3600;
		case 'guest':
			return 2 * 3600;
	}
}

export function demoPlan(scale: DemoScale): DemoPlan {
	const size = SIZES[scale];
	const sites: DemoSite[] = SITES.map((s, i) => ({ ...s, floors: size.floors[i], wifi: size.wifi[i] }));
	const blocks: DemoPlan['blocks'] = [
		{ prefix: parsePrefix('10.0.0.0/8'), name: 'Corporate', description: 'RFC 1918 corporate space', site: null },
		{ prefix: parsePrefix('172.16.0.0/12'), name: 'Datacenter', description: 'Datacenter and DMZ', site: null },
		{ prefix: parsePrefix('2001:db8::/32'), name: 'Corporate IPv6', description: 'Documentation prefix standing in for the RIR allocation', site: null },
		{ prefix: parsePrefix('172.16.0.0/16'), name: 'DC1 Ashburn', description: 'Primary datacenter', site: null },
	];
	const servers: DemoServer[] = [];
	const subnets: DemoSubnet[] = [];
	const scopes: DemoScope[] = [];
	let scopeId = 1;
	sites.forEach((site, si) => {
		const v4 = parsePrefix(site.v4);
		const v6 = parsePrefix(site.v6);
		blocks.push({ prefix: v4, name: `${site.code} ${site.city}`, description: `${site.city} campus`, site });
		blocks.push({ prefix: v6, name: `${site.code} ${site.city} v6`, description: `${site.city} campus IPv6`, site });
		const plan = SITE_SERVERS[site.code];
		const server4: DemoServer = { name: plan.names[0], kind: plan.kind, family: 4, site, address: `10.${10 * (si + 1)}.250.10`, description: `${site.city} DHCP` };
		servers.push(server4);
		let server6: DemoServer | null = null;
		if (plan.v6) {
			// Windows serves both families from one service; the others run a separate DHCPv6 daemon.
			server6 = plan.names[1] ? { ...server4, name: plan.names[1], family: 6, description: `${site.city} DHCPv6` } : server4;
			if (server6 !== server4) servers.push(server6);
		}
		const addScope = (subnet: DemoSubnet, kind: ClientKind, startOffset: bigint, endOffset: bigint, occupancy: number) => {
			const server = subnet.prefix.family === 4 ? server4 : server6!;
			const first = subnet.prefix.network;
			scopes.push({
				id: scopeId++,
				subnet,
				server,
				family: subnet.prefix.family,
				start: first + startOffset,
				end: first + endOffset,
				kind,
				leaseSeconds: leaseFor(kind, server.kind),
				occupancy,
				name: subnet.name,
			});
		};
		const add = (prefix: Prefix, name: string, vlan: number | null, kind: DemoSubnet['kind'], dhcp: boolean) => {
			const s: DemoSubnet = { site, prefix, name, vlan, kind, server: dhcp ? (prefix.family === 4 ? server4 : server6) : null };
			subnets.push(s);
			return s;
		};
		// 10.S.0.0/22 … : wired wings A/B and voice per floor, from 10.S.0.0 upwards in /24s.
		let third = 0;
		for (let f = 1; f <= site.floors; f++) {
			for (const wing of ['A', 'B']) {
				const s = add(sub(v4, 24, third++), `${site.code} F${f}${wing} Wired`, 100 + f * 2 + (wing === 'B' ? 1 : 0), 'wired', true);
				addScope(s, 'wired', 20n, 250n, 0.62 + ((f * 7 + si) % 5) * 0.07);
			}
			if (f % 2 === 1 || site.floors <= 2) {
				const s = add(sub(v4, 24, third++), `${site.code} F${f} Voice`, 300 + f, 'voice', true);
				addScope(s, 'voice', 20n, 250n, 0.55);
			}
		}
		// Wi-Fi as /22s from 10.S.128.0, then guest, printers, IoT, servers, management.
		for (let w = 0; w < site.wifi; w++) {
			const s = add(sub(v4, 22, 32 + w), `${site.code} WiFi Corp ${w + 1}`, 400 + w, 'wifi', true);
			addScope(s, 'wifi', 10n, 1013n, w === 0 ? 0.93 : 0.6);
		}
		const guest = add(sub(v4, 22, 48), `${site.code} WiFi Guest`, 499, 'guest', true);
		addScope(guest, 'guest', 10n, 1013n, 0.3);
		const printers = add(sub(v4, 26, 224 * 4), `${site.code} Printers`, 510, 'printer', true);
		addScope(printers, 'printer', 5n, 60n, 0.8);
		const iot = add(sub(v4, 24, 225), `${site.code} IoT`, 520, 'iot', true);
		addScope(iot, 'iot', 10n, 240n, 0.45);
		for (let k = 0; k < 4; k++) add(sub(v4, 24, 240 + k), `${site.code} Servers ${k + 1}`, 600 + k, 'servers', false);
		add(sub(v4, 26, 250 * 4), `${site.code} Management`, 900, 'mgmt', false);
		add(sub(v4, 26, 250 * 4 + 1), `${site.code} OOB`, 901, 'mgmt', false);
		// IPv6: one /64 per wired wing and Wi-Fi network where the site runs DHCPv6; else plain /64s (SLAAC).
		let n64 = 0;
		for (let f = 1; f <= site.floors; f++) {
			const s = add(sub(v6, 64, n64++), `${site.code} F${f} Wired v6`, 100 + f * 2, 'wired', plan.v6);
			if (plan.v6) addScope(s, 'wired', 0x1000n, 0x1fffn, 0.09);
		}
		for (let w = 0; w < site.wifi; w++) {
			const s = add(sub(v6, 64, 0x100 + w), `${site.code} WiFi Corp ${w + 1} v6`, 400 + w, 'wifi', plan.v6);
			if (plan.v6) addScope(s, 'wifi', 0x1000n, 0x1fffn, 0.08);
		}
	});
	const dc = parsePrefix('172.16.0.0/16');
	const dc6 = parsePrefix('2001:db8:ff::/48');
	blocks.push({ prefix: dc6, name: 'DC1 Ashburn v6', description: 'Primary datacenter IPv6', site: null });
	const dcSite: DemoSite = { code: 'DC1', city: 'Ashburn', timeZone: 'America/New_York', v4: '172.16.0.0/16', v6: '2001:db8:ff::/48', floors: 0, wifi: 0 };
	const dcCount = scale === 'full' ? 48 : 6;
	for (let k = 0; k < dcCount; k++) {
		subnets.push({ site: dcSite, prefix: sub(dc, 24, k), name: `DC1 ${['App', 'DB', 'Web', 'Storage', 'Backup', 'K8s'][k % 6]} ${Math.floor(k / 6) + 1}`, vlan: 1000 + k, kind: 'servers', server: null });
		if (k < dcCount / 2) subnets.push({ site: dcSite, prefix: sub(dc6, 64, k), name: `DC1 v6 segment ${k + 1}`, vlan: 1000 + k, kind: 'servers', server: null });
	}
	return { scale, sites, blocks, subnets, servers, scopes, days: size.days };
}

export function scopeRange(s: DemoScope): { start: string; end: string } {
	return { start: formatValue(s.family, s.start), end: formatValue(s.family, s.end) };
}

export function subnetText(s: DemoSubnet): string {
	return formatPrefix(s.prefix);
}

export function subnetLast(s: DemoSubnet): bigint {
	return prefixLast(s.prefix);
}
