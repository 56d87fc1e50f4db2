// The address-space CLI through the built binary (dist/cli.js) on a temporary store: exit codes,
// --json/--csv output, help on every verb, and bad input that leaves the store unchanged.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = path.join(root, 'dist', 'cli.js');
const skip = !fs.existsSync(built) && 'dist/cli.js absent: run npm run build';

/**
 * A private copy of the build: other work in the same tree may rebuild dist/ while these tests run,
 * and a half-written module would fail a run for no fault of the CLI.
 */
function snapshot(): string {
	if (skip) return built;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-space-cli-build-'));
	for (let attempt = 0; ; attempt++) {
		fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
		fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
		const probe = spawnSync(process.execPath, [path.join(dir, 'dist', 'cli.js'), 'block', '--help'], { encoding: 'utf8' });
		if (probe.status === 0 || attempt === 5) break;
		spawnSync('sleep', ['2']);
	}
	fs.cpSync(path.join(root, 'store', 'migrations'), path.join(dir, 'store', 'migrations'), { recursive: true });
	fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
	fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
	after(() => fs.rmSync(dir, { recursive: true, force: true }));
	return path.join(dir, 'dist', 'cli.js');
}
const cli = snapshot();

function store(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-space-cli-')), 'ipam.db');
}

function ipam(db: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [cli, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, IPAM_USER: 'tester' } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(db: string, ...args: string[]): string {
	const r = ipam(db, ...args);
	assert.equal(r.code, 0, `ipam ${args.join(' ')} failed: ${r.stderr}`);
	return r.stdout;
}

/** A digest of every address-space table, to prove a failed command changed nothing. */
async function digest(db: string): Promise<string> {
	const s = await Store.open(db, { readonly: true });
	const hash = crypto.createHash('sha256');
	for (const t of ['block', 'subnet', 'range', 'address', 'audit', 'free_gap', 'custom_field_value', 'object_tag', 'utilization_history']) {
		hash.update(JSON.stringify(await s.all(`SELECT * FROM ${t}`)));
	}
	await s.close();
	return hash.digest('hex');
}

test('build a plan, read it back as JSON and CSV, and ask where an address lies', { skip }, () => {
	const db = store();
	ok(db, 'block', 'add', '10.0.0.0/8', '--name', 'ten');
	ok(db, 'subnet', 'add', '10.1.2.0/24', '--name', 'office', '--vlan', '12');
	ok(db, 'range', 'add', '10.1.2.10-10.1.2.100', '--type', 'dynamic');
	ok(db, 'address', 'add', '10.1.2.34', '--hostname', 'pc34', '--mac', '00-11-22-33-44-55', '--expires', '2030-01-01');
	const subnets = JSON.parse(ok(db, 'subnet', 'list', '--json')) as Record<string, unknown>[];
	assert.deepEqual(
		subnets.map(s => [s.subnet, s.name, s.vlan, s.used, s.size, s.state]),
		[['10.1.2.0/24', 'office', 12, 1, 256, 'under']],
	);
	const csv = ok(db, 'address', 'list', '--csv').trim().split('\n');
	assert.match(csv[0], /^address,hostname,mac,status/);
	assert.match(csv[1], /^10\.1\.2\.34,pc34,00:11:22:33:44:55,in-use/);
	const where = JSON.parse(ok(db, 'whereis', '10.1.2.40', '--json'));
	assert.deepEqual(where.blocks.map((b: { block: string }) => b.block), ['10.0.0.0/8']);
	assert.equal(where.subnet.subnet, '10.1.2.0/24');
	assert.equal(where.range.range, '10.1.2.10-10.1.2.100');
	assert.deepEqual(where.addresses, []);
	const nowhere = ipam(db, 'whereis', '192.0.2.1');
	assert.equal(nowhere.code, 4);
	const free = JSON.parse(ok(db, 'free', '10.0.0.0/8', '--prefix-len', '24', '--count', '2', '--json'));
	assert.deepEqual(free.map((f: { free: string }) => f.free), ['10.0.0.0/24', '10.0.1.0/24']);
	const next = JSON.parse(ok(db, 'free', '10.1.2.30-10.1.2.40', '--count', '5', '--json'));
	assert.deepEqual(next.map((f: { free: string }) => f.free), ['10.1.2.30', '10.1.2.31', '10.1.2.32', '10.1.2.33', '10.1.2.35']);
	const show = JSON.parse(ok(db, 'block', 'show', '10.0.0.0/8', '--json'));
	assert.equal(show.allocated, 256);
	ok(db, 'field', 'set', 'subnet', '10.1.2.0/24', 'Environment', 'production');
	ok(db, 'tag', 'apply', 'subnet', '10.1.2.0/24', 'core', '--create');
	const detail = JSON.parse(ok(db, 'subnet', 'show', '10.1.2.0/24', '--json'));
	assert.deepEqual(detail.fields, { Environment: ['Production'] });
	assert.deepEqual(detail.tags, ['core']);
	assert.equal(JSON.parse(ok(db, 'utilization', '--kind', 'range', '--json'))[0].used, 1);
	assert.equal(ipam(db, 'conflicts', '--check').code, 0);
});

test('bad input: a clear message, the documented exit code, and the store unchanged', { skip }, async () => {
	const db = store();
	ok(db, 'block', 'add', '10.0.0.0/8');
	ok(db, 'subnet', 'add', '10.1.2.0/24', '--name', 'office');
	ok(db, 'range', 'add', '10.1.2.10-10.1.2.50');
	const before = await digest(db);
	const cases: [string[], number, RegExp][] = [
		[['block', 'add', '10.0.0.1/8'], 3, /"10\.0\.0\.1\/8" has host bits set: the network is 10\.0\.0\.0\/8/],
		[['subnet', 'add', '10.1.2.0/33'], 3, /prefix length 33 is longer than 32/],
		[['subnet', 'add', '10.1.2.128/25'], 5, /overlaps subnet 10\.1\.2\.0\/24 \(id 1, "office"\)/],
		[['range', 'add', '10.1.2.90-10.1.2.60'], 3, /reversed/],
		[['range', 'add', '10.1.2.40-10.1.2.60'], 5, /overlaps range 10\.1\.2\.10-10\.1\.2\.50/],
		[['range', 'add', '10.1.2.250-10.1.3.4'], 5, /crosses the boundary of subnet 10\.1\.2\.0\/24/],
		[['address', 'add', '10.1.2.300'], 3, /300 is greater than 255/],
		[['address', 'add', '10.1.2.7', '--mac', 'zz:zz'], 3, /MAC/],
		[['address', 'add', '10.1.2.7', '--status', 'lost'], 3, /status "lost" is not one of/],
		[['field', 'set', 'subnet', '10.1.2.0/24', 'Nope', 'x'], 3, /unknown custom field "Nope"/],
		[['field', 'set', 'subnet', '10.1.2.0/24', 'Environment', 'Prod'], 3, /not an allowed value/],
		[['subnet', 'show', '10.9.9.0/24'], 4, /no subnet 10\.9\.9\.0\/24/],
		[['subnet', 'list', '--space', 'Nope'], 4, /no address space named "Nope"/],
		[['block', 'frobnicate'], 2, /unknown verb/],
		[['block', 'add'], 2, /missing argument/],
		[['block', 'add', '10.0.0.0/8', '--bogus'], 2, /Unknown option/],
	];
	for (const [args, code, message] of cases) {
		const r = ipam(db, ...args);
		assert.equal(r.code, code, `ipam ${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stderr, message, `ipam ${args.join(' ')}`);
	}
	assert.equal(await digest(db), before);
	// --normalise accepts host bits explicitly.
	assert.match(ok(db, 'block', 'add', '10.1.0.1/16', '--normalise'), /added block 10\.1\.0\.0\/16/);
});

test('every command and verb answers --help', { skip }, () => {
	const db = store();
	const nouns: Record<string, string[]> = {
		space: ['add', 'list', 'show', 'edit', 'delete'],
		block: ['add', 'list', 'show', 'edit', 'delete'],
		subnet: ['add', 'list', 'show', 'edit', 'delete'],
		range: ['add', 'list', 'show', 'edit', 'delete'],
		address: ['add', 'list', 'show', 'edit', 'delete'],
		field: ['add', 'list', 'show', 'edit', 'delete', 'set', 'unset'],
		tag: ['add', 'list', 'delete', 'apply', 'remove'],
		group: ['add', 'list', 'show', 'delete'],
	};
	for (const [noun, verbs] of Object.entries(nouns)) {
		assert.match(ok(db, noun, '--help'), new RegExp(`Usage: ipam ${noun} VERB`));
		for (const verb of verbs) assert.match(ok(db, noun, verb, '--help'), new RegExp(`Usage: ipam ${noun} ${verb}`));
	}
	for (const cmd of ['free', 'whereis', 'utilization', 'conflicts']) assert.match(ok(db, cmd, '--help'), new RegExp(`Usage: ipam ${cmd}`));
});

test('lists page by key: --limit and --after walk the whole list once', { skip }, () => {
	const db = store();
	for (let i = 0; i < 7; i++) ok(db, 'subnet', 'add', `10.0.${i}.0/24`);
	ok(db, 'subnet', 'add', '2001:db8::/64');
	const seen: string[] = [];
	let after: string | undefined;
	for (;;) {
		const page = JSON.parse(ok(db, 'subnet', 'list', '--limit', '3', '--json', ...(after ? ['--after', after] : []))) as { subnet: string }[];
		if (page.length === 0) break;
		seen.push(...page.map(p => p.subnet));
		after = page[page.length - 1].subnet;
	}
	assert.deepEqual(seen, [...Array.from({ length: 7 }, (_, i) => `10.0.${i}.0/24`), '2001:db8::/64']);
});

test('block, subnet and range show their utilization trend: points under --json and --csv, a sparkline and a table as text', { skip }, () => {
	const db = store();
	ok(db, 'block', 'add', '10.0.0.0/16');
	ok(db, 'subnet', 'add', '10.0.1.0/28');
	ok(db, 'range', 'add', '10.0.1.1-10.0.1.4');
	for (const ip of ['10.0.1.1', '10.0.1.2', '10.0.1.3']) ok(db, 'address', 'add', ip);
	const range = JSON.parse(ok(db, 'range', 'show', '10.0.1.1-10.0.1.4', '--json'));
	// Changes within one second keep one figure, so the middle points depend on the clock.
	const points = range.trend.map((p: { used: number; size: number; utilization: number }) => [p.used, p.size, p.utilization]);
	assert.deepEqual([points[0], points.at(-1)], [
		[0, 4, 0],
		[3, 4, 75],
	]);
	assert.ok(range.trend.every((p: { since: string }) => /^\d{4}-\d\d-\d\dT/.test(p.since)));
	assert.equal(JSON.parse(ok(db, 'subnet', 'show', '10.0.1.0/28', '--json')).trend.at(-1).used, 3);
	assert.ok(JSON.parse(ok(db, 'block', 'show', '10.0.0.0/16', '--json')).trend.length >= 1);
	const text = ok(db, 'range', 'show', '10.0.1.1-10.0.1.4');
	assert.match(text, new RegExp(`^utilization trend {2}[▁-█]+ {2}0\\.0% → 75\\.0% {2}since .* \\(${points.length} figures\\)$`, 'm'));
	assert.match(text, /^ {2}SINCE\s+SIZE\s+USED\s+UTIL\s+STATE$/m);
	assert.match(text, /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+4\s+3\s+75\.0%\s+optimal$/m);
	const [header, row] = ok(db, 'range', 'show', '10.0.1.1-10.0.1.4', '--csv').trim().split('\n');
	assert.ok(header.split(',').includes('trend'));
	assert.match(row, /"\[\{""since"":/);
});
