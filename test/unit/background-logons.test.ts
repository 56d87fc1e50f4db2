// The TUI's background worker thread runs a domain controller's logons task like any server's tasks.
// Windows is tested against recorded output only: node-powershell runs the stand-in at NODE_POWERSHELL
// (test/fixtures/windows-logons/fake-pwsh.mjs), which replays constructed Get-WinEvent output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';
import { addServer } from '../../store/servers.js';
import { listTasks } from '../../store/tasks.js';
import { startBackgroundCollection, type WorkerMessage } from '../../source/workers/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'windows-logons');
// node-powershell reads NODE_POWERSHELL from the process environment, which a worker thread copies when it starts.
process.env.NODE_POWERSHELL = path.join(fixtures, 'fake-pwsh.mjs');
process.env.FAKE_PWSH_ROUTES = path.join(fixtures, 'routes.json');

test('the background worker reads a registered DC into the logon history and records the task run', async () => {
	const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-bg-logons-')), 'ipam.db');
	const store = await Store.open(db);
	const dc = await addServer(store, { name: 'dc-sched', kind: 'windows-dc' });
	const messages: WorkerMessage[] = [];
	const worker = startBackgroundCollection(db, { heartbeatS: 1, onMessage: m => messages.push(m) });
	try {
		for (let i = 0; i < 400 && !messages.some(m => m.type === 'pass'); i++) await new Promise(r => setTimeout(r, 100));
		const pass = messages.find(m => m.type === 'pass') as Extract<WorkerMessage, { type: 'pass' }> | undefined;
		assert.ok(pass, `a pass was reported (${JSON.stringify(messages)})`);
		assert.deepEqual(pass.servers.map(s => [s.server, s.ok]), [['dc-sched', true]]);
		assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM logon_event WHERE server_id = ?', [dc.id]))!.n, 7);
		const [t] = await listTasks(store, dc.id);
		assert.deepEqual([t.kind, t.run_count, t.last_error], ['logons', 1, '']);
	} finally {
		await worker.stop();
		await store.close();
	}
});
