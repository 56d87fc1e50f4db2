// phpIPAM's subnet and IP address exports (XLS saved as CSV) and its import template field names.
import type { Dialect, Field, ObjectKind } from './ipam-rows.js';

export const phpipam: Dialect = {
	name: 'phpipam',
	title: 'phpIPAM',
	nests: true,
	kinds: {
		subnet: {
			fields: {
				prefix: ['Subnet'],
				mask: ['Mask'],
				// phpIPAM has no subnet name: its description is what the UI shows as one.
				description: ['Description'],
				vlan: ['VLAN'],
				space: ['VRF'],
				master: ['Master Subnet'],
			},
			required: [['prefix']],
			ignored: ['Section', 'VLAN Domain', 'domain', 'Requests', 'Host check', 'Discover', 'Customer', 'Device', 'Location', 'isFolder', 'Is folder', 'Show name', 'showName', 'scanAgent', 'Permissions'],
		},
		address: {
			fields: {
				ip: ['IP Address', 'ip_addr'],
				hostname: ['Hostname', 'dns_name'],
				description: ['Description'],
				space: ['VRF'],
				mac: ['MAC'],
				owner: ['Owner'],
				// The tag (Used, Offline, Reserved, DHCP) is phpIPAM's address state.
				status: ['Tag', 'State', 'IP state'],
			},
			required: [['ip']],
			ignored: ['Section', 'Subnet', 'Device', 'Port', 'Note', 'Gateway', 'is_gateway', 'Location', 'Customer', 'FW Object', 'firewallAddressObject', 'Last seen', 'lastSeen', 'PTR', 'exclude ping', 'excludePing'],
		},
	},
	translate(kind: ObjectKind, field: Field, value: string) {
		if (field === 'space' && value.trim().toLowerCase() === 'default') return 'Default';
		// The subnet export writes "NA" for a subnet without a VLAN.
		if (field === 'vlan' && value.trim().toUpperCase() === 'NA') return '';
		// A top-level subnet's master is "/", and a subnet in a folder names it as "<name> [folder]": no parent prefix.
		if (field === 'master' && (value.trim() === '/' || value.trim().endsWith('[folder]'))) return '';
		return undefined;
	},
	// The subnet export lists folders among the subnets, as "<description> (folder)".
	skip(kind: ObjectKind, cell: (field: Field) => string | undefined) {
		const subnet = kind === 'subnet' ? cell('prefix')?.trim() : undefined;
		return subnet?.endsWith(' (folder)') ? { column: 'Subnet', reason: `"${subnet}" is a phpIPAM folder, not a subnet: row passed over` } : undefined;
	},
	adjust(kind: ObjectKind, cells: Record<string, string>) {
		if (kind === 'subnet' && cells.description !== undefined) {
			cells.name = cells.description;
			return;
		}
		if (kind === 'address' && cells.status !== undefined && cells.status.trim().toLowerCase() === 'dhcp') {
			cells.status = 'in-use';
			cells.assignmentType = 'dynamic';
		}
	},
};
