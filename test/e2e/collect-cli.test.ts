// `ipam server`, `ipam collect` and `ipam task` through the built binary (dist/cli.js): a file-based Kea
// source (memfile CSV), secrets that never show, and one collector per store across processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Store } from '../../store/database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// IPAM_CLI points at another build (a private one while others rebuild dist/ in the same tree).
const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');

function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-collect-cli-'));
}

function ipam(env: Record<string, string>, input: string | undefined, ...args: string[]) {
	const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, env: { ...process.env, IPAM_USER: 'tester', ...env } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As ipam(), without blocking this process (the test's own HTTP server must keep answering). */
function ipamAsync(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, IPAM_USER: 'tester', ...env } });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', d => (stdout += d));
		child.stderr.on('data', d => (stderr += d));
		child.on('close', code => resolve({ code, stdout, stderr }));
	});
}

/** Kea memfile v4 rows: address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context. */
function memfile(rows: [string, string, number, number, string][]): string {
	const header = 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context';
	return [header, ...rows.map(([ip, mac, valid, expire, host]) => `${ip},${mac},,${valid},${expire},1,0,0,${host},0,`)].join('\n') + '\n';
}

test('collect --once reads a file-based Kea server into leases and lease events; a second run diffs', { skip: !fs.existsSync(cli) && 'dist/cli.js absent: run npm run build' }, async () => {
	const dir = tempDir();
	const env = { IPAM_DB: path.join(dir, 'ipam.db'), IPAM_SECRETS: path.join(dir, 'secrets.json') };
	const leases = path.join(dir, 'kea-leases4.csv');
	const now = Math.floor(Date.now() / 1000);
	fs.writeFileSync(
		leases,
		memfile([
			['10.5.0.10', '00:11:22:33:44:10', 3600, now + 3000, 'pc-10'],
			['10.5.0.11', '00:11:22:33:44:11', 3600, now + 3100, 'pc-11'],
			['10.5.0.12', '00:11:22:33:44:12', 3600, now + 3200, 'pc-12'],
		]),
	);
	let r = ipam(env, undefined, 'server', 'add', 'kea-file', '--kind', 'kea', '--transport', 'file', '--leases', leases);
	assert.equal(r.code, 0, r.stderr);
	r = ipam(env, undefined, 'collect', '--once', '--json');
	assert.equal(r.code, 0, r.stderr + r.stdout);
	const out = JSON.parse(r.stdout) as { server: string; ok: boolean; leases: number; events: number }[];
	assert.deepEqual(out.map(o => [o.server, o.ok, o.leases, o.events]), [['kea-file', true, 3, 3]]);

	// The client of .11 released it (Kea appends a copy with valid_lifetime 0); .13 is new.
	fs.appendFileSync(leases, memfile([['10.5.0.11', '00:11:22:33:44:11', 0, now - 10, 'pc-11'], ['10.5.0.13', '00:11:22:33:44:13', 3600, now + 3300, 'pc-13']]).split('\n').slice(1).join('\n'));
	r = ipam(env, undefined, 'collect', '--once', '--server', 'kea-file', '--task', 'leases', '--json');
	assert.equal(r.code, 0, r.stderr);
	assert.equal((JSON.parse(r.stdout) as { events: number }[])[0].events, 2);
	const store = await Store.open(env.IPAM_DB, { readonly: true });
	const kinds = await store.all<{ kind: number; ip: string }>(`SELECT kind, hex(ip) AS ip FROM lease_event ORDER BY id`);
	assert.deepEqual(kinds.slice(3).map(k => [k.kind, k.ip]).sort(), [
		[1, '0A05000D'],
		[3, '0A05000B'],
	]);
	const status = await store.get<{ status: string; collected_at: number }>('SELECT status, collected_at FROM server');
	assert.equal(status!.status, 'ok');
	assert.ok(status!.collected_at >= now);
	await store.close();

	r = ipam(env, undefined, 'task', 'list', 'kea-file');
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /leases\s+5m\s+yes/);
	r = ipam(env, undefined, 'task', 'set', 'kea-file', 'leases', '--interval', '10m');
	assert.equal(r.code, 0, r.stderr);
	assert.match(ipam(env, undefined, 'task', 'list', 'kea-file').stdout, /leases\s+10m/);
	r = ipam(env, undefined, 'task', 'set', 'kea-file', 'leases', '--interval', 'soon');
	assert.equal(r.code, 3);
	assert.match(r.stderr, /not a duration/);
});

