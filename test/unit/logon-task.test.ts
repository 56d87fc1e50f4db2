// The domain controllers' scheduled logons task: registered as a server of kind windows-dc, run by the scheduler,
// read from a cursor committed with the rows. Windows is tested against recorded output only: node-powershell runs
// the stand-in executable at NODE_POWERSHELL (test/fixtures/windows-logons/fake-pwsh.mjs), which replays
// constructed Get-WinEvent pages chosen by the command's -ComputerName and StartTime.
// TEST-ONLY: the 'test-logon-dhcp' collector exists only in this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';
import { addServer, editServer } from '../../store/servers.js';
import { ensureTasks, listTasks, setTask, type TaskRow } from '../../store/tasks.js';
import { laterCursor, logonCursor } from '../../store/logons.js';
import { registerCollector, unregisterCollector } from '../../source/collectors/index.js';
import { runPass, type PassResult } from '../../source/workers/scheduler.js';
import { serverFreshness } from '../../store/describe.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'windows-logons');
process.env.NODE_POWERSHELL = path.join(fixtures, 'fake-pwsh.mjs');
process.env.FAKE_PWSH_ROUTES = path.join(fixtures, 'routes.json');

/** When the DCs were registered: their first read starts a day before. */
const REGISTERED = Date.UTC(2026, 0, 29) / 1000;
/** The newest event of the first recorded page (4634, record 1006) and of the second (4624, record 1014). */
const PAGE1_NEWEST = Date.UTC(2026, 0, 28, 17, 2, 44) / 1000;
const PAGE2_NEWEST = Date.UTC(2026, 0, 28, 17, 15, 0) / 1000;

async function fresh(): Promise<{ store: Store; dir: string }> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-logon-task-'));
	return { store: await Store.open(path.join(dir, 'ipam.db')), dir };
}

registerCollector({
	kind: 'test-logon-dhcp',
	async collect() {
		return { health: { ok: true }, leases: [{ family: 4, ip: '10.9.0.1', mac: 'aa:00:00:00:00:01', state: 'active', starts: 1, ends: 9e9 }] };
	},
});

/** Commands the stand-in PowerShell received (one JSON string a line), for one DC. */
function commandsFor(log: string, dc: string): string[] {
	if (!fs.existsSync(log)) return [];
	return fs
		.readFileSync(log, 'utf8')
		.trim()
		.split('\n')
		.map(l => JSON.parse(l) as string)
		.filter(c => c.includes(`-ComputerName '${dc}' `));
}

async function task(store: Store, server: string, kind: string): Promise<TaskRow> {
	const rows = await listTasks(store);
	const t = rows.find(r => r.server === server && r.kind === kind);
	assert.ok(t, `a ${kind} task of ${server}`);
	return t;
}

function outcome(pass: PassResult, server: string) {
	const o = pass.servers.find(s => s.server === server);
	assert.ok(o, `${server} ran in this pass`);
	return o;
}

test('a domain controller gets a logons task and no DHCP tasks; a kind change swaps them; mismatches are refused', async () => {
	const { store } = await fresh();
	const dc = await addServer(store, { name: 'dc-a', kind: 'windows-dc', endpoint: { computerName: 'dc-a.corp.example' } });
	const dhcp = await addServer(store, { name: 'win-a', kind: 'windows' });
	assert.equal(dc.transport, 'powershell');
	assert.equal(dc.role, 'dc');
	await assert.rejects(addServer(store, { name: 'dc-b', kind: 'windows-dc', transport: 'file' }), /windows-dc server is reached by powershell/);
	await ensureTasks(store);
	assert.deepEqual((await listTasks(store, dc.id)).map(t => [t.kind, t.interval_s]), [['logons', 900]]);
	assert.deepEqual((await listTasks(store, dhcp.id)).map(t => t.kind), ['availability', 'config', 'events', 'leases']);
	await assert.rejects(setTask(store, dhcp.id, 'logons', { intervalS: 600 }), /belongs to domain controllers; win-a is a windows server/);
	await assert.rejects(setTask(store, dc.id, 'leases', { intervalS: 600 }), /belongs to DHCP servers; dc-a is a domain controller/);
	assert.equal((await setTask(store, dc.id, 'logons', { intervalS: 600 })).interval_s, 600);

	await editServer(store, 'win-a', { kind: 'windows-dc' });
	await ensureTasks(store);
	assert.deepEqual((await listTasks(store, dhcp.id)).map(t => t.kind), ['logons']);
	await editServer(store, 'win-a', { kind: 'windows', transport: 'powershell' });
	await ensureTasks(store);
	assert.deepEqual((await listTasks(store, dhcp.id)).map(t => t.kind), ['availability', 'config', 'events', 'leases']);
	assert.equal((await listTasks(store, dc.id))[0].interval_s, 600, 'existing tasks keep their settings');
	await store.close();
});

