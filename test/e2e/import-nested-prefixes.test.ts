// NetBox prefix and phpIPAM subnet files that nest, through the built binary: outer prefixes become blocks, the innermost subnets; the store's own prefixes count too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';
import { formatPrefix } from '../../source/domain/ip.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');
const fixtures = path.join(root, 'test', 'fixtures', 'csv');
const netboxFile = path.join(fixtures, 'netbox-export-nested-prefixes.csv');
const phpipamFile = path.join(fixtures, 'phpipam-nested-subnets.csv');

function ipam(db: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [cli, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', IPAM_USER: 'tester' } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpDb(): { dir: string; db: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-nested-'));
	return { dir, db: path.join(dir, 'ipam.db') };
}

function write(dir: string, name: string, text: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
}

/** Blocks as "space prefix < parent" and subnets as "space prefix in block", read from the store. */
async function tree(db: string): Promise<{ blocks: string[]; subnets: string[] }> {
	const store = await Store.open(db, { readonly: true });
	try {
		const text = (family: number, start: Buffer, length: number) => formatPrefix({ family: family as 4 | 6, network: BigInt(`0x${start.toString('hex')}`), length });
		type Row = { space: string; family: number; start: Buffer; prefix_len: number; pfamily: number | null; pstart: Buffer | null; plen: number | null };
		const read = async (sql: string, sep: string) =>
			(await store.all<Row>(sql)).map(r => `${r.space} ${text(r.family, r.start, r.prefix_len)}${r.pstart ? ` ${sep} ${text(r.pfamily!, r.pstart, r.plen!)}` : ''}`);
		const blocks = await read(
			`SELECT s.name AS space, b.family, b.start, b.prefix_len, p.family AS pfamily, p.start AS pstart, p.prefix_len AS plen
				FROM block b JOIN address_space s ON s.id = b.space_id LEFT JOIN block p ON p.id = b.parent_id ORDER BY s.name, b.family, b.start, b.prefix_len`,
			'<',
		);
		const subnets = await read(
			`SELECT s.name AS space, n.family, n.start, n.prefix_len, p.family AS pfamily, p.start AS pstart, p.prefix_len AS plen
				FROM subnet n JOIN address_space s ON s.id = n.space_id LEFT JOIN block p ON p.id = n.block_id ORDER BY s.name, n.family, n.start, n.prefix_len`,
			'in',
		);
		return { blocks, subnets };
	} finally {
		await store.close();
	}
}

test('a NetBox prefix export: containers and prefixes holding others are blocks at every depth, per VRF, IPv4 and IPv6', async () => {
	const { db } = tmpDb();
	const r = ipam(db, 'import', netboxFile);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /imported NetBox prefixes \(9 as blocks\): 17 created, 0 updated, 0 unchanged; new address spaces: DC-East/);
	assert.deepEqual(await tree(db), {
		blocks: [
			'DC-East 10.1.0.0/16',
			'DC-East 10.1.4.0/22 < 10.1.0.0/16',
			'DC-East fd00:e::/48',
			'Default 10.0.0.0/8',
			'Default 10.1.0.0/16 < 10.0.0.0/8',
			'Default 10.1.2.0/23 < 10.1.0.0/16',
			'Default 172.16.0.0/12',
			'Default 2001:db8::/32',
			'Default 2001:db8:100::/48 < 2001:db8::/32',
		],
		subnets: [
			'DC-East 10.1.2.0/24 in 10.1.0.0/16',
			'DC-East 10.3.1.0/24',
			'DC-East fd00:e:0:10::/64 in fd00:e::/48',
			'Default 10.1.2.0/24 in 10.1.2.0/23',
			'Default 10.1.3.0/24 in 10.1.2.0/23',
			// Its "child" 10.3.1.0/24 is in another VRF: it stays a subnet.
			'Default 10.3.0.0/16 in 10.0.0.0/8',
			'Default 2001:db8:100:2::/64 in 2001:db8:100::/48',
			'Default 2001:db8:100:3::/64 in 2001:db8:100::/48',
		],
	});
	// NetBox's em dash is an empty cell in custom-field columns too (Site is a built-in field).
	assert.doesNotMatch(ipam(db, 'export', 'block').stdout, /\u2014/);
	// The same file again changes nothing.
	assert.match(ipam(db, 'import', netboxFile).stdout, /0 created, 0 updated, 17 unchanged/);
});

