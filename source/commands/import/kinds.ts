// Per object kind: an import row's identity in the store, its label, the stored columns it sets, and its upsert input.
import { formatAddress, formatPrefix, formatSpan, keyHex } from '../../domain/ip.js';
import type { AddressImport, BlockImport, ImportRow, ObjectKind, RangeImport, SubnetImport } from '../../formats/ipam-rows.js';

/** A stored row as read back (column names), enough to compare and to merge. */
export type StoredRow = Record<string, unknown> & { id: number };

/** Row field → stored column, for the fields an import may set (identity columns excluded). */
export const COLUMNS: Record<ObjectKind, [string, string][]> = {
	block: [
		['name', 'name'],
		['description', 'description'],
		['rir', 'rir'],
	],
	subnet: [
		['name', 'name'],
		['description', 'description'],
		['vlan', 'vlan'],
	],
	range: [
		['name', 'name'],
		['description', 'description'],
		['assignmentType', 'assignment_type'],
	],
	address: [
		['hostname', 'hostname'],
		['description', 'description'],
		['mac', 'mac'],
		['clientId', 'client_id'],
		['duid', 'duid'],
		['assignmentType', 'assignment_type'],
		['status', 'status'],
		['deviceType', 'device_type'],
		['owner', 'owner'],
		['assetTag', 'asset_tag'],
		['serialNumber', 'serial_number'],
		['assignedAt', 'assigned_at'],
		['expiresAt', 'expires_at'],
	],
};

/** The identity tuple (blob members as hex) that store/import-lookup joins on. */
export function identity(row: ImportRow, spaceId: number): unknown[] {
	switch (row.kind) {
		case 'block':
		case 'subnet':
			return [spaceId, row.prefix.family, keyHex(row.prefix.family, row.prefix.network), row.prefix.length];
		case 'range':
			return [spaceId, row.span.family, keyHex(row.span.family, row.span.start), keyHex(row.span.family, row.span.end), row.managedBy ?? 'IPAM', row.managedByEntity ?? ''];
		case 'address':
			return [spaceId, row.key, row.managedBy, row.managedByEntity];
	}
}

/** The same identity as one string, for finding duplicates inside a file (`space`: the space name in lowercase). */
export function identityKey(row: ImportRow, space: string): string {
	switch (row.kind) {
		case 'block':
		case 'subnet':
			return `${space}|${row.prefix.family}|${row.prefix.network}|${row.prefix.length}`;
		case 'range':
			return `${space}|${row.span.family}|${row.span.start}|${row.span.end}|${(row.managedBy ?? 'IPAM').toLowerCase()}|${(row.managedByEntity ?? '').toLowerCase()}`;
		case 'address':
			return `${space}|${row.key}|${row.managedBy.toLowerCase()}|${row.managedByEntity.toLowerCase()}`;
	}
}

export function label(row: ImportRow): string {
	switch (row.kind) {
		case 'block':
		case 'subnet':
			return `${row.kind} ${formatPrefix(row.prefix)}`;
		case 'range':
			return `range ${formatSpan(row.span)} (${row.managedBy ?? 'IPAM'}${row.managedByEntity ? `/${row.managedByEntity}` : ''})`;
		case 'address':
			return `address ${formatAddress(row.ip)} (${row.managedBy}${row.managedByEntity ? `/${row.managedByEntity}` : ''})`;
	}
}

/** Fields the file sets that differ from the stored row: [column, before, after]. */
export function changes(row: ImportRow, stored: StoredRow): [string, unknown, unknown][] {
	const out: [string, unknown, unknown][] = [];
	const r = row as unknown as Record<string, unknown>;
	for (const [field, column] of COLUMNS[row.kind]) {
		const v = r[field];
		if (v === undefined) continue;
		const before = stored[column] ?? null;
		// The store keeps enums and text as given; compare text case-sensitively, numbers exactly.
		if ((before ?? '') !== (v ?? '')) out.push([column, before, v]);
	}
	return out;
}

/** Fills the fields the file does not set from the stored row, so an update never blanks them. */
export function merged<R extends ImportRow>(row: R, stored: StoredRow | undefined): R {
	if (!stored) return row;
	const out = { ...row } as unknown as Record<string, unknown>;
	for (const [field, column] of COLUMNS[row.kind]) {
		if (out[field] === undefined) out[field] = stored[column] ?? null;
	}
	return out as unknown as R;
}

export function blockInput(row: BlockImport, spaceId: number) {
	return { spaceId, prefix: row.prefix, name: row.name, description: row.description, rir: row.rir };
}

export function subnetInput(row: SubnetImport, spaceId: number) {
	return { spaceId, prefix: row.prefix, name: row.name, description: row.description, vlan: row.vlan };
}

export function rangeInput(row: RangeImport, spaceId: number) {
	return {
		spaceId,
		span: row.span,
		name: row.name,
		description: row.description,
		managedBy: row.managedBy,
		managedByEntity: row.managedByEntity,
		assignmentType: row.assignmentType,
	};
}

export function addressInput(row: AddressImport, spaceId: number) {
	return {
		spaceId,
		address: row.ip,
		key: row.key,
		managedBy: row.managedBy,
		managedByEntity: row.managedByEntity,
		hostname: row.hostname,
		description: row.description,
		mac: row.mac,
		clientId: row.clientId,
		duid: row.duid,
		assignmentType: row.assignmentType,
		status: row.status,
		deviceType: row.deviceType,
		owner: row.owner,
		assetTag: row.assetTag,
		serialNumber: row.serialNumber,
		assignedAt: row.assignedAt,
		expiresAt: row.expiresAt,
	};
}

/** The span a stored row covers, for labels of rows an inventory import deletes. */
export function storedSpanText(kind: 'range' | 'address', row: StoredRow): string {
	const family = row.family as 4 | 6;
	const key = (v: unknown) => BigInt(`0x${Buffer.from(v as Buffer).toString('hex')}`);
	if (kind === 'address') return formatAddress({ family, value: key(row.ip) });
	return formatSpan({ family, start: key(row.start), end: key(row.end) });
}
