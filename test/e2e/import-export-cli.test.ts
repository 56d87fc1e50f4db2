// `ipam import` and `ipam export` through the built binary (dist/cli.js): reporting, dry run, inventory sync, atomicity, round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// IPAM_CLI points at another build (a private one while others rebuild dist/ in the same tree).
const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');
const fixtures = path.join(root, 'test', 'fixtures', 'csv');
const shared = path.resolve(root, '..', 'shared', 'samples');

function ipam(db: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [cli, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', IPAM_USER: 'tester' } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-import-cli-'));
}

function write(dir: string, name: string, text: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
}

/** Every row of every table, ids and timestamps included: what "unchanged" means for the store's content. */
async function dump(db: string): Promise<string> {
	const store = await Store.open(db, { readonly: true });
	try {
		const tables = await store.all<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
		const out: Record<string, unknown[]> = {};
		for (const { name } of tables) out[name] = await store.all(`SELECT * FROM "${name}" ORDER BY 1, 2`);
		return JSON.stringify(out, (_, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v));
	} finally {
		await store.close();
	}
}

/** The address space as exports see it (no ids, no timestamps), for comparing two stores. */
function exported(db: string): string {
	return ['block', 'subnet', 'range', 'address'].map(k => ipam(db, 'export', k).stdout).join('\n');
}

test('the built binary exists (npm run build)', () => {
	assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build`);
});

test('bad rows are reported as file:line: column "X": reason, good rows land, exit 6, error CSV written', () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	const file = path.join(dir, 'addresses.csv');
	fs.copyFileSync(path.join(fixtures, 'ms-addresses-english.csv'), file);
	const r = ipam(db, 'import', file, '--errors');
	assert.equal(r.code, 6, r.stderr);
	assert.deepEqual(r.stderr.trim().split('\n'), [
		`${file}:4: column "IpAddress": "10.1.0.300" is not an IPv4 address: 300 is greater than 255`,
		`${file}:5: column "IpAddressState": "Busy" is not one of In-Use, Inactive, Reserved`,
		`${file}:6: column "MacAddress": "00:11:22" is not a MAC address: expected six octets such as aa:bb:cc:dd:ee:ff`,
		`${file}:8: column "ExpiryDate": "2030-02-30" is not a valid date`,
	]);
	assert.match(r.stdout, /imported MS IPAM addresses: 3 created, 0 updated, 0 unchanged; 4 rejected/);
	const list = ipam(db, 'export', 'address').stdout.trim().split('\n');
	assert.deepEqual(
		list.slice(1).map(l => l.split(',')[0]),
		['10.1.0.10', '10.1.0.11', 'fe80::1'],
	);
	const errors = fs.readFileSync(`${file}.errors.csv`, 'utf8').trim().split('\n');
	assert.equal(errors[0], 'IpAddress,ManagedByService,ServiceInstance,DeviceType,IpAddressState,AssignmentType,MacAddress,ExpiryDate,Description,Site,Error');
	assert.equal(errors.length, 5);
	assert.match(errors[2], /^10\.1\.0\.12,IPAM,Localhost,Host,Busy,Static,.*"line 5: column ""IpAddressState"": ""Busy"" is not one of/);
});

test('a header that fits nothing exits 3 naming the column, and changes nothing', async () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	ipam(db, 'import', path.join(fixtures, 'ms-subnets-localized.csv'));
	const before = await dump(db);
	const file = write(dir, 'bad.csv', 'IpAddress,Colour\n10.0.0.1,red\n');
	const r = ipam(db, 'import', file);
	assert.equal(r.code, 3);
	assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: column "Colour": not a MS IPAM address column nor a custom field`));
	assert.equal(await dump(db), before);
	const none = ipam(db, 'import', write(dir, 'allbad.csv', 'IpAddress\n10.0.0.300\nnope\n'));
	assert.equal(none.code, 3);
	assert.equal(await dump(db), before);
});

