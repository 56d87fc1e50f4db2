// NetBox CSV: bulk-import field names and "export all" table headers for aggregates, prefixes, IP ranges and IP addresses.
import type { Dialect, Field, ObjectKind } from './ipam-rows.js';

const common = ['ID', 'Tenant', 'Tenant Group', 'tenant_group', 'Role', 'Comments', 'Created', 'Last updated', 'last_updated', 'Owner', 'owner_group', 'Owner Group'];

export const netbox: Dialect = {
	name: 'netbox',
	title: 'NetBox',
	customPrefix: 'cf_',
	blank: '\u2014',
	nests: true,
	kinds: {
		// Aggregates become blocks.
		block: {
			fields: { prefix: ['prefix', 'Aggregate'], rir: ['rir', 'RIR'], description: ['description'], tags: ['tags'], space: ['vrf'] },
			required: [['prefix', 'rir']],
			// "Added" and "Prefixes" are the export's headers for date_added and the child count.
			ignored: ['date_added', 'Date added', 'Added', 'Prefixes', 'Children', 'Utilization', 'Family', ...common],
		},
		// Prefixes become subnets, or blocks when they hold other prefixes (Status "Container", a child count, nesting).
		subnet: {
			fields: { prefix: ['prefix'], space: ['vrf', 'VRF'], description: ['description'], vlan: ['vlan_vid', 'VLAN'], tags: ['tags'], status: ['status'], children: ['Children'] },
			required: [['prefix']],
			ignored: ['site', 'Site', 'vlan_group', 'VLAN Group', 'vlan_site', 'VLAN Site', 'Prefix (Flat)', 'is_pool', 'Is a pool', 'Pool', 'mark_utilized', 'Marked utilized', 'scope_type', 'Scope type', 'scope_id', 'Scope', 'Utilization', 'Depth', 'Family', 'Region', 'Site group', 'Location', ...common],
		},
		range: {
			fields: { start: ['start_address', 'Start address'], end: ['end_address', 'End address'], space: ['vrf', 'VRF'], status: ['status'], description: ['description'], tags: ['tags'] } as Partial<Record<Field, string[]>>,
			required: [['start', 'end']],
			ignored: ['mark_utilized', 'Marked utilized', 'mark_populated', 'Marked populated', 'Size', 'Utilization', 'Family', ...common],
		},
		address: {
			fields: { ip: ['address', 'IP Address'], space: ['vrf', 'VRF'], status: ['status'], assignmentType: ['assignment_type'], description: ['description'], hostname: ['dns_name', 'DNS Name'], tags: ['tags'] },
			required: [['ip']],
			ignored: ['fhrp_group', 'FHRP group', 'device', 'Device', 'virtual_machine', 'Virtual machine', 'interface', 'Interface', 'Device / VM', 'Interface Parent', 'Assigned', 'assigned_object', 'is_primary', 'Primary', 'is_oob', 'OOB', 'nat_inside', 'NAT (Inside)', 'NAT (Outside)', 'Parent', 'Family', ...common],
		},
	},
	translate(kind: ObjectKind, field: Field, value: string) {
		// Exports show an empty cell as an em dash, and an address outside any VRF in "Global" (our default space).
		if (value.trim() === netbox.blank) return '';
		if (field === 'space') return value.trim() === 'Global' ? '' : undefined;
		// NetBox 3.2.2–3.2.3 exported a child prefix with its depth markers ("•" lines) in the cell (NetBox #9407).
		if (field === 'prefix' && value.trimStart().startsWith('\u2022')) return value.replace(/^[\s\u2022]+/, '');
		// An export names a VLAN as "name (vid)"; the import form takes the VID alone.
		if (field === 'vlan') return /\((\d{1,4})\)\s*$/.exec(value)?.[1];
		if (field !== 'status') return undefined;
		const v = value.trim().toLowerCase();
		// Range status only distinguishes reserved ranges; the store keeps that as the assignment type.
		if (kind === 'range') return v === 'reserved' ? 'reserved' : v === '' ? '' : 'static';
		return v;
	},
	adjust(kind: ObjectKind, cells: Record<string, string>) {
		if (kind === 'range' && cells.status !== undefined) {
			cells.assignmentType = cells.status;
			delete cells.status;
		}
		if (kind !== 'address' || cells.status === undefined) return;
		const s = cells.status;
		// NetBox folds how an address is assigned into its status.
		if (s === 'dhcp' || s === 'slaac') {
			cells.assignmentType ??= s;
			cells.status = 'in-use';
		}
	},
};
