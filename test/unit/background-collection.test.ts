// startBackgroundCollection: a worker thread collects on schedule into the store and stops on request;
// a second session's worker stays idle while the first holds the collector lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { addServer } from '../../store/servers.js';
import { startBackgroundCollection, type WorkerMessage } from '../../source/workers/index.js';

test('the background worker collects a file-based server and stops cleanly; a second one stays idle', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-bg-'));
	const db = path.join(dir, 'ipam.db');
	const leases = path.join(dir, 'leases4.csv');
	const now = Math.floor(Date.now() / 1000);
	fs.writeFileSync(
		leases,
		'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n' +
			`10.7.0.1,00:aa:00:00:00:01,,3600,${now + 3000},1,0,0,a,0,\n10.7.0.2,00:aa:00:00:00:02,,3600,${now + 3000},1,0,0,b,0,\n`,
	);
	const store = await Store.open(db);
	await addServer(store, { name: 'kea-file', kind: 'kea', transport: 'file', endpoint: { leaseFile: leases } });

	const first: WorkerMessage[] = [];
	const second: WorkerMessage[] = [];
	const a = startBackgroundCollection(db, { heartbeatS: 1, onMessage: m => first.push(m) });
	for (let i = 0; i < 400 && !first.some(m => m.type === 'pass'); i++) await new Promise(r => setTimeout(r, 100));
	assert.ok(a.collecting, `the first worker holds the lock (${JSON.stringify(first)})`);
	const pass = first.find(m => m.type === 'pass') as Extract<WorkerMessage, { type: 'pass' }>;
	assert.deepEqual(pass.servers.map(s => [s.server, s.ok]), [['kea-file', true]]);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 2);
	assert.equal((await store.get<{ status: string }>('SELECT status FROM server'))!.status, 'ok');

	const b = startBackgroundCollection(db, { heartbeatS: 1, onMessage: m => second.push(m) });
	for (let i = 0; i < 400 && !second.some(m => m.type === 'lock'); i++) await new Promise(r => setTimeout(r, 100));
	assert.ok(second.some(m => m.type === 'lock' && !m.held), `the second session does not collect (${JSON.stringify(second)})`);
	assert.equal(b.collecting, false);
	// stop() resolves only when the thread has really ended (it is never terminated from outside).
	const ended = (p: Promise<void>) => Promise.race([p.then(() => true), new Promise<boolean>(r => setTimeout(() => r(false), 20_000))]);
	assert.equal(await ended(a.stop()), true, 'the collecting worker thread ended after stop');
	assert.equal(await ended(b.stop()), true, 'the idle worker thread ended after stop');
	assert.ok(first.some(m => m.type === 'stopped'));
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM collector_lock'))!.n, 0, 'the lock is released on stop');
	await store.close();
});