test('--dry-run prints creates, updates with changed fields and inventory deletes, and leaves the store unchanged', async () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	const first = write(dir, 'vmm.csv', 'IpAddress,ManagedByService,ServiceInstance,Description,IpAddressState\n10.5.0.1,VMM,scvmm1,alpha,In-Use\n10.5.0.2,VMM,scvmm1,beta,In-Use\n10.5.0.3,VMM,scvmm1,gamma,In-Use\n');
	assert.equal(ipam(db, 'import', first).code, 0);
	const before = await dump(db);
	const next = write(dir, 'vmm2.csv', 'IpAddress,Description,IpAddressState\n10.5.0.1,alpha,In-Use\n10.5.0.2,BETA,Inactive\n10.5.0.9,new,In-Use\n');
	const r = ipam(db, 'import', next, '--dry-run', '--inventory', '--managed-by', 'vmm', '--service-instance', 'scvmm1');
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(r.stdout.trim().split('\n'), [
		'+ address 10.5.0.9 (VMM/scvmm1) [Default] (line 4)',
		'~ address 10.5.0.2 (VMM/scvmm1) [Default] (line 3): description "beta" → "BETA", status "in-use" → "inactive"',
		'- address 10.5.0.3 (VMM/scvmm1)',
		`${next}: would import MS IPAM addresses: 1 created, 1 updated, 1 unchanged, 1 deleted`,
	]);
	assert.equal(await dump(db), before, 'a dry run changed the store');
	// The same import for real does what the dry run said.
	const real = ipam(db, 'import', next, '--inventory', '--managed-by', 'vmm', '--service-instance', 'scvmm1');
	assert.equal(real.code, 0, real.stderr);
	assert.match(real.stdout, /1 created, 1 updated, 1 unchanged, 1 deleted/);
	const rows = ipam(db, 'export', 'address').stdout.trim().split('\n').slice(1).map(l => l.split(',').slice(0, 5).join(','));
	assert.deepEqual(rows, ['10.5.0.1,VMM,scvmm1,,alpha', '10.5.0.2,VMM,scvmm1,,BETA', '10.5.0.9,VMM,scvmm1,,new']);
	const audit = await Store.open(db, { readonly: true });
	const entries = await audit.all<{ action: string; object_kind: string; summary: string; actor: string; source: string }>(
		`SELECT action, object_kind, summary, actor, source FROM audit WHERE source = 'import' ORDER BY id`,
	);
	await audit.close();
	assert.ok(entries.some(e => e.action === 'delete' && e.summary.includes('10.5.0.3') && e.actor === 'tester'));
	assert.ok(entries.some(e => e.action === 'import' && e.summary.startsWith(`import ${next}: 1 created, 1 updated, 1 deleted`)));
});

