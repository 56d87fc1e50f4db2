// `ipam track`, `ipam events`, `ipam logons import` and `ipam retention` through the built binary (dist/cli.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';
import { insertLogons } from '../../store/logons.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function ipam(db: string, ...args: string[]) {
	const run = () => spawnSync(process.execPath, [cli, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'Europe/Berlin', IPAM_USER: 'tester' } });
	let r = run();
	// dist/ is shared with other builds running at the same time: a half-written module is retried once.
	if (/ERR_MODULE_NOT_FOUND|does not provide an export named|SyntaxError/.test(r.stderr)) {
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
		r = run();
	}
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Yesterday 14:00 in the child's zone (Europe/Berlin), as epoch seconds. */
function yesterdayAt(hour: number, minute = 0): number {
	const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });
	const day = fmt.format(new Date(Date.now() - 86400_000));
	// Berlin is UTC+1 or +2: find the offset by formatting a guess.
	for (const offset of [1, 2]) {
		const guess = Date.parse(`${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+0${offset}:00`) / 1000;
		const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(guess * 1000));
		if (parts === `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`) return guess;
	}
	throw new Error('no Berlin offset fits');
}

async function seeded(): Promise<string> {
	const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-track-cli-')), 'ipam.db');
	const store = await Store.open(db);
	const t = yesterdayAt(14, 0);
	await store.insertMany('server', ['id', 'name', 'kind'], [[1, 'dhcp-a', 'windows'], [2, 'dhcp-b', 'windows']]);
	await store.insertMany('client', ['id', 'key', 'mac'], [[1, 'mac:00:15:5d:00:00:01', '00:15:5d:00:00:01'], [2, 'mac:00:15:5d:00:00:02', '00:15:5d:00:00:02']]);
	await store.insertMany('host', ['id', 'name', 'name_lc'], [[1, 'PC-001.corp.example', 'pc-001.corp.example'], [2, 'evil\u001b[2J', 'evil\u001b[2j']]);
	await store.insertMany(
		'lease_event',
		['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id', 'client_ref', 'host_ref', 'expires'],
		[
			[t - 7200, 1, 4, '0a010222', 1, 2, 2, t - 3600],
			[t, 1, 4, '0a010222', 1, 1, 1, t + 28800],
			[t + 4, 1, 4, '0a010222', 2, 1, 1, t + 28804],
			[t + 1800, 1, 6, '20010db8000000000000000000000034', 1, 1, 1, t + 90000],
		],
	);
	await insertLogons(store, [{ ts: t + 120, kind: 4624, user: 'alice', domain: 'CORP', host: 'PC-001', ip: '10.1.2.34', family: 4, logonId: '0x1' }]);
	await store.run(`INSERT INTO config_event (ts, server_id, kind, object_key, actor, before, after) VALUES (?, 1, 'scope-changed', '10.1.2.0/24', 'CORP\\admin', ?, ?)`, [
		t - 60,
		JSON.stringify({ name: 'Floor 2', options: { router: '10.1.2.1' } }),
		JSON.stringify({ name: 'Floor 2', options: { router: '10.1.2.254' } }),
	]);
	await store.close();
	return db;
}

const built = fs.existsSync(cli);

test('"who had 10.1.2.34 at 14:23 yesterday" in one command', { skip: !built && 'dist/cli.js absent: run npm run build' }, async () => {
	const db = await seeded();
	const r = ipam(db, 'track', '10.1.2.34', '--at', 'yesterday 14:23');
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /10\.1\.2\.34 was held by 00:15:5d:00:00:01 \(PC-001\.corp\.example\), user CORP\\alice\./);
	assert.match(r.stdout, /dhcp-a, dhcp-b/);
	const json = JSON.parse(ipam(db, 'track', '10.1.2.34', '--from', 'yesterday 11:00', '--to', 'yesterday 23:00', '--json').stdout);
	assert.deepEqual(json.rows.map((row: { mac: string; end: string }) => [row.mac, row.end]), [['00:15:5d:00:00:02', 'lease-end'], ['00:15:5d:00:00:01', 'lease-end']]);
	assert.equal(json.rows[0].fromTs, yesterdayAt(12, 0));
	const csv = ipam(db, 'track', '00-15-5D-00-00-01', '--csv');
	assert.equal(csv.code, 0);
	assert.deepEqual(csv.stdout.trim().split('\n').slice(1).map(l => l.split(',')[3]), ['10.1.2.34', '2001:db8::34']);
});

test('track by host, user, and the exit codes for nothing found and bad input', { skip: !built && 'dist/cli.js absent: run npm run build' }, async () => {
	const db = await seeded();
	assert.match(ipam(db, 'track', 'pc-00').stdout, /10\.1\.2\.34/);
	assert.match(ipam(db, 'track', 'CORP\\alice').stdout, /PC-001\s+CORP\\alice/);
	const evil = ipam(db, 'track', '10.1.2.34', '--at', 'yesterday 12:30');
	assert.ok(!evil.stdout.includes('\u001b'), 'host names are sanitized');
	assert.match(evil.stdout, /no logon seen/);
	assert.equal(ipam(db, 'track', '10.9.9.9').code, 4);
	assert.equal(ipam(db, 'track', '10.1.2.34', '--at', 'yesterday 11:00').code, 4);
	const bad = ipam(db, 'track', '10.1.2.34', '--at', 'the day before');
	assert.equal(bad.code, 3);
	assert.match(bad.stderr, /"the day before" is not a time/);
	assert.equal(ipam(db, 'track').code, 2);
	assert.equal(ipam(db, 'track', 'x', '--kind', 'vlan').code, 2);
});

