// IP addresses (static inventory): CRUD with auto-parenting (range_id, subnet_id), and bulk insert.
//
// Bulk API (caller's transaction; rows in address order, one INSERT … SELECT FROM jsonb_each per 10k rows; parents
// by a merge against the subnets and ranges around each chunk (store/address-parents.ts), written with the row;
// utilization left to rollupUtilization(tx)):
//   insertAddresses(tx: Store, rows: AddressUpsert[], options?: ChangeOptions & { auditEach?: boolean; summary?: boolean })
//     : Promise<{ created: number; updated: number }>
//   Identity: (space, ip, managed_by, managed_by_entity); an existing row is updated. Without auditEach
//   one audit row summarises the batch (count, first and last address) — a million per-row entries
//   would double the import's cost for no reader.
import type { Param, RunResult, Store } from './database.js';
import { parentsOfSorted } from './address-parents.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { containingPrefixes, keyValue } from './containment.js';
import { adjustBlocks, refreshUtilization } from './utilization.js';
import { formatValue, keyBuffer, keyHex, type Address, type Family, type Span } from '../source/domain/ip.js';
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

/** A bulk column: its name and the value a row gives it (parents come from the merge, not the row). */
type BulkColumn = { name: string; blob?: boolean; value: (r: AddressUpsert, subnetId: number | null, rangeId: number | null) => unknown };

const BULK_COLUMNS: BulkColumn[] = [
	{ name: 'space_id', value: r => r.spaceId },
	{ name: 'family', value: r => r.address.family },
	{ name: 'ip', blob: true, value: r => r.key ?? keyHex(r.address.family, r.address.value) },
	{ name: 'managed_by', value: r => r.managedBy || 'IPAM' },
	{ name: 'managed_by_entity', value: r => r.managedByEntity ?? '' },
	{ name: 'mac', value: r => r.mac ?? null },
	{ name: 'client_id', value: r => r.clientId ?? null },
	{ name: 'duid', value: r => r.duid ?? null },
	{ name: 'hostname', value: r => r.hostname ?? '' },
	{ name: 'description', value: r => r.description ?? '' },
	{ name: 'assignment_type', value: r => r.assignmentType ?? 'static' },
	{ name: 'status', value: r => r.status ?? 'in-use' },
	{ name: 'device_type', value: r => r.deviceType ?? 'Host' },
	{ name: 'owner', value: r => r.owner ?? '' },
	{ name: 'asset_tag', value: r => r.assetTag ?? '' },
	{ name: 'serial_number', value: r => r.serialNumber ?? '' },
	{ name: 'assigned_at', value: r => r.assignedAt ?? null },
	{ name: 'expires_at', value: r => r.expiresAt ?? null },
	{ name: 'subnet_id', value: (_r, s) => s },
	{ name: 'range_id', value: (_r, _s, g) => g },
];

const BULK_UPSERT = `ON CONFLICT (space_id, ip, managed_by, managed_by_entity) DO UPDATE SET mac = excluded.mac, client_id = excluded.client_id,
	duid = excluded.duid, hostname = excluded.hostname, description = excluded.description, assignment_type = excluded.assignment_type,
	status = excluded.status, device_type = excluded.device_type, owner = excluded.owner, asset_tag = excluded.asset_tag,
	serial_number = excluded.serial_number, assigned_at = coalesce(excluded.assigned_at, assigned_at),
	expires_at = excluded.expires_at, updated_at = unixepoch()`;

/** Rows per statement: big enough that statement overhead vanishes, small enough that its text stays cheap to copy. */
const BULK_CHUNK = 10_000;

const bulkStatements = new Map<number, string>();

/**
 * The INSERT for one shape of chunk: columns whose value differs between rows (bit set in `varying`)
 * come from each row's JSONB array; the others are bound once (?2 …) instead of repeated per row.
 */
function bulkSql(varying: number): string {
	let sql = bulkStatements.get(varying);
	if (sql) return sql;
	let fromRow = 0;
	let bound = 2;
	const exprs = BULK_COLUMNS.map((c, i) => {
		const e = varying & (1 << i) ? `value->>${fromRow++}` : `?${bound++}`;
		return c.blob ? `unhex(${e})` : e;
	});
	// jsonb_each hands each row over as JSONB, so ->> reads a field without parsing text again.
	sql = `INSERT INTO address (${BULK_COLUMNS.map(c => c.name).join(', ')}) SELECT ${exprs.join(', ')} FROM jsonb_each(?1) WHERE true ${BULK_UPSERT}`;
	bulkStatements.set(varying, sql);
	return sql;
}

