// The scheduler with fake collectors. TEST-ONLY: the collectors registered here ('test-*' kinds) exist only
// in this file; the product registry (source/collectors/index.ts) never contains them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { registerCollector, unregisterCollector } from '../../source/collectors/index.js';
import type { CollectContext } from '../../source/collectors/collector.js';
import { runPass } from '../../source/workers/scheduler.js';
import { runDaemon } from '../../source/workers/daemon.js';
import { acquireLock, backoffSeconds, heartbeat, listTasks, releaseLock, setTask } from '../../store/tasks.js';

function dbPath(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-sched-')), 'ipam.db');
}

async function server(store: Store, name: string, kind: string, extra: Record<string, unknown> = {}): Promise<number> {
	const r = await store.run(`INSERT INTO server (name, kind, transport, endpoint, credential_ref) VALUES (?, ?, 'file', ?, ?)`, [
		name,
		kind,
		JSON.stringify(extra.endpoint ?? {}),
		String(extra.credential ?? ''),
	]);
	return r.lastID;
}

const seen: { kind: string; parts: string[]; secret?: string }[] = [];
registerCollector({
	kind: 'test-fast',
	async collect(ctx: CollectContext) {
		seen.push({ kind: 'test-fast', parts: ctx.parts, secret: ctx.secret });
		return { health: { ok: true, version: '9.9' }, leases: [{ family: 4, ip: '10.9.0.1', mac: 'aa:00:00:00:00:01', state: 'active', starts: 1, ends: 9e9 }] };
	},
});
// Never answers and ignores its abort signal: the scheduler's own deadline must end it.
registerCollector({ kind: 'test-hung', collect: () => new Promise(() => undefined) });
registerCollector({
	kind: 'test-leaky',
	async collect(ctx: CollectContext) {
		throw new Error(`login failed for password ${ctx.secret} at ${encodeURIComponent(ctx.secret ?? '')}`);
	},
});

test('a hung server times out without holding up the others, is marked down and backs off', async () => {
	const store = await Store.open(dbPath());
	const fast = await server(store, 'fast', 'test-fast');
	const hung = await server(store, 'hung', 'test-hung');
	let clock = 1_000_000;
	const started = performance.now();
	const pass = await runPass(store, { timeoutMs: 300, now: () => clock });
	const elapsed = performance.now() - started;
	assert.ok(elapsed < 3000, `the pass ended after the deadline, not never (${Math.round(elapsed)} ms)`);
	const byName = Object.fromEntries(pass.servers.map(s => [s.server, s]));
	assert.equal(byName.fast.ok, true);
	assert.equal(byName.hung.ok, false);
	assert.match(byName.hung.error!, /no answer within/);
	const rows = await store.all<{ name: string; status: string; status_message: string; collected_at: number | null }>('SELECT name, status, status_message, collected_at FROM server ORDER BY name');
	assert.deepEqual(rows.map(r => [r.name, r.status]), [
		['fast', 'ok'],
		['hung', 'down'],
	]);
	assert.equal(rows[0].collected_at, clock);
	assert.equal(rows[1].collected_at, null, 'no data from the hung server: nothing claims it is fresh');
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease WHERE server_id = ?', [fast]))!.n, 1);

	const leasesTask = () => listTasks(store, hung).then(ts => ts.find(t => t.kind === 'leases')!);
	let t = await leasesTask();
	assert.equal(t.consecutive_failures, 1);
	assert.equal(t.next_run_at, clock + t.interval_s);
	assert.match(t.last_error, /no answer within/);
	// Not due yet: nothing runs.
	clock += 10;
	assert.equal((await runPass(store, { timeoutMs: 300, now: () => clock })).servers.length, 0);
	// Due again: fails again, waits twice as long.
	clock = t.next_run_at!;
	await runPass(store, { timeoutMs: 300, now: () => clock });
	t = await leasesTask();
	assert.equal(t.consecutive_failures, 2);
	assert.equal(t.next_run_at, clock + 2 * t.interval_s);
	await store.close();
});

test('a shutdown in the middle of a collection is neither a server failure nor a reason to back off', async () => {
	const store = await Store.open(dbPath());
	const id = await server(store, 'hung2', 'test-hung');
	const stop = new AbortController();
	setTimeout(() => stop.abort(), 200);
	const pass = await runPass(store, { timeoutMs: 60_000, signal: stop.signal, now: () => 50 });
	assert.equal(pass.servers[0].cancelled, true);
	assert.equal((await store.get<{ status: string }>('SELECT status FROM server WHERE id = ?', [id]))!.status, 'unknown');
	assert.ok((await listTasks(store, id)).every(t => t.consecutive_failures === 0 && t.last_run_at === null));
	await store.close();
});

test('backoff doubles per failure up to max(interval, 1 h)', () => {
	assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(f => backoffSeconds(300, f)), [300, 300, 600, 1200, 2400, 3600, 3600]);
	assert.equal(backoffSeconds(21_600, 4), 21_600);
});

