import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Store } from '../../store/database.js';
import { demoCommand } from '../../source/commands/demo.js';
import { CommandError, EXIT } from '../../source/commands/exit.js';
import type { CommandContext } from '../../source/commands/command.js';
import { demoPlan } from '../../source/demo/enterprise.js';
import { simulate } from '../../source/demo/history.js';

const NOW = Date.parse('2026-11-25T15:00:00Z') / 1000;

function context(args: string[], dbPath = '/nonexistent/ipam.db'): { ctx: CommandContext; out: () => string } {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let text = '';
	stdout.on('data', d => (text += d));
	stderr.resume();
	const ctx: CommandContext = {
		args,
		stdout,
		stderr,
		env: { ...process.env, XDG_DATA_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-demo-xdg-')) },
		dbPath,
		actor: 'test',
		openStore: () => Store.open(dbPath),
	};
	return { ctx, out: () => text };
}

test('the plan and the simulated history are the same on every run', () => {
	const run = () => {
		const h = simulate(demoPlan('small'), NOW);
		return h.map(x => [x.server.name, x.actions.length, x.current.length, JSON.stringify(x.actions.slice(0, 50).map(a => [a.ts, a.kind, a.ip, a.client.mac]))]);
	};
	assert.deepEqual(run(), run());
	const plan = demoPlan('full');
	assert.ok(plan.subnets.length >= 300, `${plan.subnets.length} subnets`);
	assert.ok(plan.scopes.length >= 200, `${plan.scopes.length} scopes`);
	for (const kind of ['windows', 'kea', 'dhcpd', 'dnsmasq']) assert.ok(plan.servers.filter(s => s.kind === kind).length >= 2, kind);
	assert.ok(plan.scopes.some(s => s.family === 6) && plan.blocks.some(b => b.prefix.family === 6));
});

test('ipam demo --scale small --no-open builds a separate, labelled demo store through the readers and ingest', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-demo-'));
	const db = path.join(dir, 'demo.db');
	// A fixed end of history: the sites' working hours and weekends shape how many leases are active at the end.
	const at = '1795608000';
	const { ctx, out } = context(['--db', db, '--scale', 'small', '--at', at, '--no-open']);
	assert.equal(await demoCommand.run(ctx), EXIT.ok);
	assert.match(out(), /Demo store .* built in [\d.]+ s: 6 sites/);
	// The same moment builds the same enterprise.
	const again = context(['--db', path.join(dir, 'again.db'), '--scale', 'small', '--at', at, '--no-open']);
	assert.equal(await demoCommand.run(again.ctx), EXIT.ok);
	const counts = (text: string) => text.replace(/built in [\d.]+ s/, '').replace(/\S*\.db/g, '');
	assert.equal(counts(again.out()), counts(out()));
	assert.ok(!fs.existsSync(`${db}.building`));
	const store = await Store.open(db, { readonly: true });
	try {
		const n = async (sql: string) => (await store.get<{ n: number }>(sql))!.n;
		const plan = demoPlan('small');
		assert.equal(await store.setting('demo', '0'), '1');
		assert.equal(await n('SELECT count(*) n FROM server'), plan.servers.length);
		assert.equal(await n('SELECT count(*) n FROM subnet'), plan.subnets.length);
		assert.ok((await n('SELECT count(*) n FROM block')) >= plan.blocks.length);
		assert.equal(await n('SELECT count(*) n FROM range'), plan.scopes.length);
		const leases = await n(`SELECT count(*) n FROM lease WHERE state = 'active'`);
		const events = await n('SELECT count(*) n FROM lease_event');
		assert.ok(leases > 1000, `${leases} active leases`);
		assert.ok(events > 4 * leases, `${events} lease events for ${leases} leases`);
		assert.ok((await n('SELECT count(*) n FROM logon_event')) > 100);
		// Every kind of server contributed history: audit logs, journals and lease-set diffs alike.
		const perKind = await store.all<{ kind: string; n: number }>('SELECT s.kind, count(*) n FROM lease_event e JOIN server s ON s.id = e.server_id GROUP BY s.kind ORDER BY s.kind');
		assert.deepEqual(perKind.map(r => r.kind), ['dhcpd', 'dnsmasq', 'kea', 'windows']);
		for (const r of perKind) assert.ok(r.n > 1000, `${r.kind}: ${r.n}`);
		const v6 = await n('SELECT count(*) n FROM lease WHERE family = 6');
		assert.ok(v6 > 100, `${v6} IPv6 leases`);
		// A guest's host name with escape sequences is stored raw; the display sanitizes it.
		assert.ok((await n(`SELECT count(*) n FROM host WHERE name LIKE '%' || char(27) || '%'`)) > 0);
		assert.ok((await n('SELECT count(*) n FROM server WHERE collected_at IS NOT NULL')) === plan.servers.length);
		// Fictional servers are never collected from.
		assert.equal(await n('SELECT count(*) n FROM server WHERE enabled = 1'), 0);
	} finally {
		await store.close();
	}
	// Rebuilding replaces the demo store.
	assert.equal(await demoCommand.run(context(['--db', db, '--scale', 'small', '--no-open']).ctx), EXIT.ok);
});

test('a demo --at that is not a time is refused before anything is built', async () => {
	const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-demo-')), 'demo.db');
	const { ctx } = context(['--db', db, '--scale', 'small', '--at', 'the day after', '--no-open']);
	await assert.rejects(demoCommand.run(ctx), (err: Error & { code?: number }) => /--at: "the day after" is not a time/.test(err.message) && err.code === EXIT.usage);
	assert.ok(!fs.existsSync(db) && !fs.existsSync(`${db}.building`));
});

test('the demo refuses to overwrite a store that is not a demo store', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-demo-'));
	const db = path.join(dir, 'mine.db');
	const mine = await Store.open(db);
	await mine.run(`INSERT INTO tag (name) VALUES ('precious')`);
	await mine.close();
	await assert.rejects(demoCommand.run(context(['--db', db, '--scale', 'small', '--no-open']).ctx), (err: unknown) => err instanceof CommandError && err.code === EXIT.conflict);
	const again = await Store.open(db, { readonly: true });
	assert.equal((await again.get<{ n: number }>(`SELECT count(*) n FROM tag WHERE name = 'precious'`))!.n, 1);
	await again.close();
});

test('without --db the demo goes to $XDG_DATA_HOME/ipam-tui/demo.db, never to the default store', async () => {
	const { demoStorePath } = await import('../../source/commands/demo.js');
	assert.equal(demoStorePath({ XDG_DATA_HOME: '/x' }), path.join('/x', 'ipam-tui', 'demo.db'));
});
