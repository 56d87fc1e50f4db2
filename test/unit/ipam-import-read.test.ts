// Address-space CSV dialects: MS IPAM (English and localized), NetBox, phpIPAM and our own; detection, mapping and bad-row reporting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatImportIssue, readImportFile, type ParsedFile, type ReadOptions } from '../../source/formats/ipam-import.js';
import type { AddressImport, CustomFieldDef, RangeImport } from '../../source/formats/ipam-rows.js';
import { formatAddress, formatPrefix, formatSpan } from '../../source/domain/ip.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'csv');
const shared = path.resolve(here, '..', '..', '..', 'shared', 'samples');

const ALL = ['block', 'subnet', 'range', 'address'];
const customFields: CustomFieldDef[] = [
	{ id: 3, name: 'Site', multi: false, allowed: null, appliesTo: ALL },
	{ id: 9, name: 'Environment', multi: false, allowed: ['Production', 'Lab'], appliesTo: ALL },
	{ id: 10, name: 'Roles', multi: true, allowed: null, appliesTo: ['address'] },
];

async function read(file: string, options: Partial<ReadOptions> = {}): Promise<ParsedFile> {
	const r = await readImportFile(file, { customFields, ...options });
	if (!r.ok) assert.fail(formatImportIssue(file, r.issue));
	return r.file;
}

function tmpCsv(text: string): string {
	const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'ipam-read-'));
	const file = path.join(dir, 'in.csv');
	fs.writeFileSync(file, text);
	return file;
}

test('MS IPAM English address file: fields, enums, dates, custom fields, and every bad row with its line and column', async () => {
	const file = path.join(fixtures, 'ms-addresses-english.csv');
	const parsed = await read(file);
	assert.equal(parsed.header.dialect.name, 'ms-ipam');
	assert.equal(parsed.header.kind, 'address');
	const rows = parsed.rows as AddressImport[];
	assert.deepEqual(
		rows.map(r => formatAddress(r.ip)),
		['10.1.0.10', '10.1.0.11', 'fe80::1'],
	);
	const [first, second, v6] = rows;
	assert.equal(first.mac, '00:15:5d:01:02:03');
	assert.equal(first.description, 'web, front');
	assert.equal(first.status, 'in-use');
	assert.equal(first.expiresAt, Math.floor(new Date(2030, 0, 31).getTime() / 1000));
	assert.deepEqual([...first.custom!], [['Site', ['Paris']]]);
	assert.equal(second.managedBy, 'MS DHCP');
	assert.equal(second.managedByEntity, 'dhcp1.contoso.com');
	assert.equal(second.assignmentType, 'dynamic');
	assert.equal(second.mac, null);
	assert.equal(v6.assignmentType, 'vip');
	assert.equal(v6.status, 'reserved');
	assert.equal(v6.expiresAt, Math.floor(new Date(2031, 2, 1, 14, 23).getTime() / 1000));
	// The formula guard is not a value: a cell that starts with "=" is kept verbatim (escaped again on export).
	assert.equal(v6.description, `=cmd|' /C calc'!A0`);
	assert.deepEqual(
		parsed.issues.map(i => formatImportIssue('f.csv', i)),
		[
			'f.csv:4: column "IpAddress": "10.1.0.300" is not an IPv4 address: 300 is greater than 255',
			'f.csv:5: column "IpAddressState": "Busy" is not one of In-Use, Inactive, Reserved',
			'f.csv:6: column "MacAddress": "00:11:22" is not a MAC address: expected six octets such as aa:bb:cc:dd:ee:ff',
			'f.csv:8: column "ExpiryDate": "2030-02-30" is not a valid date',
		],
	);
	assert.equal(parsed.records, 7);
});

test('MS IPAM localized subnet headers ("Network ID") and host bits reported with the network', async () => {
	const parsed = await read(path.join(fixtures, 'ms-subnets-localized.csv'));
	assert.equal(parsed.header.kind, 'subnet');
	assert.deepEqual(parsed.header.ignored, ['Owner']);
	assert.deepEqual(
		parsed.rows.map(r => (r.kind === 'subnet' ? [formatPrefix(r.prefix), r.name, r.vlan] : [])),
		[
			['10.1.0.0/24', 'Office', 10],
			['2001:db8:1::/64', 'V6', null],
		],
	);
	assert.equal(formatImportIssue('s.csv', parsed.issues[0]), 's.csv:3: column "Network ID": "10.1.1.5/24" has host bits set: the network is 10.1.1.0/24');
});

