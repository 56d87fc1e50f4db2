// IP addresses (static inventory): CRUD with auto-parenting (range_id, subnet_id); the bulk insert lives in
// store/address-bulk.ts and is re-exported here.
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { containingPrefixes, keyValue } from './containment.js';
import { adjustBlocks, refreshUtilization } from './utilization.js';
import { formatValue, keyBuffer, type Address, type Family, type Span } from '../source/domain/ip.js';
import { parseMac } from '../source/domain/mac.js';

export type AddressAssignment = 'static' | 'dynamic' | 'auto' | 'vip' | 'reserved';
export type AddressStatus = 'in-use' | 'inactive' | 'reserved';
export const ADDRESS_ASSIGNMENTS: AddressAssignment[] = ['static', 'dynamic', 'auto', 'vip', 'reserved'];
export const ADDRESS_STATUSES: AddressStatus[] = ['in-use', 'inactive', 'reserved'];

export interface AddressRow {
	id: number;
	space_id: number;
	family: Family;
	ip: Buffer;
	range_id: number | null;
	subnet_id: number | null;
	mac: string | null;
	client_id: string | null;
	duid: string | null;
	iaid: number | null;
	hostname: string;
	description: string;
	assignment_type: AddressAssignment;
	status: AddressStatus;
	device_type: string;
	owner: string;
	asset_tag: string;
	serial_number: string;
	managed_by: string;
	managed_by_entity: string;
	assigned_at: number | null;
	expires_at: number | null;
	created_at: number;
	updated_at: number;
}

/** Editable fields, in the store's column names' camelCase. */
export interface AddressFields {
	mac?: string | null;
	clientId?: string | null;
	duid?: string | null;
	hostname?: string;
	description?: string;
	assignmentType?: AddressAssignment;
	status?: AddressStatus;
	deviceType?: string;
	owner?: string;
	assetTag?: string;
	serialNumber?: string;
	assignedAt?: number | null;
	expiresAt?: number | null;
}

export interface AddressInput extends AddressFields {
	spaceId: number;
	address: Address;
	managedBy?: string;
	managedByEntity?: string;
}

/** A bulk row; `key` is the address's store key as hex when the caller has it already. */
export type AddressUpsert = AddressInput & { key?: string };

const FIELD_COLUMNS: [keyof AddressFields, string][] = [
	['mac', 'mac'],
	['clientId', 'client_id'],
	['duid', 'duid'],
	['hostname', 'hostname'],
	['description', 'description'],
	['assignmentType', 'assignment_type'],
	['status', 'status'],
	['deviceType', 'device_type'],
	['owner', 'owner'],
	['assetTag', 'asset_tag'],
	['serialNumber', 'serial_number'],
	['assignedAt', 'assigned_at'],
	['expiresAt', 'expires_at'],
];

export function addressText(row: Pick<AddressRow, 'family' | 'ip'>): string {
	return formatValue(row.family, keyValue(row.ip));
}

/** Checks and normalises field values; throws AddressSpaceError('invalid') naming the field. */
export function normaliseFields(f: AddressFields): AddressFields {
	const out: AddressFields = { ...f };
	if (f.mac) {
		try {
			out.mac = parseMac(f.mac);
		} catch (err) {
			throw invalid(`MAC address: ${(err as Error).message}`);
		}
	}
	if (f.assignmentType !== undefined) {
		const a = f.assignmentType.toLowerCase() as AddressAssignment;
		if (!ADDRESS_ASSIGNMENTS.includes(a)) throw invalid(`assignment type "${f.assignmentType}" is not one of ${ADDRESS_ASSIGNMENTS.join(', ')}`);
		out.assignmentType = a;
	}
	if (f.status !== undefined) {
		const s = f.status.toLowerCase().replace(/\s+/g, '-') as AddressStatus;
		if (!ADDRESS_STATUSES.includes(s)) throw invalid(`status "${f.status}" is not one of ${ADDRESS_STATUSES.join(', ')}`);
		out.status = s;
	}
	for (const k of ['hostname', 'description', 'deviceType', 'owner', 'assetTag', 'serialNumber'] as const) {
		const v = f[k];
		if (v !== undefined && v.length > 255) throw invalid(`${k} is longer than 255 characters`);
	}
	for (const k of ['assignedAt', 'expiresAt'] as const) {
		const v = f[k];
		if (v !== undefined && v !== null && !Number.isFinite(v)) throw invalid(`${k} is not a time`);
	}
	return out;
}