test('--dry-run shows custom-field values and tags added, changed and removed, as text, --json and --csv', async () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	assert.equal(ipam(db, 'field', 'add', 'Apps', '--multi').code, 0);
	assert.equal(ipam(db, 'field', 'add', 'Cost').code, 0);
	const first = write(dir, 'a.csv', 'prefix,name,tags,Site,Apps,Cost\n10.0.0.0/8,ten,core;blue,Paris,web;db,5\n172.16.0.0/12,lab,red,Lyon,,\n');
	assert.equal(ipam(db, 'import', first).code, 0);
	const before = await dump(db);
	// 10/8: Site changed, Apps changed (a set), Cost kept (an empty cell leaves a value), tag blue removed and green added;
	// 172.16/12: Cost added only (the planner sees no column change; RED is its tag red); 192.168/16: new, with its values.
	const next = write(dir, 'b.csv', 'prefix,name,tags,Site,Apps,Cost\n10.0.0.0/8,ten,core;green,Nice,db;mail,\n172.16.0.0/12,lab,RED,Lyon,,7\n192.168.0.0/16,home,x,Home,,\n');
	const text = ipam(db, 'import', next, '--dry-run');
	assert.equal(text.code, 0, text.stderr);
	assert.deepEqual(text.stdout.trim().split('\n'), [
		'+ block 192.168.0.0/16 [Default] (line 4): field Site added "Home", tag +x',
		'~ block 10.0.0.0/8 [Default] (line 2): field Site "Paris" → "Nice", field Apps "db;web" → "db;mail", tag +green, tag -blue',
		'~ block 172.16.0.0/12 [Default] (line 3): field Cost added "7"',
		`${next}: would import ipam blocks: 1 created, 2 updated, 0 unchanged, 0 deleted`,
	]);
	const json = ipam(db, 'import', next, '--dry-run', '--json');
	assert.equal(json.code, 0, json.stderr);
	const doc = JSON.parse(json.stdout);
	assert.deepEqual(doc.changes[1], {
		op: 'update',
		object: 'block 10.0.0.0/8',
		space: 'Default',
		line: 2,
		changes: [],
		customFields: [
			{ field: 'Site', op: 'changed', before: ['Paris'], after: ['Nice'] },
			{ field: 'Apps', op: 'changed', before: ['db', 'web'], after: ['db', 'mail'] },
		],
		tags: { added: ['green'], removed: ['blue'] },
	});
	assert.deepEqual(doc.changes[0].tags, { added: ['x'], removed: [] });
	assert.deepEqual([doc.summary.created, doc.summary.updated, doc.summary.unchanged], [1, 2, 0]);
	const csv = ipam(db, 'import', next, '--dry-run', '--csv');
	assert.equal(csv.code, 0, csv.stderr);
	assert.deepEqual(csv.stdout.trim().split('\n'), [
		'op,object,space,line,what,name,change,before,after',
		'create,block 192.168.0.0/16,Default,4,custom-field,Site,added,,Home',
		'create,block 192.168.0.0/16,Default,4,tag,x,added,,',
		'update,block 10.0.0.0/8,Default,2,custom-field,Site,changed,Paris,Nice',
		'update,block 10.0.0.0/8,Default,2,custom-field,Apps,changed,db;web,db;mail',
		'update,block 10.0.0.0/8,Default,2,tag,green,added,,',
		'update,block 10.0.0.0/8,Default,2,tag,blue,removed,,',
		'update,block 172.16.0.0/12,Default,3,custom-field,Cost,added,,7',
	]);
	assert.match(csv.stderr, /would import ipam blocks: 1 created, 2 updated/);
	assert.equal(await dump(db), before, 'a dry run changed the store');
	// Importing it for real leaves nothing for a second dry run to show.
	assert.equal(ipam(db, 'import', next).code, 0);
	assert.deepEqual(ipam(db, 'import', next, '--dry-run').stdout.trim().split('\n'), [`${next}: would import ipam blocks: 0 created, 0 updated, 3 unchanged, 0 deleted`]);
});

test('inventory sync deletes nothing when a row was rejected (it may be an object to keep)', () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	ipam(db, 'import', write(dir, 'a.csv', 'IpAddress,ManagedByService,ServiceInstance\n10.8.0.1,VMM,v\n10.8.0.2,VMM,v\n10.8.0.3,VMM,v\n'));
	const file = write(dir, 'b.csv', 'IpAddress,MacAddress\n10.8.0.1,\n10.8.0.2,zz:zz\n');
	const r = ipam(db, 'import', file, '--inventory', '--managed-by', 'VMM', '--service-instance', 'v');
	assert.equal(r.code, 6);
	assert.match(r.stderr, /:3: column "MacAddress": "zz:zz" is not a MAC address/);
	assert.match(r.stderr, /inventory deletions skipped because rows were rejected/);
	assert.equal(ipam(db, 'export', 'address').stdout.trim().split('\n').length, 4);
});

test('an update touches only the columns the file has', () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	ipam(db, 'import', write(dir, 'a.csv', 'IpAddress,Description,Owner,MacAddress\n10.6.0.1,desk,alice,00:11:22:33:44:55\n'));
	const r = ipam(db, 'import', write(dir, 'b.csv', 'IpAddress,Owner\n10.6.0.1,bob\n'));
	assert.equal(r.code, 0, r.stderr);
	const [header, row] = ipam(db, 'export', 'address').stdout.trim().split('\n').map(l => l.split(','));
	const cell = (name: string) => row[header.indexOf(name)];
	assert.deepEqual([cell('description'), cell('owner'), cell('mac')], ['desk', 'bob', '00:11:22:33:44:55']);
});