test('dates: ISO 8601 with and without zone, US English, European day-first, epoch; bad ones named', async () => {
	const parsed = await read(
		tmpCsv(
			'IpAddress,ExpiryDate\n10.0.0.1,2030-01-02T03:04:05Z\n10.0.0.2,2030-01-02 03:04\n10.0.0.3,1/2/2030 3:04:00 PM\n' +
				'10.0.0.4,2.1.2030 15:04\n10.0.0.5,1893553445\n10.0.0.6,13/13/2030\n10.0.0.7,next week\n',
		),
	);
	const local = (y: number, m: number, d: number, h = 0, mi = 0) => Math.floor(new Date(y, m - 1, d, h, mi).getTime() / 1000);
	assert.deepEqual(
		(parsed.rows as AddressImport[]).map(r => r.expiresAt),
		[Date.UTC(2030, 0, 2, 3, 4, 5) / 1000, local(2030, 1, 2, 3, 4), local(2030, 1, 2, 15, 4), local(2030, 1, 2, 15, 4), 1893553445],
	);
	assert.deepEqual(
		parsed.issues.map(i => formatImportIssue('d.csv', i)),
		[
			'd.csv:7: column "ExpiryDate": "13/13/2030" is not a valid date',
			'd.csv:8: column "ExpiryDate": "next week" is not a date: use 2025-03-01, 2025-03-01 14:23, 3/1/2025 2:23:00 PM or 1.3.2025 14:23',
		],
	);
});

test('unknown columns are refused by name; custom fields and their allowed values are checked', async () => {
	const bad = await readImportFile(tmpCsv('IpAddress,Colour\n10.0.0.1,red\n'), { customFields });
	assert.equal(bad.ok, false);
	if (!bad.ok) {
		assert.equal(bad.issue.column, 'Colour');
		assert.match(formatImportIssue('x.csv', bad.issue), /^x\.csv:1: column "Colour": not a .* column nor a custom field/);
	}
	const parsed = await read(tmpCsv('IP Address,environment,Roles\n10.0.0.1,lab,web; db\n10.0.0.2,Moon,\n'));
	assert.deepEqual([...parsed.rows[0].custom!], [
		['Environment', ['Lab']],
		['Roles', ['web', 'db']],
	]);
	assert.equal(formatImportIssue('y.csv', parsed.issues[0]), 'y.csv:3: column "environment": "Moon" is not an allowed value of Environment (Production, Lab)');
});

test('ranges: reversed, outside their network, mixed families', async () => {
	const parsed = await read(
		tmpCsv(
			'NetworkId,StartIPAddress,EndIPAddress,ManagedByService,ServiceInstance,AssignmentType\n' +
				'10.9.0.0/24,10.9.0.10,10.9.0.50,IPAM,lab,static\n' +
				'10.9.0.0/24,10.9.0.60,10.9.0.55,IPAM,lab,static\n' +
				'10.9.0.0/24,10.9.0.10,10.9.1.5,IPAM,lab,static\n' +
				'10.9.0.0/24,10.9.0.10,::1,IPAM,lab,static\n' +
				'10.9.0.0/24,10.9.0.70,10.9.0.80,IPAM,lab,sometimes\n',
		),
	);
	assert.deepEqual(parsed.rows.map(r => formatSpan((r as RangeImport).span)), ['10.9.0.10-10.9.0.50']);
	assert.deepEqual(
		parsed.issues.map(i => formatImportIssue('r.csv', i)),
		[
			'r.csv:3: column "EndIPAddress": the end address is before the start address (reversed range)',
			'r.csv:4: column "NetworkId": the range does not lie inside this network',
			'r.csv:5: column "EndIPAddress": the range mixes IPv4 and IPv6',
			'r.csv:6: column "AssignmentType": "sometimes" is not one of Static, Dynamic, Reserved',
		],
	);
});

test('inventory mode: rows of another owner are rejected, rows without owner columns get the inventory owner', async () => {
	const parsed = await read(tmpCsv('IpAddress,ManagedByService\n10.0.0.1,VMM\n10.0.0.2,\n'), { managedBy: 'vmm', serviceInstance: 'scvmm1' });
	const rows = parsed.rows as AddressImport[];
	assert.deepEqual(rows.map(r => [formatAddress(r.ip), r.managedBy, r.managedByEntity]), [
		['10.0.0.1', 'VMM', 'scvmm1'],
		['10.0.0.2', 'VMM', 'scvmm1'],
	]);
	const other = await read(tmpCsv('IpAddress,ManagedByService\n10.0.0.1,IPAM\n'), { managedBy: 'VMM', serviceInstance: 'x' });
	assert.equal(formatImportIssue('i.csv', other.issues[0]), 'i.csv:2: column "ManagedByService": "IPAM" differs from the inventory\'s --managed-by "VMM"');
});

