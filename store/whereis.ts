// whereis: everything the store knows about one address, even when it has no record of its own —
// the chain of blocks, the subnet and range holding it, its address rows, current leases and reservations.
import type { Store } from './database.js';
import { supernetKeysJson } from './containment.js';
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

/** The columns of one table as a json_object(...) argument list over alias `t`; BLOB columns as hex. */
async function jsonColumns(store: Store, table: string): Promise<{ sql: string; blobs: string[] }> {
	const cols = await store.all<{ name: string; type: string }>(`SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, [table]);
	const blobs = cols.filter(c => c.type.toUpperCase() === 'BLOB').map(c => c.name);
	return { sql: cols.map(c => `'${c.name}', ${blobs.includes(c.name) ? `hex(t."${c.name}")` : `t."${c.name}"`}`).join(', '), blobs };
}

interface Statement {
	sql: string;
	blobs: Record<'block' | 'subnet' | 'range' | 'address', string[]>;
}

// Built once per store from the schema, so the rows keep every column a `SELECT *` would give.
const statements = new WeakMap<Store, Promise<Statement>>();

async function buildStatement(store: Store): Promise<Statement> {
	const [block, subnet, range, address] = await Promise.all(['block', 'subnet', 'range', 'address'].map(t => jsonColumns(store, t)));
	// ?1 space, ?2 family, ?3 address key, ?4 JSON [[keyHex, length] …] of every prefix holding the address.
	// The nearest object starting at or below the address (largest first on a tie) decides: if it holds
	// the address, the innermost holder shares its start (one seek); if not, any holder strictly contains
	// it — its block ancestors, or for subnets (which nest only by discovered overlap) a shorter prefix
	// of the address, looked up by key.
	const nearest = (table: string) =>
		`SELECT t.id, t.start, t.end, t.prefix_len FROM ${table} t WHERE t.space_id = ?1 AND t.family = ?2 AND t.start <= ?3 ORDER BY t.start DESC, t.end DESC LIMIT 1`;
	const sql = `WITH
		nb AS MATERIALIZED (${nearest('block')}),
		inner_block(id) AS (
			SELECT coalesce(
				(SELECT t.id FROM nb JOIN block t ON t.space_id = ?1 AND t.family = ?2 AND t.start = nb.start AND t.end >= ?3 ORDER BY t.end LIMIT 1),
				(WITH RECURSIVE up(id, end) AS (SELECT b.parent_id, NULL FROM nb JOIN block b ON b.id = nb.id
					UNION ALL SELECT p.parent_id, p.end FROM up JOIN block p ON p.id = up.id WHERE up.end IS NULL OR up.end < ?3)
				SELECT p.id FROM up JOIN block p ON p.id = up.id WHERE p.end >= ?3 ORDER BY p.prefix_len DESC LIMIT 1))),
		chain(id) AS (SELECT id FROM inner_block WHERE id IS NOT NULL UNION ALL SELECT b.parent_id FROM chain JOIN block b ON b.id = chain.id WHERE b.parent_id IS NOT NULL),
		ns AS MATERIALIZED (${nearest('subnet')}),
		inner_subnet AS MATERIALIZED (
			SELECT coalesce(
				(SELECT t.id FROM ns JOIN subnet t ON t.space_id = ?1 AND t.family = ?2 AND t.start = ns.start AND t.end >= ?3 ORDER BY t.end LIMIT 1),
				(SELECT t.id FROM ns JOIN json_each(?4) j ON j.value->>1 < ns.prefix_len CROSS JOIN subnet t ON t.space_id = ?1 AND t.family = ?2
					AND t.start = unhex(j.value->>0) AND t.prefix_len = j.value->>1 WHERE ns.end < ?3 ORDER BY t.prefix_len DESC LIMIT 1)) AS id)
	SELECT
		(SELECT json_group_array(json(o)) FROM (SELECT json_object(${block.sql}) AS o FROM chain JOIN block t ON t.id = chain.id ORDER BY t.prefix_len)) AS blocks,
		(SELECT json_object(${subnet.sql}) FROM inner_subnet JOIN subnet t ON t.id = inner_subnet.id) AS subnet,
		-- the nearest few range starts at or below the address inside its subnet (ranges in a subnet rarely overlap)
		(SELECT json_object(${range.sql}) FROM (
			SELECT * FROM range WHERE space_id = ?1 AND family = ?2 AND start <= ?3
				AND start >= coalesce((SELECT s.start FROM inner_subnet JOIN subnet s ON s.id = inner_subnet.id), x'')
			ORDER BY start DESC LIMIT 8) t WHERE t.end >= ?3 ORDER BY t.start DESC LIMIT 1) AS range,
		(SELECT json_group_array(json(o)) FROM (SELECT json_object(${address.sql}) AS o FROM address t WHERE t.space_id = ?1 AND t.family = ?2 AND t.ip = ?3 ORDER BY t.id)) AS addresses,
		(SELECT json_group_array(json(o)) FROM (
			SELECT json_object('source', l.source, 'server_id', l.server_id, 'server', sv.name, 'state', l.state, 'lease_type', l.lease_type,
				'mac', c.mac, 'client_id', c.client_id, 'duid', c.duid, 'hostname', h.name, 'starts', l.starts, 'ends', l.ends, 'collected_at', l.collected_at) AS o
			FROM lease l LEFT JOIN server sv ON sv.id = l.server_id LEFT JOIN client c ON c.id = l.client_ref LEFT JOIN host h ON h.id = l.host_ref
			WHERE l.space_id = ?1 AND l.ip = ?3 AND l.family = ?2 ORDER BY l.source)) AS leases,
		(SELECT json_group_array(json(o)) FROM (
			SELECT json_object('id', r.id, 'server_id', r.server_id, 'server', sv.name, 'mac', r.mac, 'client_id', r.client_id, 'duid', r.duid,
				'name', r.name, 'description', r.description) AS o
			FROM reservation r LEFT JOIN server sv ON sv.id = r.server_id WHERE r.space_id = ?1 AND r.family = ?2 AND r.ip = ?3 ORDER BY r.id)) AS reservations`;
	return { sql, blobs: { block: block.blobs, subnet: subnet.blobs, range: range.blobs, address: address.blobs } };
}

function rowOf<R>(row: Record<string, unknown>, blobs: string[]): R {
	for (const b of blobs) if (typeof row[b] === 'string') row[b] = Buffer.from(row[b] as string, 'hex');
	return row as R;
}

/**
 * Everything about one address in one statement (one round trip to SQLite's thread): each part is a
 * JSON value of the answer row, built by index seeks — containment by the ≤ 129 prefixes holding the
 * address, the range by a short backward scan from it, records by their (space, family, ip) indexes.
 */
export async function whereis(store: Store, spaceId: number, a: Address): Promise<WhereIs> {
	let statement = statements.get(store);
	if (!statement) statements.set(store, (statement = buildStatement(store)));
	const { sql, blobs } = await statement;
	const key = keyBuffer(a.family, a.value);
	const row = await store.get<Record<'blocks' | 'subnet' | 'range' | 'addresses' | 'leases' | 'reservations', string | null>>(sql, [
		spaceId,
		a.family,
		key,
		supernetKeysJson(a.family, a.value),
	]);
	const list = (text: string | null | undefined) => JSON.parse(text ?? '[]') as Record<string, unknown>[];
	const one = (text: string | null | undefined) => (text ? (JSON.parse(text) as Record<string, unknown>) : null);
	const subnet = one(row?.subnet);
	const range = one(row?.range);
	return {
		blocks: list(row?.blocks).map(b => rowOf<BlockRow>(b, blobs.block)),
		subnet: subnet && rowOf<SubnetRow>(subnet, blobs.subnet),
		range: range && rowOf<RangeRow>(range, blobs.range),
		addresses: list(row?.addresses).map(r => rowOf<AddressRow>(r, blobs.address)),
		leases: list(row?.leases) as unknown as LeaseAtAddress[],
		reservations: list(row?.reservations) as unknown as ReservationAtAddress[],
	};
}