export async function getAddress(store: Store, id: number): Promise<AddressRow | undefined> {
	return store.get<AddressRow>('SELECT * FROM address WHERE id = ?', [id]);
}

/** Every address row for this IP in the space (one per managing service). */
export async function findAddresses(store: Store, spaceId: number, address: Address): Promise<AddressRow[]> {
	return store.all<AddressRow>('SELECT * FROM address WHERE space_id = ? AND family = ? AND ip = ? ORDER BY id', [
		spaceId,
		address.family,
		keyBuffer(address.family, address.value),
	]);
}

export interface AddressQuery {
	spaceId: number;
	family?: Family;
	within?: Span;
	subnetId?: number;
	rangeId?: number;
	status?: AddressStatus;
	after?: { family: Family; ip: bigint; id: number };
	limit?: number;
}

export async function listAddresses(store: Store, q: AddressQuery): Promise<AddressRow[]> {
	const where = ['space_id = ?'];
	const params: (number | string | Buffer)[] = [q.spaceId];
	const family = q.within?.family ?? q.family;
	if (family) where.push('family = ?'), params.push(family);
	if (q.within) {
		where.push('ip BETWEEN ? AND ?');
		params.push(keyBuffer(q.within.family, q.within.start), keyBuffer(q.within.family, q.within.end));
	}
	if (q.subnetId !== undefined) where.push('subnet_id = ?'), params.push(q.subnetId);
	if (q.rangeId !== undefined) where.push('range_id = ?'), params.push(q.rangeId);
	if (q.status) where.push('status = ?'), params.push(q.status);
	if (q.after) {
		where.push('(family, ip, id) > (?, ?, ?)');
		params.push(q.after.family, keyBuffer(q.after.family, q.after.ip), q.after.id);
	}
	return store.all<AddressRow>(`SELECT * FROM address WHERE ${where.join(' AND ')} ORDER BY family, ip, id LIMIT ?`, [...params, q.limit ?? 1000]);
}

/** The innermost subnet and the range holding an address (either may be absent). */
export async function parentsOf(store: Store, spaceId: number, a: Address): Promise<{ subnetId: number | null; rangeId: number | null }> {
	const span = { family: a.family, start: a.value, end: a.value };
	const subnet = (await containingPrefixes(store, 'subnet', spaceId, span))[0];
	const key = keyBuffer(a.family, a.value);
	// Ranges lie inside their subnet, so the scan back from the address stops at the subnet's start.
	const floor = subnet ? subnet.start : Buffer.alloc(0);
	const ranges = await store.all<{ id: number; end: Buffer }>(
		`SELECT id, end FROM range WHERE space_id = ? AND family = ? AND start <= ? AND start >= ? ORDER BY start DESC LIMIT 8`,
		[spaceId, a.family, key, floor],
	);
	const range = ranges.find(r => keyValue(r.end) >= a.value);
	return { subnetId: subnet?.id ?? null, rangeId: range?.id ?? null };
}

/** Whether an in-use record outside every subnet holds this IP (blocks count those directly). */
async function looseInUse(tx: Store, spaceId: number, a: Address): Promise<boolean> {
	const row = await tx.get(
		`SELECT 1 FROM address WHERE space_id = ? AND family = ? AND ip = ? AND subnet_id IS NULL AND status IN ('in-use', 'reserved') LIMIT 1`,
		[spaceId, a.family, keyBuffer(a.family, a.value)],
	);
	return !!row;
}

/**
 * Utilization after a change to one address: its range and subnet are recounted (the subnet's change
 * moves up the block chain); outside every subnet, the blocks holding it gain or lose one address.
 */
async function touch(tx: Store, spaceId: number, a: Address, parents: { subnetId: number | null; rangeId: number | null }, looseBefore: boolean): Promise<void> {
	await refreshUtilization(tx, { subnets: parents.subnetId ? [parents.subnetId] : [], ranges: parents.rangeId ? [parents.rangeId] : [] });
	if (parents.subnetId !== null) return;
	const delta = Number(await looseInUse(tx, spaceId, a)) - Number(looseBefore);
	const block = (await containingPrefixes(tx, 'block', spaceId, { family: a.family, start: a.value, end: a.value }))[0];
	if (delta && block) await adjustBlocks(tx, block.id, { used: delta });
}

