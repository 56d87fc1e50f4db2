// The demo's DHCP clients: hardware addresses from real vendors' OUIs, host names in each site's naming scheme,
// the users who log on to workstations, and DHCPv6 DUIDs/IAIDs for dual-stack devices.
import { formatHexColon } from '../domain/mac.js';
import type { ClientKind, DemoScope } from './enterprise.js';
import type { Random } from './random.js';

export interface DemoClient {
	id: number;
	kind: ClientKind;
	mac: string;
	hostname: string | null;
	/** Domain account that logs on to this device (workstations only). */
	user: string | null;
	vendorClass: string | null;
	duid: string | null;
	iaid: number | null;
}

const OUI: Record<ClientKind, string[]> = {
	wired: ['00:14:22', '3c:d9:2b', 'f8:bc:12', '54:bf:64'],
	voice: ['00:1b:54', '64:16:7f'],
	wifi: ['f0:18:98', 'a4:83:e7', '3c:28:6d', 'dc:a6:32', '8c:85:90'],
	guest: ['f0:18:98', 'a4:83:e7', '3c:28:6d', '98:01:a7', 'b8:27:eb'],
	printer: ['9c:8e:99', '00:26:73'],
	iot: ['ac:cc:8e', '00:40:8c', 'b8:a4:4f'],
};

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara', 'zoe', 'amir', 'bea', 'chen', 'dmitri', 'esra', 'farah', 'goran', 'hana', 'ines', 'jonas', 'kofi', 'lena', 'mei', 'nils', 'oren', 'priya', 'quinn', 'rosa', 'sven', 'tariq', 'uma', 'vera', 'wen', 'xavier', 'yuki'];
const LAST = ['smith', 'jones', 'garcia', 'muller', 'rossi', 'tanaka', 'kim', 'nguyen', 'silva', 'kowalski', 'hansen', 'dubois', 'okafor', 'novak', 'haddad', 'larsen', 'costa', 'weber', 'patel', 'schmidt', 'ivanova', 'moreau', 'lind', 'sato'];

const VENDOR: Record<ClientKind, (string | null)[]> = {
	wired: ['MSFT 5.0'],
	voice: ['Cisco Systems, Inc. IP Phone CP-8845', 'Polycom-VVX450'],
	wifi: ['MSFT 5.0', 'android-dhcp-14', null, null],
	guest: ['android-dhcp-13', null, 'udhcp 1.36.1'],
	printer: ['Hewlett-Packard JetDirect', null],
	iot: ['AXIS,Network Camera,M3106-L', 'udhcp 1.31.1'],
};

/** A hardware address unique within the demo: vendor OUI + scope id and device number (whatever order scopes are built in). */
function macFor(kind: ClientKind, id: number, rng: Random): string {
	return `${rng.pick(OUI[kind])}:${formatHexColon(id.toString(16).padStart(6, '0'))}`;
}

function person(rng: Random): string {
	return `${rng.pick(FIRST)}.${rng.pick(LAST)}${rng.chance(0.3) ? rng.int(1, 9) : ''}`;
}

export function makeClient(scope: DemoScope, index: number, rng: Random): DemoClient {
	const site = scope.subnet.site.code;
	const kind = scope.kind;
	const id = (scope.id << 12) | index;
	const mac = macFor(kind, id, rng);
	const tail = mac.slice(9).replace(/:/g, '').toUpperCase();
	let hostname: string | null;
	let user: string | null = null;
	switch (kind) {
		case 'wired':
			hostname = `${site}-WS-${tail}`;
			user = `CORP\\${person(rng)}`;
			break;
		case 'voice':
			hostname = `SEP${mac.replace(/:/g, '').toUpperCase()}`;
			break;
		case 'wifi':
			user = rng.chance(0.5) ? `CORP\\${person(rng)}` : null;
			hostname = user ? `${site}-LT-${tail}` : rng.chance(0.5) ? `iPhone-${tail.slice(2)}` : `Galaxy-S2${rng.int(1, 4)}`;
			break;
		case 'guest':
			hostname = rng.chance(0.4) ? null : rng.pick(['iPhone', 'android', 'MacBook-Pro', 'DESKTOP', 'Pixel-8']) + `-${tail.slice(1)}`;
			break;
		case 'printer':
			hostname = `${site.toLowerCase()}-prn-${String(index + 1).padStart(2, '0')}`;
			break;
		case 'iot':
			hostname = `${site.toLowerCase()}-cam-${String(index + 1).padStart(3, '0')}`;
			break;
	}
	// A couple of guests send host names with terminal escape sequences: the TUI must show them defused.
	if (kind === 'guest' && index % 97 === 13) hostname = `pwn\u001b[2J\u001b[31m-${tail}`;
	const v6 = scope.family === 6;
	return {
		id,
		kind,
		mac,
		hostname,
		user,
		vendorClass: v6 ? null : rng.pick(VENDOR[kind]),
		// DUID-LL (type 3, Ethernet) from the device's own MAC, as Windows and most stacks build it.
		duid: v6 ? `00:03:00:01:${mac}` : null,
		iaid: v6 ? rng.int(1, 0x7fffffff) : null,
	};
}