test('a phpIPAM subnet export: master subnets are blocks, by nesting and by the Master Subnet column, across VRFs', async () => {
	const { db } = tmpDb();
	const r = ipam(db, 'import', phpipamFile);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /imported phpIPAM prefixes \(7 as blocks\): 15 created/);
	assert.match(r.stderr, /:7: column "Subnet": "Labs \(folder\)" is a phpIPAM folder, not a subnet: row passed over \(accepted\)/);
	assert.deepEqual(await tree(db), {
		blocks: [
			'DC 10.40.0.0/16',
			'DC 10.40.16.0/20 < 10.40.0.0/16',
			'Default 10.40.0.0/16',
			'Default 10.40.8.0/21 < 10.40.0.0/16',
			// Named as the master of a subnet in VRF DC: a container, though it holds nothing in its own space.
			'Default 10.99.0.0/16',
			'Default 2001:db8:40::/48',
			'Default 2001:db8:40:100::/56 < 2001:db8:40::/48',
		],
		subnets: [
			'DC 10.40.16.0/24 in 10.40.16.0/20',
			'DC 10.99.1.0/24',
			'Default 10.40.1.0/24 in 10.40.0.0/16',
			'Default 10.40.8.0/24 in 10.40.8.0/21',
			'Default 10.40.9.0/24 in 10.40.8.0/21',
			'Default 192.168.50.0/24',
			'Default 2001:db8:40:1::/64 in 2001:db8:40::/48',
			'Default 2001:db8:40:101::/64 in 2001:db8:40:100::/56',
		],
	});
});

test('--dry-run shows which rows become blocks and why, as text and JSON, and changes nothing', async () => {
	const { dir, db } = tmpDb();
	ipam(db, 'block', 'add', '192.0.2.0/24');
	const file = write(dir, 'p.csv', 'prefix,vrf,status,description\n10.0.0.0/8,,container,corp\n10.1.0.0/16,,active,hq\n10.1.2.0/24,,active,floor 2\n');
	const before = fs.readFileSync(db);
	const text = ipam(db, 'import', file, '--dry-run');
	assert.equal(text.code, 0, text.stderr);
	assert.deepEqual(text.stdout.trim().split('\n'), [
		'+ block 10.0.0.0/8 [Default] (line 2) (a block: its status is Container)',
		'+ block 10.1.0.0/16 [Default] (line 3) (a block: it holds 10.1.2.0/24 (line 4))',
		'+ subnet 10.1.2.0/24 [Default] (line 4)',
		`${file}: would import NetBox prefixes (2 as blocks): 3 created, 0 updated, 0 unchanged, 0 deleted`,
	]);
	const json = JSON.parse(ipam(db, 'import', file, '--dry-run', '--json').stdout);
	assert.deepEqual(
		json.changes.map((c: { object: string; block?: string }) => [c.object, c.block ?? null]),
		[
			['block 10.0.0.0/8', 'its status is Container'],
			['block 10.1.0.0/16', 'it holds 10.1.2.0/24 (line 4)'],
			['subnet 10.1.2.0/24', null],
		],
	);
	assert.equal(json.summary.blocks, 2);
	assert.deepEqual(fs.readFileSync(db), before, 'a dry run changed the store');
});

test('the store counts: a prefix holding stored subnets is a block, and a prefix stored as a block stays one', async () => {
	const { dir, db } = tmpDb();
	assert.equal(ipam(db, 'import', write(dir, 'a.csv', 'prefix,status\n10.5.1.0/24,active\n10.5.2.0/24,active\n10.6.0.0/16,container\n')).code, 0);
	const next = write(dir, 'b.csv', 'prefix,status,description\n10.5.0.0/16,active,site five\n10.6.0.0/16,active,site six\n');
	assert.deepEqual(ipam(db, 'import', next, '--dry-run').stdout.trim().split('\n').slice(0, 2), [
		'+ block 10.5.0.0/16 [Default] (line 2) (a block: it holds 10.5.1.0/24 (stored))',
		'~ block 10.6.0.0/16 [Default] (line 3) (a block: it is stored as a block): description ∅ → "site six"',
	]);
	const r = ipam(db, 'import', next);
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(await tree(db), {
		blocks: ['Default 10.5.0.0/16', 'Default 10.6.0.0/16'],
		subnets: ['Default 10.5.1.0/24 in 10.5.0.0/16', 'Default 10.5.2.0/24 in 10.5.0.0/16'],
	});
});

