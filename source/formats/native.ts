// ipam-tui's own CSV columns (`ipam export --format csv`): every stored field by its store name, so exports import back losslessly.
import type { Dialect, Field, KindSpec, ObjectKind } from './ipam-rows.js';

/** Column order of our exports; each name is also the header the importer expects. */
export const NATIVE_COLUMNS: Record<ObjectKind, [string, Field][]> = {
	block: [['prefix', 'prefix'], ['name', 'name'], ['description', 'description'], ['rir', 'rir'], ['space', 'space'], ['tags', 'tags']],
	subnet: [['prefix', 'prefix'], ['name', 'name'], ['description', 'description'], ['vlan', 'vlan'], ['space', 'space'], ['tags', 'tags']],
	range: [
		['start', 'start'],
		['end', 'end'],
		['name', 'name'],
		['description', 'description'],
		['managed_by', 'managedBy'],
		['service_instance', 'serviceInstance'],
		['assignment_type', 'assignmentType'],
		['space', 'space'],
		['tags', 'tags'],
	],
	address: [
		['ip', 'ip'],
		['managed_by', 'managedBy'],
		['service_instance', 'serviceInstance'],
		['hostname', 'hostname'],
		['description', 'description'],
		['mac', 'mac'],
		['client_id', 'clientId'],
		['duid', 'duid'],
		['iaid', 'iaid'],
		['assignment_type', 'assignmentType'],
		['status', 'status'],
		['device_type', 'deviceType'],
		['owner', 'owner'],
		['asset_tag', 'assetTag'],
		['serial_number', 'serialNumber'],
		['assigned_at', 'assignedAt'],
		['expires_at', 'expiresAt'],
		['space', 'space'],
		['tags', 'tags'],
	],
};

function spec(kind: ObjectKind, required: Field[][]): KindSpec {
	const fields: Partial<Record<Field, string[]>> = {};
	for (const [header, field] of NATIVE_COLUMNS[kind]) fields[field] = [header];
	// Utilization columns appear in `list --csv` output; accepting them lets such a file be imported.
	return { fields, required, ignored: ['id', 'size', 'used', 'allocated', 'utilization', 'parent', 'block', 'subnet', 'range', 'created_at', 'updated_at', 'discovered'] };
}

export const native: Dialect = {
	name: 'csv',
	title: 'ipam',
	kinds: {
		block: spec('block', [['prefix']]),
		subnet: spec('subnet', [['prefix']]),
		range: spec('range', [['start', 'end']]),
		address: spec('address', [['ip']]),
	},
};