export async function addAddress(store: Store, input: AddressInput, options: ChangeOptions = {}): Promise<AddressRow> {
	return store.transaction(async tx => {
		const f = normaliseFields(input);
		const a = input.address;
		const label = formatValue(a.family, a.value);
		const managedBy = (input.managedBy ?? 'IPAM').trim() || 'IPAM';
		const entity = (input.managedByEntity ?? '').trim();
		const same = (await findAddresses(tx, input.spaceId, a)).find(r => r.managed_by === managedBy && r.managed_by_entity === entity);
		if (same) throw conflict(`address ${label} managed by ${managedBy}${entity ? ` (${entity})` : ''} already exists (id ${same.id}${same.hostname ? `, ${same.hostname}` : ''})`);
		const parents = await parentsOf(tx, input.spaceId, a);
		const looseBefore = parents.subnetId === null && (await looseInUse(tx, input.spaceId, a));
		const cols = ['space_id', 'family', 'ip', 'range_id', 'subnet_id', 'managed_by', 'managed_by_entity'];
		const vals: (string | number | Buffer | null)[] = [input.spaceId, a.family, keyBuffer(a.family, a.value), parents.rangeId, parents.subnetId, managedBy, entity];
		for (const [k, col] of FIELD_COLUMNS) {
			if (f[k] === undefined) continue;
			cols.push(col);
			vals.push(f[k] as string | number | null);
		}
		if (f.assignedAt === undefined) cols.push('assigned_at'), vals.push(Math.floor(Date.now() / 1000));
		const { lastID: id } = await tx.run(`INSERT INTO address (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, vals);
		await touch(tx, input.spaceId, a, parents, looseBefore);
		const row = (await getAddress(tx, id))!;
		await audit(tx, { action: 'create', kind: 'address', id, summary: `address ${label}`, after: row }, options);
		return row;
	});
}

export async function editAddress(store: Store, id: number, changes: AddressFields, options: ChangeOptions = {}): Promise<AddressRow> {
	return store.transaction(async tx => {
		const before = await getAddress(tx, id);
		if (!before) throw notFound(`no address with id ${id}`);
		const f = normaliseFields(changes);
		const at = { family: before.family, value: keyValue(before.ip) };
		const looseBefore = before.subnet_id === null && (await looseInUse(tx, before.space_id, at));
		const sets: string[] = [];
		const vals: (string | number | null)[] = [];
		for (const [k, col] of FIELD_COLUMNS) {
			if (f[k] === undefined) continue;
			sets.push(`${col} = ?`);
			vals.push(f[k] as string | number | null);
		}
		if (sets.length) await tx.run(`UPDATE address SET ${sets.join(', ')}, updated_at = unixepoch() WHERE id = ?`, [...vals, id]);
		const after = (await getAddress(tx, id))!;
		if (before.status !== after.status) {
			await touch(tx, before.space_id, at, { subnetId: before.subnet_id, rangeId: before.range_id }, looseBefore);
		}
		await audit(tx, { action: 'update', kind: 'address', id, summary: `address ${addressText(before)}`, before, after }, options);
		return after;
	});
}

export async function deleteAddress(store: Store, id: number, options: ChangeOptions = {}): Promise<AddressRow> {
	return store.transaction(async tx => {
		const before = await getAddress(tx, id);
		if (!before) throw notFound(`no address with id ${id}`);
		const at = { family: before.family, value: keyValue(before.ip) };
		const looseBefore = before.subnet_id === null && (await looseInUse(tx, before.space_id, at));
		await tx.run(`DELETE FROM custom_field_value WHERE object_kind = 'address' AND object_id = ?`, [id]);
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'address' AND object_id = ?`, [id]);
		await tx.run('DELETE FROM address WHERE id = ?', [id]);
		await touch(tx, before.space_id, at, { subnetId: before.subnet_id, rangeId: before.range_id }, looseBefore);
		await audit(tx, { action: 'delete', kind: 'address', id, summary: `address ${addressText(before)}`, before }, options);
		return before;
	});
}

export { insertAddresses, type BulkAuditOptions } from './address-bulk.js';