test('the cursor: the later of two positions, record id breaking a tie', () => {
	assert.deepEqual(laterCursor({ ts: 10, recordId: 5 }, { ts: 9, recordId: 99 }), { ts: 10, recordId: 5 });
	assert.deepEqual(laterCursor({ ts: 10, recordId: 5 }, { ts: 10, recordId: 6 }), { ts: 10, recordId: 6 });
	assert.deepEqual(laterCursor(null, { ts: 1, recordId: null }), { ts: 1, recordId: null });
	assert.equal(laterCursor(null, null), null);
});

test('the scheduled logons task: stores logons with the cursor, reads only newer events next time; a failing DC backs off alone', async () => {
	const { store, dir } = await fresh();
	const log = path.join(dir, 'pwsh-commands.log');
	process.env.FAKE_PWSH_LOG = log;
	try {
		const dc = await addServer(store, { name: 'dc-sched', kind: 'windows-dc' });
		const down = await addServer(store, { name: 'dc-down', kind: 'windows-dc' });
		await store.run('UPDATE server SET created_at = ? WHERE kind = ?', [REGISTERED, 'windows-dc']);
		await store.run(`INSERT INTO server (name, kind, transport) VALUES ('dhcp-ok', 'test-logon-dhcp', 'file')`);
		let clock = REGISTERED + 60;
		const now = () => clock;

		// First run: a day before registration on, one page (11 events, one unreadable, one computer account).
		let pass = await runPass(store, { now, timeoutMs: 20_000 });
		let run = outcome(pass, 'dc-sched');
		assert.equal(run.ok, true, run.error);
		assert.deepEqual(run.tasks, ['logons']);
		assert.deepEqual([run.logons!.events, run.logons!.records, run.logons!.inserted, run.logons!.computerAccounts, run.logons!.problems.length], [11, 8, 7, 1, 1]);
		let sent = commandsFor(log, 'dc-sched');
		assert.equal(sent.length, 1);
		assert.match(sent[0], new RegExp(`FromUnixTimeSeconds\\(${REGISTERED - 86_400}\\)`));
		assert.deepEqual(await logonCursor(store, dc.id), { ts: PAGE1_NEWEST, recordId: 1006 });
		const status = await store.get<{ status: string; status_message: string; collected_at: number }>('SELECT status, status_message, collected_at FROM server WHERE id = ?', [dc.id]);
		assert.equal(status!.status, 'degraded', 'one event could not be read');
		assert.match(status!.status_message, /1 event\(s\) unreadable: .*no <System>/);
		assert.equal(status!.collected_at, clock);
		let t = await task(store, 'dc-sched', 'logons');
		assert.deepEqual([t.last_run_at, t.next_run_at, t.consecutive_failures, t.last_error, t.run_count], [clock, clock + 900, 0, '', 1]);
		// The TUI header's freshness reads the same rows as for a DHCP server: collected now, a 15 min task.
		const header = (await serverFreshness(store)).find(s => s.name === 'dc-sched');
		assert.deepEqual([header?.collected_at, header?.interval_s], [clock, 900]);

		// The failing DC: its error on its own task and status; the DHCP server beside it is unaffected.
		const failed = outcome(pass, 'dc-down');
		assert.equal(failed.ok, false);
		assert.match(failed.error!, /The RPC server is unavailable/);
		t = await task(store, 'dc-down', 'logons');
		assert.deepEqual([t.consecutive_failures, t.next_run_at], [1, clock + 900]);
		assert.match(t.last_error, /RPC server is unavailable/);
		assert.equal((await store.get<{ status: string }>('SELECT status FROM server WHERE id = ?', [down.id]))!.status, 'down');
		assert.equal(await logonCursor(store, down.id), null, 'a failed read moves no cursor');
		assert.equal(outcome(pass, 'dhcp-ok').ok, true);
		assert.equal((await store.get<{ n: number }>(`SELECT count(*) n FROM lease`))!.n, 1);

		// Not due yet: nothing runs.
		clock += 60;
		assert.equal((await runPass(store, { now, timeoutMs: 20_000 })).servers.filter(s => s.server.startsWith('dc-')).length, 0);

		// Second run: from the cursor's second; record 1006 of that second is skipped, the rest are new.
		clock = REGISTERED + 60 + 900;
		pass = await runPass(store, { now, timeoutMs: 20_000 });
		run = outcome(pass, 'dc-sched');
		assert.equal(run.ok, true, run.error);
		sent = commandsFor(log, 'dc-sched');
		assert.equal(sent.length, 2);
		assert.match(sent[1], new RegExp(`FromUnixTimeSeconds\\(${PAGE1_NEWEST}\\)`));
		assert.deepEqual([run.logons!.events, run.logons!.repeated, run.logons!.records, run.logons!.inserted], [5, 1, 4, 4]);
		assert.deepEqual(await logonCursor(store, dc.id), { ts: PAGE2_NEWEST, recordId: 1014 });
		const users = await store.all<{ name: string; n: number }>(
			'SELECT u.name, count(*) n FROM logon_event e JOIN user_account u ON u.id = e.user_ref WHERE e.server_id = ? GROUP BY u.name ORDER BY u.name',
			[dc.id],
		);
		assert.deepEqual(
			users.map(u => [u.name, u.n]),
			[
				['CORP\\alice', 4],
				['CORP\\bob', 1],
				['CORP\\carol', 1],
				['CORP\\dave', 1],
				['CORP\\eve', 1],
				['CORP\\frank', 2],
				['CORP\\grace', 1],
			],
		);
		assert.equal((await store.get<{ status: string }>('SELECT status FROM server WHERE id = ?', [dc.id]))!.status, 'ok');
		t = await task(store, 'dc-down', 'logons');
		assert.deepEqual([t.consecutive_failures, t.next_run_at], [2, clock + 1800], 'the second failure waits twice the interval');
		assert.equal(outcome(pass, 'dhcp-ok').ok, true);

		// Third run: nothing newer on the DC; the cursor stays.
		clock += 900;
		pass = await runPass(store, { now, timeoutMs: 20_000 }, { server: 'dc-sched' });
		assert.equal(outcome(pass, 'dc-sched').logons!.inserted, 0);
		assert.match(commandsFor(log, 'dc-sched')[2], new RegExp(`FromUnixTimeSeconds\\(${PAGE2_NEWEST}\\)`));
		assert.deepEqual(await logonCursor(store, dc.id), { ts: PAGE2_NEWEST, recordId: 1014 });
	} finally {
		delete process.env.FAKE_PWSH_LOG;
		await store.close();
	}
});