test('a prefix stored as a subnet is not turned into a block: the row is refused with what to do, the subnet kept', async () => {
	const { dir, db } = tmpDb();
	assert.equal(ipam(db, 'import', write(dir, 'a.csv', 'prefix,status\n10.7.0.0/16,active\n10.8.0.0/16,active\n')).code, 0);
	const file = write(dir, 'b.csv', 'prefix,status\n10.7.0.0/16,active\n10.7.1.0/24,active\n10.8.1.0/24,container\n10.9.0.0/16,active\n');
	const r = ipam(db, 'import', file);
	assert.equal(r.code, 6, r.stderr);
	const lines = r.stderr.trim().split('\n');
	assert.equal(lines[0], `${file}:2: column "prefix": 10.7.0.0/16 is stored as a subnet and would now be a block (it holds 10.7.1.0/24 (line 3)): an import does not turn a subnet into a block, whose ranges and addresses it holds; delete the subnet (ipam subnet delete) and import again`);
	assert.match(lines[1], /:3: subnet 10\.7\.1\.0\/24 overlaps stored subnet 10\.7\.0\.0\/16/);
	assert.equal(lines[2], `${file}:4: column "prefix": 10.8.1.0/24 would be a block (its status is Container) inside subnet 10.8.0.0/16: blocks hold subnets, not the reverse`);
	assert.deepEqual(await tree(db), { blocks: [], subnets: ['Default 10.7.0.0/16', 'Default 10.8.0.0/16', 'Default 10.9.0.0/16'] });
});

test('a custom field that does not apply to blocks refuses a row that becomes a block, naming its column', async () => {
	const { dir, db } = tmpDb();
	assert.equal(ipam(db, 'field', 'add', 'Rack', '--applies-to', 'subnet').code, 0);
	const file = write(dir, 'p.csv', 'prefix,status,cf_Rack\n10.0.0.0/8,container,R1\n10.1.0.0/24,active,R2\n');
	const r = ipam(db, 'import', file);
	assert.equal(r.code, 6);
	assert.match(r.stderr, /:2: column "cf_Rack": custom field "Rack" does not apply to blocks, and 10\.0\.0\.0\/8 is a block \(its status is Container\)/);
	assert.deepEqual(await tree(db), { blocks: [], subnets: ['Default 10.1.0.0/24'] });
});

test('round trip: a nested NetBox import → export → import into a new store gives the same blocks and subnets', async () => {
	const { dir, db } = tmpDb();
	const other = path.join(dir, 'b.db');
	assert.equal(ipam(db, 'import', netboxFile).code, 0);
	for (const kind of ['block', 'subnet']) {
		const file = path.join(dir, `${kind}.csv`);
		assert.equal(ipam(db, 'export', kind, '-o', file).code, 0);
		const r = ipam(other, 'import', file);
		assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
	}
	assert.deepEqual(await tree(other), await tree(db));
	for (const kind of ['block', 'subnet']) assert.equal(ipam(other, 'export', kind).stdout, ipam(db, 'export', kind).stdout);
});

test('a real import counts a row whose only change is a tag or custom value as updated, as the dry run does', () => {
	const { dir, db } = tmpDb();
	assert.equal(ipam(db, 'import', write(dir, 'a.csv', 'prefix,name,tags,Site\n10.0.0.0/8,ten,core,Paris\n172.16.0.0/12,lab,,Lyon\n')).code, 0);
	const next = write(dir, 'b.csv', 'prefix,name,tags,Site\n10.0.0.0/8,ten,edge,Paris\n172.16.0.0/12,lab,,Nice\n');
	assert.match(ipam(db, 'import', next, '--dry-run').stdout, /0 created, 2 updated, 0 unchanged/);
	assert.match(ipam(db, 'import', next).stdout, /imported ipam blocks: 0 created, 2 updated, 0 unchanged/);
	assert.match(ipam(db, 'import', next).stdout, /0 created, 0 updated, 2 unchanged/);
});
