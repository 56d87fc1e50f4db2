// Microsoft IPAM's Import-/Export-IpamAddress, -IpamRange, -IpamSubnet (and block) CSV layout: English property names and the console's localized display names.
import type { Dialect, KindSpec } from './ipam-rows.js';

// MS IPAM blocks have no name (a subnet file is NetworkId + Name), so "Name" marks a subnet file.
// Every column carries the PowerShell property name (English files, marked by "NetworkId") and the
// console's display name (localized files); headerKey makes "Network ID" and "NetworkId" one key anyway.
const owner = {
	managedBy: ['ManagedByService', 'Managed by Service'],
	serviceInstance: ['ServiceInstance', 'Service Instance'],
};

const utilization = ['Utilization', 'PercentageUtilized', 'Percentage Utilized', 'TotalAddresses', 'Total Addresses', 'UtilizedAddresses', 'Utilized Addresses', 'AssignedAddresses', 'Assigned Addresses', 'UtilizationCalculation', 'Utilization Calculation', 'LastModifiedTime', 'Last Modified Time', 'AccessScopePath', 'Access Scope', 'CustomConfiguration', 'Overlapping'];

const block: KindSpec = {
	fields: {
		prefix: ['NetworkId', 'Network ID', 'Network'],
		start: ['StartIPAddress', 'Start IP Address', 'StartAddress'],
		end: ['EndIPAddress', 'End IP Address', 'EndAddress'],
		rir: ['Rir', 'RIR', 'Regional Internet Registry'],
		description: ['Description'],
		space: ['AddressSpace', 'Address Space'],
	},
	required: [['prefix']],
	ignored: ['RirReceivedDate', 'RIR Received Date', 'Owner', 'AddressCategory', 'Address Category', 'ParentBlock', 'Parent Block', ...utilization],
};

const subnet: KindSpec = {
	fields: {
		prefix: ['NetworkId', 'Network ID', 'Network'],
		name: ['Name'],
		description: ['Description'],
		vlan: ['VlanId', 'VLAN ID', 'VLAN'],
		space: ['AddressSpace', 'Address Space', 'ProviderAddressSpace', 'Provider Address Space'],
	},
	required: [['prefix', 'name']],
	ignored: ['Owner', 'NetworkType', 'Network Type', 'VmmLogicalNetwork', 'VMM Logical Network', 'NetworkSite', 'Network Site', 'VirtualSubnetId', 'Virtual Subnet ID', 'CustomerAddressSpace', 'Customer Address Space', 'Block', 'IP Address Block', ...utilization],
};

const range: KindSpec = {
	fields: {
		network: ['NetworkId', 'Network ID', 'Network'],
		start: ['StartIPAddress', 'Start IP Address', 'StartAddress'],
		end: ['EndIPAddress', 'End IP Address', 'EndAddress'],
		...owner,
		assignmentType: ['AssignmentType', 'Assignment Type'],
		name: ['Name', 'DhcpScopeName', 'DHCP Scope Name'],
		description: ['Description'],
		space: ['AddressSpace', 'Address Space'],
	},
	required: [['network', 'start', 'end']],
	ignored: ['Owner', 'NetworkType', 'Network Type', 'UseThisRangeForUtilization', 'Utilized', 'ReservedAddress', 'Reserved Address', 'Gateway', 'DnsServer', 'DNS Server', 'DnsSuffix', 'DNS Suffix', 'ConnectionSpecificDnsSuffix', 'Connection Specific DNS Suffix', 'WinsServer', 'WINS Server', 'VIPRange', 'VIP Range', 'Subnet', 'IP Address Subnet', 'Block', 'IP Address Block', ...utilization],
};

const address: KindSpec = {
	fields: {
		ip: ['IpAddress', 'IP Address'],
		...owner,
		deviceType: ['DeviceType', 'Device Type'],
		status: ['IpAddressState', 'IP Address State'],
		assignmentType: ['AssignmentType', 'Assignment Type'],
		mac: ['MacAddress', 'MAC Address'],
		assignedAt: ['AssignmentDate', 'Assignment Date'],
		expiresAt: ['ExpiryDate', 'Expiry Date'],
		description: ['Description'],
		owner: ['Owner'],
		assetTag: ['AssetTag', 'Asset Tag'],
		serialNumber: ['SerialNumber', 'Serial Number'],
		clientId: ['ClientId', 'Client ID'],
		duid: ['Duid', 'DUID'],
		iaid: ['Iaid', 'IAID'],
		hostname: ['DeviceName', 'Device Name'],
		space: ['AddressSpace', 'Address Space'],
	},
	required: [['ip']],
	ignored: ['NetworkType', 'Network Type', 'ReservationServer', 'Reservation Server', 'ReservationName', 'Reservation Name', 'ReservationType', 'Reservation Type', 'ReservationDescription', 'Reservation Description', 'ReservationSyncStatus', 'Reservation Sync Status', 'ForwardLookupZone', 'Forward Lookup Zone', 'ForwardLookupPrimaryServer', 'Forward Lookup Primary Server', 'ReverseLookupZone', 'Reverse Lookup Zone', 'ReverseLookupPrimaryServer', 'Reverse Lookup Primary Server', 'DnsRecordStatus', 'DNS Record Status', 'Subnet', 'IP Address Subnet', 'Range', 'IP Address Range', 'Block', 'IP Address Block', 'Duplicate', 'IpAddressFamily', 'Address Family', ...utilization],
};

export const msIpam: Dialect = {
	name: 'ms-ipam',
	title: 'MS IPAM',
	kinds: { block, subnet, range, address },
};

/** English property-name headers, in Export-Ipam* order, for our own exports. */
export const MS_IPAM_EXPORT = {
	block: ['NetworkId', 'StartIPAddress', 'EndIPAddress', 'Rir', 'Description', 'AddressSpace'],
	subnet: ['NetworkId', 'Name', 'Description', 'VlanId', 'AddressSpace'],
	range: ['NetworkId', 'StartIPAddress', 'EndIPAddress', 'ManagedByService', 'ServiceInstance', 'AssignmentType', 'Name', 'Description', 'AddressSpace'],
	address: ['IpAddress', 'ManagedByService', 'ServiceInstance', 'DeviceType', 'IpAddressState', 'AssignmentType', 'MacAddress', 'AssignmentDate', 'ExpiryDate', 'Description', 'Owner', 'AssetTag', 'SerialNumber', 'ClientId', 'Duid', 'Iaid', 'DeviceName', 'AddressSpace'],
} as const;