test('a DC that does not answer within the deadline is marked down; the pass does not wait for it', async () => {
	const { store } = await fresh();
	await addServer(store, { name: 'dc-slow', kind: 'windows-dc' });
	const started = performance.now();
	const pass = await runPass(store, { now: () => REGISTERED, timeoutMs: 500 });
	assert.ok(performance.now() - started < 4000, 'the recorded DC sleeps 5 s; the pass ended at its deadline');
	assert.match(outcome(pass, 'dc-slow').error!, /dc-slow/);
	const t = await task(store, 'dc-slow', 'logons');
	assert.equal(t.consecutive_failures, 1);
	assert.equal((await store.get<{ status: string }>(`SELECT status FROM server WHERE name = 'dc-slow'`))!.status, 'down');
	await store.close();
});

test('a DC with more events than one run reads is due again at the next pass, until it has caught up', async () => {
	const { store } = await fresh();
	// Two events a call, one call a run; registered a day after the epoch, so the first read starts at 0.
	const dc = await addServer(store, { name: 'dc-paged', kind: 'windows-dc', endpoint: { pageLimit: 2, maxPages: 1 } });
	await store.run('UPDATE server SET created_at = 86400 WHERE id = ?', [dc.id]);
	const clock = REGISTERED;
	let pass = await runPass(store, { now: () => clock, timeoutMs: 20_000 });
	assert.equal(outcome(pass, 'dc-paged').logons!.more, true);
	let t = await task(store, 'dc-paged', 'logons');
	assert.deepEqual([t.next_run_at, t.consecutive_failures], [clock, 0], 'due again at once');
	pass = await runPass(store, { now: () => clock, timeoutMs: 20_000 });
	assert.equal(outcome(pass, 'dc-paged').logons!.more, false);
	t = await task(store, 'dc-paged', 'logons');
	assert.equal(t.next_run_at, clock + 900, 'caught up: back to its interval');
	const users = await store.all<{ kind: number }>('SELECT kind FROM logon_event WHERE server_id = ? ORDER BY ts', [dc.id]);
	assert.deepEqual(users.map(u => u.kind), [4624, 4634], 'alice logged on and off; the computer account was dropped');
	await store.close();
});

test.after(() => unregisterCollector('test-logon-dhcp'));