test('events: lists every kind newest first, filters, and shows config diffs', { skip: !built && 'dist/cli.js absent: run npm run build' }, async () => {
	const db = await seeded();
	const all = ipam(db, 'events');
	assert.equal(all.code, 0, all.stderr);
	const kinds = all.stdout.trim().split('\n').slice(1).map(l => l.split(/\s{2,}/)[1]);
	assert.deepEqual(kinds, ['lease', 'logon', 'lease', 'lease', 'config', 'lease']);
	const config = ipam(db, 'events', '--kind', 'config', '--diff');
	assert.match(config.stdout, /~ options\.router: "10\.1\.2\.1" → "10\.1\.2\.254"/);
	const json = JSON.parse(ipam(db, 'events', '--kind', 'lease,logon', '--server', 'dhcp-b', '--json').stdout);
	assert.deepEqual(json.map((e: { kind: string; server: string }) => [e.kind, e.server]), [['lease', 'dhcp-b']]);
	assert.equal(ipam(db, 'events', '--server', 'nope').code, 4);
	assert.equal(ipam(db, 'events', '--kind', 'dns').code, 2);
});

test('logons import keeps good rows, reports bad ones by line and field; retention show/set/purge', { skip: !built && 'dist/cli.js absent: run npm run build' }, async () => {
	const db = await seeded();
	const dir = path.dirname(db);
	const csv = path.join(dir, 'vpn.csv');
	fs.writeFileSync(csv, 'Timestamp,User Name,Client IP,Action\n2026-11-20T08:00:00Z,CORP\\bob,10.1.2.40,login\nnot-a-time,carol,10.1.2.41,login\n2026-11-20T09:00:00Z,dave,10.1.2.999,login\n2026-11-20T10:00:00Z,,10.1.2.43,login\n2026-11-20T18:00:00Z,bob@corp.example,10.1.2.40,logout\n');
	const r = ipam(db, 'logons', 'import', csv);
	assert.equal(r.code, 6, r.stderr);
	assert.match(r.stderr, /vpn\.csv:3: time: "not-a-time"/);
	assert.match(r.stderr, /vpn\.csv:4: ip: "10\.1\.2\.999" is not an IPv4 or IPv6 address/);
	assert.match(r.stderr, /vpn\.csv:5: user: missing/);
	assert.match(r.stdout, /2 logon records read, 2 new/);
	const jsonl = path.join(dir, 'sso.jsonl');
	fs.writeFileSync(jsonl, '{"time": 1763629200, "user": "erin", "host": "MAC-7", "ip": "2001:db8::7"}\n{broken\n');
	const j = ipam(db, 'logons', 'import', jsonl, '--json');
	assert.equal(j.code, 6);
	assert.deepEqual(JSON.parse(j.stdout).issues.map((i: { line: number }) => i.line), [2]);
	assert.match(ipam(db, 'track', 'bob').stdout, /10\.1\.2\.40/);
	assert.match(ipam(db, 'retention', 'show').stdout, /retention: 1095 days/);
	assert.equal(ipam(db, 'retention', 'set', 'zero').code, 3);
	assert.equal(ipam(db, 'retention', 'set', '3').code, 0);
	const purge = ipam(db, 'retention', 'purge', '--json');
	assert.deepEqual(JSON.parse(purge.stdout), { dryRun: false, cutoff: JSON.parse(purge.stdout).cutoff, lease_event: 0, logon_event: 3, config_event: 0 });
	assert.match(ipam(db, 'events', '--kind', 'audit').stdout, /update setting\s+setting\s+tester \(cli\)\s+retention\.days 1095 → 3/);
	const compact = ipam(db, 'retention', 'compact', '--all', '--json');
	assert.equal(compact.code, 0, compact.stderr);
	const packed = JSON.parse(compact.stdout) as { buckets: number; chunksBefore: number; chunksAfter: number };
	assert.ok(packed.chunksAfter <= packed.chunksBefore, compact.stdout);
	assert.match(ipam(db, 'retention', 'compact').stdout, /^compacted 0 time bucket\(s\)/);
});

test('logons collect: Get-WinEvent through node-powershell (fake pwsh, constructed recordings) into the store', { skip: !built && 'dist/cli.js absent: run npm run build' }, async () => {
	const db = await seeded();
	const fixtures = path.join(root, 'test', 'fixtures', 'windows-logons');
	const r = spawnSync(process.execPath, [cli, '--db', db, 'logons', 'collect', 'dc1', '--since', '2026-01-01'], {
		encoding: 'utf8',
		env: { ...process.env, NODE_POWERSHELL: path.join(fixtures, 'fake-pwsh.mjs'), FAKE_PWSH_ROUTES: path.join(fixtures, 'routes.json') },
	});
	assert.equal(r.status, 6, r.stderr);
	assert.match(r.stdout, /dc1: 11 events read, 8 logon records, 7 new, 1 computer accounts skipped/);
	assert.match(r.stderr, /no <System>/);
	assert.ok(!r.stdout.includes('\u001b'));
	const down = spawnSync(process.execPath, [cli, '--db', db, 'logons', 'collect', 'dc-down'], {
		encoding: 'utf8',
		env: { ...process.env, NODE_POWERSHELL: path.join(fixtures, 'fake-pwsh.mjs'), FAKE_PWSH_ROUTES: path.join(fixtures, 'routes.json') },
	});
	assert.equal(down.status, 1);
	assert.match(down.stderr, /RPC server is unavailable/);
	assert.match(ipam(db, 'track', 'dave').stdout, /2001:db8::25\s+/);
});