test('phpIPAM subnet and address exports map onto subnets and addresses', async () => {
	const subnets = await read(path.join(fixtures, 'phpipam-subnets.csv'));
	assert.equal(subnets.header.dialect.name, 'phpipam');
	assert.deepEqual(
		subnets.rows.map(r => (r.kind === 'subnet' ? [formatPrefix(r.prefix), r.name, r.vlan ?? null, r.space ?? null] : [])),
		[
			['10.20.0.0/16', 'Customer block', null, null],
			['10.20.1.0/24', 'Customer A', 120, null],
		],
	);
	const addresses = await read(path.join(fixtures, 'phpipam-addresses.csv'));
	assert.equal(addresses.header.kind, 'address');
	assert.deepEqual(
		(addresses.rows as AddressImport[]).map(r => [formatAddress(r.ip), r.hostname, r.status, r.assignmentType ?? null, r.space ?? null]),
		[
			['10.20.1.5', 'a.example.com', 'in-use', null, null],
			['10.20.1.6', 'b.example.com', 'in-use', 'dynamic', null],
			['10.20.1.7', '', 'inactive', null, 'Default'],
		],
	);
	assert.equal(addresses.issues.length, 0);
});

test('NetBox prefixes: vrf becomes the space, tags split, tenant ignored', async () => {
	const parsed = await read(path.join(fixtures, 'netbox-prefixes.csv'));
	assert.equal(parsed.header.dialect.name, 'netbox');
	assert.equal(parsed.header.kind, 'subnet');
	const [a, b] = parsed.rows;
	assert.equal(a.space, 'Blue');
	assert.deepEqual(a.tags, ['lab', 'east']);
	assert.equal(a.kind === 'subnet' && a.vlan, 30);
	assert.equal(b.space, undefined);
});

test('--format and --kind narrow detection; a file of the wrong kind says what it needs', async () => {
	const r = await readImportFile(path.join(fixtures, 'ms-subnets-localized.csv'), { customFields, kind: 'address' });
	assert.equal(r.ok, false);
	if (!r.ok) assert.match(r.issue.reason, /column|needs/);
	const nb = await readImportFile(path.join(fixtures, 'ms-subnets-localized.csv'), { customFields, dialect: 'netbox' });
	assert.equal(nb.ok, false);
});

test("Microsoft's documentation examples import as addresses, a block and a range (../shared samples)", async t => {
	const dir = path.join(shared, 'ms-ipam-csv');
	if (!fs.existsSync(dir)) return t.skip(`../shared absent: ${dir}`);
	const addresses = await read(path.join(dir, 'msdocs_ipam-import-addresses_lowercase-headers.csv'));
	assert.equal(addresses.header.kind, 'address');
	assert.deepEqual(
		(addresses.rows as AddressImport[]).map(r => [formatAddress(r.ip), r.managedBy, r.managedByEntity, r.deviceType, r.status, r.assignmentType]),
		[
			['192.168.0.25', 'MS DHCP', 'dhcp1.contoso.com', 'host', 'in-use', 'static'],
			['192.168.0.26', 'MS DHCP', 'dhcp1.contoso.com', 'host', 'in-use', 'static'],
		],
	);
	const block = await read(path.join(dir, 'msdocs_ipam-import-block_spaces-after-commas.csv'));
	assert.equal(block.header.kind, 'block');
	assert.deepEqual(block.rows.map(r => (r.kind === 'block' ? [formatPrefix(r.prefix), r.rir] : [])), [['65.52.0.0/14', 'ARIN']]);
	// Microsoft's example gives 65.52.255.255 as the end of a /14: kept as the whole prefix, with a note.
	assert.deepEqual(
		block.notes.map(n => formatImportIssue('b.csv', n)),
		['b.csv:2: column "end IP address": 65.52.255.255 is not the last address of 65.52.0.0/14 (65.55.255.255); the block is stored as the whole prefix'],
	);
	const range = await read(path.join(dir, 'msdocs_ipam-import-range_curly-quotes.csv'));
	assert.equal(range.header.kind, 'range');
	const r = range.rows[0] as RangeImport;
	assert.deepEqual([formatSpan(r.span), r.managedBy, r.managedByEntity, r.assignmentType], ['192.168.100.1-192.168.100.254', 'IPAM', 'router', 'dynamic']);
});