/** One chunk as a statement: the varying columns as JSON rows, the constant ones as parameters. */
function bulkStatement(rows: AddressUpsert[], subnets: (number | null)[], ranges: (number | null)[]): { sql: string; params: Param[] } {
	let varying = 0;
	const constants: Param[] = [];
	const getters: ((i: number) => unknown)[] = [];
	BULK_COLUMNS.forEach((c, k) => {
		const at = (i: number) => c.value(rows[i], subnets[i], ranges[i]);
		const first = at(0);
		let same = true;
		for (let i = 1; i < rows.length && same; i++) same = at(i) === first;
		if (same) constants.push(first as Param);
		else {
			varying |= 1 << k;
			getters.push(at);
		}
	});
	const data = new Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const row = new Array(getters.length);
		for (let g = 0; g < getters.length; g++) row[g] = getters[g](i);
		data[i] = row;
	}
	return { sql: bulkSql(varying), params: [JSON.stringify(data), ...constants] };
}

const compareAddresses = (a: AddressUpsert, b: AddressUpsert): number =>
	a.spaceId - b.spaceId || a.address.family - b.address.family || (a.address.value < b.address.value ? -1 : a.address.value > b.address.value ? 1 : 0);

/** The rows in (space, family, address) order: parents merge along it and index pages fill in order. Stable. */
function inAddressOrder(rows: AddressUpsert[]): AddressUpsert[] {
	for (let i = 1; i < rows.length; i++) if (compareAddresses(rows[i - 1], rows[i]) > 0) return rows.slice().sort(compareAddresses);
	return rows;
}

/** Parents of a sorted chunk, one windowed read per (space, family) run. */
async function chunkParents(tx: Store, rows: AddressUpsert[]): Promise<{ subnets: (number | null)[]; ranges: (number | null)[] }> {
	const subnets: (number | null)[] = [];
	const ranges: (number | null)[] = [];
	for (let start = 0; start < rows.length; ) {
		const { spaceId, address } = rows[start];
		let end = start + 1;
		while (end < rows.length && rows[end].spaceId === spaceId && rows[end].address.family === address.family) end++;
		const values = new Array<bigint>(end - start);
		for (let i = start; i < end; i++) values[i - start] = rows[i].address.value;
		const p = await parentsOfSorted(tx, spaceId, address.family, values);
		for (const id of p.subnets) subnets.push(id);
		for (const id of p.ranges) ranges.push(id);
		start = end;
	}
	return { subnets, ranges };
}

export interface BulkAuditOptions {
	/** One audit row per written address instead of one summary. */
	auditEach?: boolean;
	/** false: no summary row either — the caller writes its own (an import summarises all its batches once). */
	summary?: boolean;
}

/**
 * Rows must be valid (normaliseFields); invalid enum values are refused by the schema's CHECKs. Rows
 * are written in address order, 10k a statement; the next chunk is prepared while SQLite writes one.
 */
export async function insertAddresses(
	tx: Store,
	rows: AddressUpsert[],
	options: ChangeOptions & BulkAuditOptions = {},
): Promise<{ created: number; updated: number }> {
	if (rows.length === 0) return { created: 0, updated: 0 };
	return tx.transaction(async () => {
		const maxBefore = (await tx.get<{ m: number | null }>('SELECT max(id) AS m FROM address'))?.m ?? 0;
		const sorted = inAddressOrder(rows);
		let total = 0;
		let writing: Promise<RunResult> | undefined;
		try {
			for (let i = 0; i < sorted.length; i += BULK_CHUNK) {
				const chunk = sorted.slice(i, i + BULK_CHUNK);
				const parents = await chunkParents(tx, chunk);
				const { sql, params } = bulkStatement(chunk, parents.subnets, parents.ranges);
				if (writing) total += (await writing).changes;
				writing = tx.run(sql, params);
				// Awaited on the next turn; until then a failure must not count as unhandled.
				writing.catch(() => undefined);
			}
			total += (await writing!).changes;
		} finally {
			// Never leave a statement running behind an error: the caller's rollback follows it.
			await writing?.catch(() => undefined);
		}
		const created = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM address WHERE id > ?', [maxBefore]))!.n;
		if (options.auditEach) {
			await tx.run(
				`INSERT INTO audit (actor, source, action, object_kind, object_id, summary, after)
					SELECT ?, ?, 'import', 'address', id, 'address ' || hex(ip), NULL FROM address WHERE id > ?`,
				[tx.actor, options.source ?? 'import', maxBefore],
			);
		} else if (options.summary !== false) {
			const first = rows[0].address;
			const last = rows[rows.length - 1].address;
			await audit(
				tx,
				{
					action: 'import',
					kind: 'address',
					id: null,
					summary: `${rows.length} addresses (${created} new)`,
					after: { count: rows.length, created, first: formatValue(first.family, first.value), last: formatValue(last.family, last.value) },
				},
				{ source: options.source ?? 'import' },
			);
		}
		return { created, updated: total - created };
	});
}
