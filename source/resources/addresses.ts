// Columns of the addresses resource (CLI lists and the addresses pane).
import type { Column } from './column.js';
import { addressText, type AddressRow } from '../../store/addresses.js';

function time(t: number | null): string {
	return t ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : '';
}

export function addressColumns(): Column<AddressRow>[] {
	return [
		{ key: 'address', header: 'ADDRESS', width: 15, value: r => addressText(r), sortSql: 'family, ip, id' },
		{ key: 'hostname', header: 'HOST NAME', width: 'flex', value: r => r.hostname, sortSql: 'hostname COLLATE NOCASE' },
		{ key: 'mac', header: 'MAC', width: 17, value: r => r.mac, sortSql: 'mac' },
		{ key: 'status', header: 'STATUS', width: 8, value: r => r.status, sortSql: 'status' },
		{ key: 'assignment', header: 'TYPE', width: 8, value: r => r.assignment_type, sortSql: 'assignment_type' },
		{ key: 'device_type', header: 'DEVICE', width: 8, value: r => r.device_type, sortSql: 'device_type' },
		{ key: 'owner', header: 'OWNER', width: 10, value: r => r.owner, sortSql: 'owner' },
		{ key: 'managed_by', header: 'MANAGED BY', width: 10, value: r => r.managed_by, sortSql: 'managed_by' },
		{ key: 'expires_at', header: 'EXPIRES', width: 20, value: r => r.expires_at, text: r => time(r.expires_at), sortSql: 'coalesce(expires_at, 0)' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
		{ key: 'id', header: 'ID', width: 5, align: 'right', value: r => r.id, sortSql: 'id' },
		{ key: 'subnet_id', header: 'SUBNET', width: 6, align: 'right', value: r => r.subnet_id },
		{ key: 'range_id', header: 'RANGE', width: 5, align: 'right', value: r => r.range_id },
	];
}