test('due tasks of one server are merged into one collection; disabled tasks do not run', async () => {
	const store = await Store.open(dbPath());
	const id = await server(store, 'fast2', 'test-fast');
	await runPass(store, { now: () => 5000 });
	await setTask(store, id, 'config', { enabled: false });
	seen.length = 0;
	await runPass(store, { now: () => 5000 }, { all: true });
	assert.equal(seen.length, 1);
	assert.deepEqual([...seen[0].parts].sort(), ['events', 'health', 'leases']);
	await store.close();
});

test('--once collects every server now but runs store-wide housekeeping only when due', async () => {
	const store = await Store.open(dbPath());
	await server(store, 'fast4', 'test-fast');
	const first = await runPass(store, { now: () => 7000 }, { all: true });
	assert.deepEqual(first.tasks.map(t => t.task).sort(), ['compact', 'expiry', 'purge']);
	assert.ok(first.tasks.every(t => t.ok), JSON.stringify(first.tasks));
	const second = await runPass(store, { now: () => 7001 }, { all: true });
	assert.equal(second.servers.length, 1, 'the server is collected again');
	assert.deepEqual(second.tasks, [], 'expiry, purge and compact are not due for a day');
	await store.close();
});

test('a secret reaches the collector but never the stored error', async () => {
	const store = await Store.open(dbPath());
	await server(store, 'leaky', 'test-leaky', { credential: 'leaky-ref' });
	const env = { IPAM_SECRET_LEAKY_REF: 'p@ss w0rd!', IPAM_SECRETS: path.join(os.tmpdir(), 'none-such-secrets.json') };
	const pass = await runPass(store, { env, now: () => 1 });
	assert.equal(pass.servers[0].ok, false);
	const msg = (await store.get<{ status_message: string }>('SELECT status_message FROM server'))!.status_message;
	assert.match(msg, /login failed for password \*\*\* at \*\*\*/);
	assert.ok(!msg.includes('p@ss'));
	const tasks = await store.all<{ last_error: string }>('SELECT last_error FROM task WHERE server_id IS NOT NULL');
	assert.ok(tasks.every(t => !t.last_error.includes('p@ss') && !t.last_error.includes('w0rd')));
	await store.close();
});

test('a missing credential is a clear error on that server', async () => {
	const store = await Store.open(dbPath());
	await server(store, 'nocred', 'test-fast', { credential: 'absent' });
	const pass = await runPass(store, { env: { IPAM_SECRETS: path.join(os.tmpdir(), 'none-such-secrets.json') }, now: () => 1 });
	assert.match(pass.servers[0].error!, /credential "absent" is not in the secrets file or the environment/);
	await store.close();
});

test('the collector lock: one holder, renewals, stale takeover, release', async () => {
	const file = dbPath();
	const a = await Store.open(file);
	const b = await Store.open(file);
	assert.equal(await acquireLock(a, 'A', 100, 90), true);
	assert.equal(await acquireLock(b, 'B', 150, 90), false, 'a live lock is not taken');
	assert.equal(await heartbeat(a, 'A', 180), true);
	assert.equal(await acquireLock(b, 'B', 260, 90), false, 'the heartbeat kept it alive');
	assert.equal(await acquireLock(b, 'B', 271, 90), true, 'no heartbeat for 3 periods: taken over');
	assert.equal(await heartbeat(a, 'A', 272), false, 'the old holder learns it lost the lock');
	await releaseLock(b, 'B');
	assert.equal(await acquireLock(a, 'A', 273, 90), true);
	await a.close();
	await b.close();
});

test('two daemons on one store: only one collects, the other takes over when it stops', async () => {
	const file = dbPath();
	const s1 = await Store.open(file);
	const s2 = await Store.open(file);
	await server(s1, 'fast3', 'test-fast');
	const stop1 = new AbortController();
	const stop2 = new AbortController();
	const locks: string[] = [];
	let passes2 = 0;
	const d1 = runDaemon(s1, { holder: 'one', heartbeatS: 1, signal: stop1.signal, onLock: h => locks.push(`one:${h}`) });
	await new Promise(r => setTimeout(r, 300));
	const d2 = runDaemon(s2, { holder: 'two', heartbeatS: 1, signal: stop2.signal, onLock: h => locks.push(`two:${h}`), onPass: () => passes2++ });
	await new Promise(r => setTimeout(r, 1500));
	assert.deepEqual(locks, ['one:true', 'two:false'], 'the second daemon never got the lock while the first lived');
	assert.equal(passes2, 0);
	stop1.abort();
	await d1;
	await new Promise(r => setTimeout(r, 2500));
	assert.ok(locks.includes('two:true'), `the second took over after the first released (${locks.join(', ')})`);
	assert.ok(passes2 >= 1);
	stop2.abort();
	await d2;
	await s1.close();
	await s2.close();
});

test.after(() => {
	for (const k of ['test-fast', 'test-hung', 'test-leaky']) unregisterCollector(k);
});