test("NetBox's own bulk-import examples: aggregates, IP ranges with masks, IP addresses with FHRP groups (../shared samples)", async t => {
	const dir = path.join(shared, 'netbox-phpipam');
	if (!fs.existsSync(dir)) return t.skip(`../shared absent: ${dir}`);
	const aggregates = await read(path.join(dir, 'netbox-test_aggregates_import.csv'));
	assert.equal(aggregates.header.dialect.name, 'netbox');
	assert.equal(aggregates.header.kind, 'block');
	assert.deepEqual(aggregates.rows.map(r => (r.kind === 'block' ? [formatPrefix(r.prefix), r.rir] : [])), [
		['10.4.0.0/16', 'RIR 1'],
		['10.5.0.0/16', 'RIR 1'],
		['10.6.0.0/16', 'RIR 1'],
	]);
	const ranges = await read(path.join(dir, 'netbox-test_ip-ranges_import_single-address-range.csv'));
	assert.equal(ranges.header.kind, 'range');
	assert.deepEqual(
		(ranges.rows as RangeImport[]).map(r => [formatSpan(r.span), r.space, r.assignmentType]),
		[
			['10.1.0.1-10.1.9.254', 'VRF 1', 'static'],
			['10.2.0.1-10.2.9.254', 'VRF 1', 'static'],
			['10.3.0.1-10.3.9.254', 'VRF 1', 'static'],
			['10.4.0.1-10.4.0.1', 'VRF 1', 'static'],
		],
	);
	const addresses = await read(path.join(dir, 'netbox-test_ip-addresses_import.csv'));
	assert.equal(addresses.header.kind, 'address');
	assert.deepEqual(addresses.header.ignored, ['fhrp_group']);
	assert.deepEqual(
		(addresses.rows as AddressImport[]).map(r => [formatAddress(r.ip), r.space, r.status]),
		[
			['192.0.2.4', 'VRF 1', 'in-use'],
			['192.0.2.5', 'VRF 1', 'in-use'],
			['192.0.2.6', 'VRF 1', 'in-use'],
		],
	);
});

test('NetBox UI exports: "Device / VM", "Prefixes", "Added" columns, em-dash empties, "Global" VRF, VLAN as "name (vid)"', async () => {
	// The column headers of NetBox's own "Export → All data (CSV)" tables, written for this test.
	const addresses = await read(path.join(fixtures, 'netbox-export-ip-addresses.csv'));
	assert.equal(addresses.header.dialect.name, 'netbox');
	assert.deepEqual(addresses.issues.map(i => formatImportIssue('x', i)), []);
	const a = addresses.rows as AddressImport[];
	assert.deepEqual(
		a.map(r => [formatAddress(r.ip), r.space ?? null, r.status, r.assignmentType ?? null, r.hostname ?? null, r.description ?? null]),
		[
			['10.80.0.5', null, 'in-use', null, 'web-5.corp.example', 'front end'],
			['10.80.0.6', 'Blue', 'in-use', 'dynamic', '', ''],
		],
	);
	const prefixes = await read(path.join(fixtures, 'netbox-export-prefixes.csv'));
	assert.deepEqual(prefixes.issues.map(i => formatImportIssue('x', i)), []);
	assert.deepEqual(
		prefixes.rows.map(r => (r.kind === 'subnet' ? [formatPrefix(r.prefix), r.vlan ?? null, r.description ?? null, r.space ?? null] : [])),
		[
			['10.80.0.0/24', 80, 'server LAN', null],
			['10.80.1.0/24', null, '', null],
		],
	);
	const aggregates = await read(path.join(fixtures, 'netbox-export-aggregates.csv'));
	assert.equal(aggregates.header.kind, 'block');
	assert.deepEqual(aggregates.rows.map(r => (r.kind === 'block' ? [formatPrefix(r.prefix), r.rir, r.description] : [])), [['10.0.0.0/8', 'RFC 1918', 'private space']]);
});

test('phpIPAM subnet export: "NA" is no VLAN, a folder row is passed over with a remark, the Customer column is known', async () => {
	const subnets = await read(path.join(fixtures, 'phpipam-subnets-export.csv'));
	assert.deepEqual(subnets.issues.map(i => formatImportIssue('x', i)), []);
	assert.deepEqual(subnets.notes.map(i => formatImportIssue('x', i)), ['x:3: column "Subnet": "Printers (folder)" is a phpIPAM folder, not a subnet: row passed over']);
	assert.deepEqual(
		subnets.rows.map(r => (r.kind === 'subnet' ? [formatPrefix(r.prefix), r.name, r.vlan ?? null] : [])),
		[
			['10.21.0.0/16', 'Branch block', null],
			['10.21.4.0/24', 'Branch 4', 140],
		],
	);
});
