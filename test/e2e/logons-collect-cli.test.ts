// Domain controllers through the built binary (dist/cli.js): `ipam server add --kind windows-dc`, its logons task
// in `ipam task list`, `ipam collect --once`, and `ipam logons collect DC` moving the same cursor.
// Windows is tested against recorded output only: node-powershell runs the stand-in executable named by
// NODE_POWERSHELL (test/fixtures/windows-logons/fake-pwsh.mjs), which replays constructed Get-WinEvent pages.
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
const fixtures = path.join(root, 'test', 'fixtures', 'windows-logons');
const PAGE1_NEWEST = Date.UTC(2026, 0, 28, 17, 2, 44) / 1000;
const PAGE2_NEWEST = Date.UTC(2026, 0, 28, 17, 15, 0) / 1000;

const outputs: { stdout: string; stderr: string }[] = [];

function ipam(env: Record<string, string>, ...args: string[]) {
	const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, IPAM_USER: 'tester', ...env } });
	outputs.push(r);
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a registered DC: logons task listed, collected by collect --once, continued by logons collect from the same cursor', { skip: !fs.existsSync(cli) && 'dist/cli.js absent: run npm run build' }, async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-logons-cli-'));
	const log = path.join(dir, 'pwsh-commands.log');
	const env = {
		IPAM_DB: path.join(dir, 'ipam.db'),
		IPAM_SECRETS: path.join(dir, 'secrets.json'),
		IPAM_SECRET_DC_SVC: 'CORP\\svc-ipam:Pa55-w0rd-9',
		NODE_POWERSHELL: path.join(fixtures, 'fake-pwsh.mjs'),
		FAKE_PWSH_ROUTES: path.join(fixtures, 'routes.json'),
		FAKE_PWSH_LOG: log,
		FAKE_PWSH_CREDENTIAL_LOG: path.join(dir, 'credentials.log'),
	};
	const sinceSent = () =>
		fs
			.readFileSync(log, 'utf8')
			.trim()
			.split('\n')
			.map(l => JSON.parse(l) as string)
			.filter(c => c.includes("-ComputerName 'dc-sched' "))
			.map(c => Number(/FromUnixTimeSeconds\((\d+)\)/.exec(c)?.[1]));

	let r = ipam(env, 'server', 'add', 'dc-sched', '--kind', 'windows-dc', '--credential', 'dc_svc');
	assert.equal(r.code, 0, r.stderr);
	r = ipam(env, 'server', 'add', 'dc-down', '--kind', 'windows-dc');
	assert.equal(r.code, 0, r.stderr);
	r = ipam(env, 'task', 'list', 'dc-sched');
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /logons\s+15m\s+yes/);
	assert.doesNotMatch(r.stdout, /leases|config|availability/);

	r = ipam(env, 'collect', '--once', '--json');
	assert.equal(r.code, 1, 'one DC failed, so the run did');
	const rows = JSON.parse(r.stdout) as { server: string; ok: boolean; error: string }[];
	assert.deepEqual(rows.map(o => [o.server, o.ok]).sort(), [['dc-down', false], ['dc-sched', true]]);
	assert.match(rows.find(o => o.server === 'dc-down')!.error, /RPC server is unavailable/);

	let store = await Store.open(env.IPAM_DB, { readonly: true });
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM logon_event'))!.n, 7);
	await store.close();

	// The manual command continues where the task stopped, and moves the cursor on.
	r = ipam(env, 'logons', 'collect', 'dc-sched', '--json');
	assert.equal(r.code, 0, r.stderr);
	const manual = JSON.parse(r.stdout) as { inserted: number; records: number; next: number };
	assert.deepEqual([manual.records, manual.inserted, manual.next], [4, 4, PAGE2_NEWEST]);

	r = ipam(env, 'collect', '--once', '--server', 'dc-sched', '--task', 'logons');
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(sinceSent().slice(1), [PAGE1_NEWEST, PAGE2_NEWEST], 'each read started at the cursor the previous one left');

	store = await Store.open(env.IPAM_DB, { readonly: true });
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM logon_event'))!.n, 11);
	await store.close();
	r = ipam(env, 'task', 'list', '--json');
	const tasks = JSON.parse(r.stdout) as { server: string; kind: string; last_error: string }[];
	assert.equal(tasks.find(t => t.server === 'dc-sched' && t.kind === 'logons')!.last_error, '');
	assert.match(tasks.find(t => t.server === 'dc-down' && t.kind === 'logons')!.last_error, /RPC server is unavailable/);
	const shown = ipam(env, 'server', 'show', 'dc-sched');
	assert.match(shown.stdout, /dc_svc \(environment\)/);
	for (const o of [r, shown, ipam(env, 'server', 'list', '--json')]) assert.ok(!(o.stdout + o.stderr).includes('Pa55'), 'the credential is never printed');

	// The DC with a credential is read as that account: a PSCredential built in the session from its environment.
	const credentials = fs.readFileSync(env.FAKE_PWSH_CREDENTIAL_LOG, 'utf8').trim().split('\n').map(l => JSON.parse(l));
	assert.equal(credentials.length, 3, 'one credential per PowerShell session of dc-sched');
	for (const c of credentials) assert.deepEqual(c, { user: 'CORP\\svc-ipam', password: 'Pa55-w0rd-9' });
	const commands = fs.readFileSync(log, 'utf8').trim().split('\n').map(l => JSON.parse(l) as string);
	for (const c of commands.filter(c => c.includes('Get-WinEvent'))) {
		assert.equal(c.includes('-Credential $ipamCredential'), c.includes("'dc-sched'"), c);
	}
	assert.ok(!commands.some(c => c.includes('Pa55') || c.includes('svc-ipam')), 'neither password nor user name is command text');
	for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes('Pa55'), 'no output carries the secret');
	assert.ok(!(await storeText(env.IPAM_DB)).includes('Pa55'), 'the store does not hold the secret');

	// A credential that is not DOMAIN\user:password is refused naming the server, not quoting the secret.
	const bad = { ...env, IPAM_SECRET_DC_SVC: 'Pa55-no-user' };
	r = ipam(bad, 'logons', 'collect', 'dc-sched');
	assert.equal(r.code, 1);
	assert.match(r.stderr, /the credential of dc-sched must be DOMAIN\\user:password/);
	assert.ok(!(r.stdout + r.stderr).includes('Pa55'));
});

/** Every value of every table as text, to look for a string anywhere in the store. */
async function storeText(db: string): Promise<string> {
	const store = await Store.open(db, { readonly: true });
	try {
		const tables = await store.all<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
		let out = '';
		for (const { name } of tables) out += JSON.stringify(await store.all(`SELECT * FROM "${name}"`));
		return out;
	} finally {
		await store.close();
	}
}
