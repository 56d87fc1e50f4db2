// whereis: everything the store knows about one address, even when it has no record of its own —
// the chain of blocks, the subnet and range holding it, its address rows, current leases and reservations.
import type { Store } from './database.js';
import { containingPrefixes, keyValue } from './containment.js';
import type { BlockRow } from './blocks.js';
import type { SubnetRow } from './subnets.js';
import type { RangeRow } from './ranges.js';
import type { AddressRow } from './addresses.js';
import { keyBuffer, type Address } from '../source/domain/ip.js';

export interface LeaseAtAddress {
	source: string;
	server_id: number;
	server: string | null;
	state: string;
	lease_type: string;
	mac: string | null;
	client_id: string | null;
	duid: string | null;
	hostname: string | null;
	starts: number | null;
	ends: number | null;
	collected_at: number;
}

export interface ReservationAtAddress {
	id: number;
	server_id: number;
	server: string | null;
	mac: string | null;
	client_id: string | null;
	duid: string | null;
	name: string;
	description: string;
}

export interface WhereIs {
	/** Containing blocks, outermost first. */
	blocks: BlockRow[];
	subnet: SubnetRow | null;
	range: RangeRow | null;
	addresses: AddressRow[];
	leases: LeaseAtAddress[];
	reservations: ReservationAtAddress[];
}

export async function whereis(store: Store, spaceId: number, a: Address): Promise<WhereIs> {
	const key = keyBuffer(a.family, a.value);
	const point = { family: a.family, start: a.value, end: a.value };
	const [blocks, subnets] = await Promise.all([
		containingPrefixes<BlockRow>(store, 'block', spaceId, point),
		containingPrefixes<SubnetRow>(store, 'subnet', spaceId, point),
	]);
	const subnet = subnets[0] ?? null;
	const floor = subnet ? subnet.start : Buffer.alloc(0);
	const [range, addresses, leases, reservations] = await Promise.all([
		// The nearest few starts at or below the address (ranges inside one subnet rarely overlap).
		store.all<RangeRow>(`SELECT * FROM range WHERE space_id = ? AND family = ? AND start <= ? AND start >= ? ORDER BY start DESC LIMIT 8`, [
			spaceId,
			a.family,
			key,
			floor,
		]),
		store.all<AddressRow>('SELECT * FROM address WHERE space_id = ? AND family = ? AND ip = ? ORDER BY id', [spaceId, a.family, key]),
		store.all<LeaseAtAddress>(
			`SELECT l.source, l.server_id, sv.name AS server, l.state, l.lease_type, c.mac, c.client_id, c.duid, h.name AS hostname,
				l.starts, l.ends, l.collected_at
			FROM lease l LEFT JOIN server sv ON sv.id = l.server_id LEFT JOIN client c ON c.id = l.client_ref LEFT JOIN host h ON h.id = l.host_ref
			WHERE l.space_id = ? AND l.ip = ? AND l.family = ? ORDER BY l.source`,
			[spaceId, key, a.family],
		),
		store.all<ReservationAtAddress>(
			`SELECT r.id, r.server_id, sv.name AS server, r.mac, r.client_id, r.duid, r.name, r.description
			FROM reservation r LEFT JOIN server sv ON sv.id = r.server_id WHERE r.space_id = ? AND r.family = ? AND r.ip = ? ORDER BY r.id`,
			[spaceId, a.family, key],
		),
	]);
	const holds = range.find(r => keyValue(r.end) >= a.value) ?? null;
	return { blocks: blocks.reverse(), subnet, range: holds, addresses, leases, reservations };
}