test('a secret is stored 0600, used, and never printed, exported or stored in the database', { skip: !fs.existsSync(cli) && 'dist/cli.js absent' }, async () => {
	const dir = tempDir();
	const secret = 'admin:S3cr3t-Value-42';
	const env = { IPAM_DB: path.join(dir, 'ipam.db'), IPAM_SECRETS: path.join(dir, 'conf', 'secrets.json') };
	// A Control Agent stand-in that echoes the credential back inside an error, as a careless server might.
	const seen: string[] = [];
	const agent = http.createServer((req, res) => {
		const auth = String(req.headers.authorization ?? '');
		seen.push(auth);
		const user = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify([{ result: 1, text: `no such account ${user}` }]));
	});
	await new Promise<void>(resolve => agent.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`;
	try {
		let r = ipam(env, secret + '\n', 'server', 'secret', 'kea-ca');
		assert.equal(r.code, 0, r.stderr);
		assert.ok(!r.stdout.includes(secret));
		assert.equal(fs.statSync(env.IPAM_SECRETS).mode & 0o777, 0o600);
		r = ipam(env, undefined, 'server', 'add', 'kea-http', '--kind', 'kea', '--transport', 'http', '--url', url, '--credential', 'kea-ca');
		assert.equal(r.code, 0, r.stderr);
		r = await ipamAsync(env, 'collect', '--once', '--task', 'availability');
		assert.equal(r.code, 1, `the server refused: the run fails (${r.stderr})`);
		assert.equal(seen[0], `Basic ${Buffer.from(secret).toString('base64')}`, 'the collector used the secret');
		const outputs = [
			r,
			ipam(env, undefined, 'server', 'show', 'kea-http'),
			ipam(env, undefined, 'server', 'show', 'kea-http', '--json'),
			ipam(env, undefined, 'server', 'list', '--json'),
			ipam(env, undefined, 'server', 'list', '--csv'),
			ipam(env, undefined, 'task', 'list', '--json'),
		];
		for (const o of outputs) {
			assert.ok(!(o.stdout + o.stderr).includes('S3cr3t'), `no secret in: ${o.stdout}${o.stderr}`);
		}
		assert.match(outputs[1].stdout, /kea-ca \(file\)/);
		assert.match(outputs[1].stdout, /no such account admin:\*\*\*|no such account \*\*\*/);
		const dbBytes = fs.readFileSync(env.IPAM_DB).toString('latin1') + (fs.existsSync(env.IPAM_DB + '-wal') ? fs.readFileSync(env.IPAM_DB + '-wal').toString('latin1') : '');
		assert.ok(!dbBytes.includes('S3cr3t'), 'the secret is nowhere in the database file');

		// A secrets file others can read is refused, with the fix in the message.
		fs.chmodSync(env.IPAM_SECRETS, 0o644);
		r = await ipamAsync(env, 'collect', '--once', '--task', 'availability');
		assert.equal(r.code, 1);
		const shown = ipam(env, undefined, 'server', 'show', 'kea-http').stdout;
		assert.match(shown, /readable by others \(mode 0644\); refusing to use it: run chmod 600/);
		// The environment overrides the file.
		fs.chmodSync(env.IPAM_SECRETS, 0o600);
		seen.length = 0;
		await ipamAsync({ ...env, IPAM_SECRET_KEA_CA: 'other:pw' }, 'collect', '--once', '--task', 'availability');
		assert.equal(seen[0], `Basic ${Buffer.from('other:pw').toString('base64')}`);
		assert.equal(ipam(env, undefined, 'server', 'add', 'x', '--kind', 'kea', '--set', 'apiKey=abc').code, 3);
	} finally {
		agent.close();
	}
});

test('one collector per store across processes: --once refuses while a daemon holds the lock', { skip: !fs.existsSync(cli) && 'dist/cli.js absent' }, async () => {
	const dir = tempDir();
	const env = { IPAM_DB: path.join(dir, 'ipam.db'), IPAM_SECRETS: path.join(dir, 'secrets.json') };
	assert.equal(ipam(env, undefined, 'version').code, 0);
	const daemon = spawn(process.execPath, [cli, 'collect', '--daemon'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	daemon.stderr.on('data', d => (log += d));
	try {
		for (let i = 0; i < 100 && !log.includes('holding the collector lock'); i++) await new Promise(r => setTimeout(r, 100));
		assert.match(log, /holding the collector lock/);
		const r = ipam(env, undefined, 'collect', '--once');
		assert.equal(r.code, 1);
		assert.match(r.stderr, /another collector is running on this store .* pid \d+/);
	} finally {
		daemon.kill('SIGTERM');
		await new Promise(r => daemon.once('exit', r));
	}
	const after = ipam(env, undefined, 'collect', '--once');
	assert.equal(after.code, 0, `the daemon released the lock on SIGTERM: ${after.stderr}`);
});
