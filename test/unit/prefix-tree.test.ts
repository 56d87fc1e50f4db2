// Which rows of a NetBox or phpIPAM prefix file are blocks: the export's own word, nesting inside one address space, phpIPAM's master column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrefix, formatPrefix } from '../../source/domain/ip.js';
import { containersInFile } from '../../source/formats/prefix-tree.js';
import { formatImportIssue, readImportFile } from '../../source/formats/ipam-import.js';
import type { SubnetImport } from '../../source/formats/ipam-rows.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'csv');

let line = 1;
function row(prefix: string, extra: Partial<SubnetImport> = {}): SubnetImport {
	return { kind: 'subnet', line: ++line, prefix: parsePrefix(prefix), ...extra };
}

/** The prefixes (with their space) found to be blocks, and why. */
function blocks(rows: SubnetImport[]): string[] {
	return [...containersInFile(rows, 'Default')].map(([r, why]) => `${r.space ?? 'Default'} ${formatPrefix(r.prefix)}: ${why}`);
}

test('nesting three deep, in any row order: every prefix holding another is a block, the innermost are subnets', () => {
	line = 1;
	// Children before parents, siblings interleaved: the file's order does not matter.
	const rows = [row('10.1.2.0/24'), row('10.0.0.0/8'), row('10.1.3.0/24'), row('10.1.2.0/23'), row('10.1.0.0/16'), row('10.2.0.0/16'), row('2001:db8:100:2::/64'), row('2001:db8::/32'), row('2001:db8:100::/48')];
	assert.deepEqual(blocks(rows), [
		'Default 10.0.0.0/8: it holds 10.1.0.0/16 (line 6)',
		'Default 10.1.2.0/23: it holds 10.1.2.0/24 (line 2)',
		'Default 10.1.0.0/16: it holds 10.1.2.0/23 (line 5)',
		'Default 2001:db8::/32: it holds 2001:db8:100::/48 (line 10)',
		'Default 2001:db8:100::/48: it holds 2001:db8:100:2::/64 (line 8)',
	]);
});

test('nesting counts inside one address space only; a prefix in two VRFs is judged in each', () => {
	line = 1;
	const rows = [row('10.3.0.0/16'), row('10.3.1.0/24', { space: 'DC-East' }), row('10.1.0.0/16', { space: 'dc-east' }), row('10.1.2.0/24', { space: 'DC-East' }), row('10.1.0.0/16')];
	// 10.3.0.0/16 stays a subnet (its "child" is in another VRF); Global 10.1.0.0/16 holds nothing in its own space.
	assert.deepEqual(blocks(rows), ['dc-east 10.1.0.0/16: it holds 10.1.2.0/24 (line 5)']);
});

test('the export\'s own word makes a block even without children in the file; duplicates of a prefix share the answer', () => {
	line = 1;
	const rows = [row('172.16.0.0/12', { container: 'its status is Container' }), row('10.9.0.0/16'), row('10.9.0.0/16'), row('10.9.0.0/24'), row('10.8.0.0/16', { container: 'the export counts 4 prefixes inside it' })];
	assert.deepEqual(blocks(rows), [
		'Default 172.16.0.0/12: its status is Container',
		'Default 10.9.0.0/16: it holds 10.9.0.0/24 (line 5)',
		'Default 10.9.0.0/16: it holds 10.9.0.0/24 (line 5)',
		'Default 10.8.0.0/16: the export counts 4 prefixes inside it',
	]);
});

test("phpIPAM's master column makes a block, in the child's VRF first, else across VRFs", () => {
	line = 1;
	const master = (p: string) => ({ master: parsePrefix(p) });
	const rows = [
		row('10.99.0.0/16'),
		row('10.99.1.0/24', { space: 'DC', ...master('10.99.0.0/16') }),
		row('10.50.0.0/16'),
		row('10.50.0.0/16', { space: 'DC' }),
		// Named by a child outside it (phpIPAM allows it): the master is still a container.
		row('10.60.0.0/24', { space: 'DC', ...master('10.50.0.0/16') }),
	];
	assert.deepEqual(blocks(rows), ['Default 10.99.0.0/16: line 3 names it as the master subnet of 10.99.1.0/24', 'DC 10.50.0.0/16: line 6 names it as the master subnet of 10.60.0.0/24']);
});

test('NetBox export: Status "Container" and the Children count are read; phpIPAM export: "/" and "[folder]" masters are no parent', async () => {
	const nb = await readImportFile(path.join(fixtures, 'netbox-export-nested-prefixes.csv'), { customFields: [] });
	assert.ok(nb.ok);
	assert.deepEqual(nb.file.issues.map(i => formatImportIssue('x', i)), []);
	const nbRows = nb.file.rows as SubnetImport[];
	assert.deepEqual(
		nbRows.filter(r => r.container).map(r => `${formatPrefix(r.prefix)} ${r.space ?? ''}: ${r.container}`),
		[
			'10.0.0.0/8 : its status is Container',
			'10.1.0.0/16 : its status is Container',
			'10.1.2.0/23 : the export counts 2 prefixes inside it',
			'172.16.0.0/12 : its status is Container',
			'2001:db8::/32 : its status is Container',
			'2001:db8:100::/48 : the export counts 2 prefixes inside it',
			'10.1.0.0/16 DC-East: its status is Container',
			'10.1.4.0/22 DC-East: the export counts 4 prefixes inside it',
			'fd00:e::/48 DC-East: the export counts 1 prefix inside it',
		],
	);
	const php = await readImportFile(path.join(fixtures, 'phpipam-nested-subnets.csv'), { customFields: [] });
	assert.ok(php.ok);
	const phpRows = php.file.rows as SubnetImport[];
	assert.deepEqual(
		phpRows.map(r => (r.master ? formatPrefix(r.master) : '-')),
		['-', '10.40.0.0/16', '10.40.0.0/16', '10.40.8.0/21', '10.40.8.0/21', '-', '-', '2001:db8:40::/48', '2001:db8:40::/48', '2001:db8:40:100::/56', '-', '10.40.0.0/16', '10.40.16.0/20', '-', '10.99.0.0/16'],
	);
	// NetBox 3.2.2–3.2.3 wrote a child's depth markers into its Prefix cell; the depth still shows in the nesting.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-tree-'));
	fs.writeFileSync(path.join(dir, 'old.csv'), 'Prefix,Status,VRF\n10.51.16.0/20,Active,Global\n"\u2022\n        \n10.51.16.0/24",Active,Global\n"\u2022\n  \u2022\n  10.51.16.0/25",Active,Global\n');
	const old = await readImportFile(path.join(dir, 'old.csv'), { customFields: [] });
	assert.ok(old.ok);
	assert.deepEqual(old.file.issues, []);
	assert.deepEqual(blocks(old.file.rows as SubnetImport[]), ['Default 10.51.16.0/20: it holds 10.51.16.0/24 (line 3)', 'Default 10.51.16.0/24: it holds 10.51.16.0/25 (line 6)']);
	// A master cell that is no prefix is a bad row, reported against its column like any other.
	fs.writeFileSync(path.join(dir, 'bad.csv'), 'Section,Subnet,Description,Master Subnet\nA,10.1.0.0/24,x,10.1.0.0/33\nA,10.2.0.0/24,y,bogus\n');
	const bad = await readImportFile(path.join(dir, 'bad.csv'), { customFields: [] });
	assert.ok(bad.ok);
	assert.deepEqual(
		bad.file.issues.map(i => `${i.line} ${i.column}`),
		['2 Master Subnet', '3 Master Subnet'],
	);
});