test('a failure while writing rolls the whole import back', async () => {
	const dir = tmpDir();
	const db = path.join(dir, 'ipam.db');
	ipam(db, 'import', write(dir, 'ok.csv', 'IpAddress,DeviceName\n10.7.0.1,keep\n'));
	// A trigger stands in for a crash in the middle of the batch (disk full, constraint, kill).
	const store = await Store.open(db);
	await store.exec(`CREATE TRIGGER boom BEFORE INSERT ON address WHEN NEW.hostname = 'boom' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
	await store.close();
	const before = await dump(db);
	const rows = ['IpAddress,DeviceName', '10.7.0.1,changed'];
	for (let i = 2; i < 3000; i++) rows.push(`10.7.${i >> 8}.${i & 255},${i === 2500 ? 'boom' : `h${i}`}`);
	const r = ipam(db, 'import', write(dir, 'big.csv', rows.join('\n') + '\n'));
	assert.equal(r.code, 1);
	assert.match(r.stderr, /simulated failure/);
	assert.equal(await dump(db), before);
});

test('round trip: import → export → import into a new store gives the same address space', async () => {
	const dir = tmpDir();
	const a = path.join(dir, 'a.db');
	const b = path.join(dir, 'b.db');
	const blocks = write(dir, 'blocks.csv', 'prefix,name,description,rir,space,tags\n10.0.0.0/8,ten,"private, RFC 1918",IANA,Default,core\n2001:db8::/32,doc,,RIPE,Default,\n10.0.0.0/8,lab,,,Lab,\n');
	const subnets = write(dir, 'subnets.csv', 'NetworkId,Name,Description,VlanId,AddressSpace,Environment\n10.1.0.0/24,office,"=2+3",10,Default,Production\n10.1.1.0/24,"lab ""east""",,,Default,Lab\n2001:db8:1::/64,v6,,,Default,\n10.1.0.0/24,lab-copy,,,Lab,\n');
	const ranges = write(dir, 'ranges.csv', 'NetworkId,StartIPAddress,EndIPAddress,ManagedByService,ServiceInstance,AssignmentType,Name\n10.1.0.0/24,10.1.0.100,10.1.0.199,IPAM,localhost,Dynamic,pool\n10.1.1.0/24,10.1.1.10,10.1.1.20,VMM,scvmm,Reserved,\n');
	const addresses = write(
		dir,
		'addresses.csv',
		'IpAddress,ManagedByService,ServiceInstance,DeviceType,IpAddressState,AssignmentType,MacAddress,AssignmentDate,ExpiryDate,Description,Owner,ClientId,DeviceName,Site\n' +
			'10.1.0.5,IPAM,localhost,Router,In-Use,Static,00:15:5d:00:00:01,2024-01-02 03:04:05,2030-06-30T12:00:00Z,"gw, main",net,,gw1,Paris\n' +
			'10.1.0.150,IPAM,localhost,Host,Reserved,Dynamic,,,,"@SUM(A1)",,01:00:15:5d:00:00:02,pc-150,\n' +
			'10.1.0.5,VMM,scvmm,Host,Inactive,VIP,,,,,,,,\n' +
			'2001:db8:1::5,IPAM,localhost,Host,In-Use,Auto,,,,,,,v6host,Lyon\n',
	);
	for (const f of [blocks, subnets, ranges, addresses]) {
		const r = ipam(a, 'import', f);
		assert.equal(r.code, 0, `${f}: ${r.stderr}`);
	}
	const first = exported(a);
	assert.match(first, /'=2\+3/, 'formula cells are guarded in the export');
	assert.match(first, /'@SUM\(A1\)/);
	for (const kind of ['block', 'subnet', 'range', 'address']) {
		const file = path.join(dir, `${kind}.export.csv`);
		assert.equal(ipam(a, 'export', kind, '-o', file).code, 0);
		const r = ipam(b, 'import', file);
		assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
	}
	assert.equal(exported(b), first);
	// Importing the export again into the same store changes nothing.
	const again = ipam(a, 'import', path.join(dir, 'address.export.csv'));
	assert.match(again.stdout, /0 created, 0 updated, 4 unchanged/);
	// Parents and utilization are the writers' work; they must agree between the two stores too.
	const parents = async (db: string) => {
		const s = await Store.open(db, { readonly: true });
		try {
			return await s.all(
				`SELECT hex(a.ip) AS ip, a.managed_by, hex(sn.start) AS subnet, hex(r.start) AS range, sn.used AS subnet_used
					FROM address a LEFT JOIN subnet sn ON sn.id = a.subnet_id LEFT JOIN range r ON r.id = a.range_id ORDER BY 1, 2`,
			);
		} finally {
			await s.close();
		}
	};
	assert.deepEqual(await parents(b), await parents(a));
	assert.ok((await parents(a)).some(p => (p as { range: string | null }).range === '0A010064'));
});

test('ms-ipam and netbox exports import back', () => {
	const dir = tmpDir();
	const a = path.join(dir, 'a.db');
	ipam(a, 'import', write(dir, 's.csv', 'NetworkId,Name,VlanId\n10.2.0.0/24,s1,20\n'));
	ipam(a, 'import', write(dir, 'r.csv', 'NetworkId,StartIPAddress,EndIPAddress,AssignmentType\n10.2.0.0/24,10.2.0.10,10.2.0.20,Dynamic\n'));
	ipam(a, 'import', write(dir, 'x.csv', 'IpAddress,IpAddressState,AssignmentType,DeviceName\n10.2.0.11,In-Use,Dynamic,h11\n10.2.0.50,Reserved,Static,h50\n'));
	for (const format of ['ms-ipam', 'netbox']) {
		const b = path.join(dir, `${format}.db`);
		for (const kind of ['subnet', 'range', 'address']) {
			const file = path.join(dir, `${format}-${kind}.csv`);
			assert.equal(ipam(a, 'export', kind, '--format', format, '-o', file).code, 0);
			const r = ipam(b, 'import', file, '--format', format);
			assert.equal(r.code, 0, `${format} ${kind}: ${r.stderr}\n${fs.readFileSync(file, 'utf8')}`);
		}
		const rows = ipam(b, 'export', 'address').stdout.trim().split('\n').slice(1).map(l => l.split(',').slice(0, 4).join(','));
		assert.deepEqual(rows, ['10.2.0.11,IPAM,,h11', '10.2.0.50,IPAM,,h50'], format);
	}
});

test('the shared real-world samples import through the binary (../shared samples)', t => {
	if (!fs.existsSync(shared)) return t.skip(`../shared absent: ${shared}`);
	const db = path.join(tmpDir(), 'ipam.db');
	const run = (file: string) => ipam(db, 'import', path.join(shared, file));
	const block = run('ms-ipam-csv/msdocs_ipam-import-block_spaces-after-commas.csv');
	assert.equal(block.code, 0, block.stderr);
	assert.match(block.stderr, /column "end IP address": 65\.52\.255\.255 is not the last address of 65\.52\.0\.0\/14 .*\(accepted\)/);
	assert.equal(run('ms-ipam-csv/msdocs_ipam-import-range_curly-quotes.csv').code, 0);
	assert.equal(run('ms-ipam-csv/msdocs_ipam-import-addresses_lowercase-headers.csv').code, 0);
	assert.equal(run('netbox-phpipam/netbox-test_aggregates_import.csv').code, 0);
	const ranges = run('netbox-phpipam/netbox-test_ip-ranges_import_single-address-range.csv');
	assert.equal(ranges.code, 0, ranges.stderr);
	assert.match(ranges.stdout, /new address spaces: VRF 1/);
	assert.equal(run('netbox-phpipam/netbox-test_ip-addresses_import.csv').code, 0);
	const addresses = ipam(db, 'export', 'address', '--space', 'VRF 1').stdout;
	assert.match(addresses, /^192\.0\.2\.4,IPAM,/m);
	assert.match(ipam(db, 'export', 'block').stdout, /^65\.52\.0\.0\/14,,,ARIN,Default,$/m);
});
