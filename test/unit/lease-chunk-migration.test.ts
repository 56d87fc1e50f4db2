import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { trackAddress, trackClient, trackHost } from '../../store/tracking.js';
import { readLeaseEvents } from '../../store/lease-history-read.js';
import { formatKey } from '../../source/domain/ip.js';
import { generateHistory } from '../fixtures/tracking/history.js';
import { clientMac, hostName, seedHistory } from '../fixtures/tracking/seed-store.js';

const NOW = 2_000_000_000;

function tempPath(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-chunk-migration-')), 'ipam.db');
}

const EVENTS = `SELECT ts, kind, family, hex(ip) AS ip, space_id, server_id, client_ref, host_ref, user_ref, expires FROM lease_event
	ORDER BY ts, kind, ip, server_id, client_ref`;

test('002 carries 001 lease chunks over: the same events, found by address, client and host as a store written in the new layout', async () => {
	const history = generateHistory({ seed: 31, v4: 12, v6: 6, clients: 10 });
	// The old layout, written as 001 wrote it (its view's insert trigger: one chunk per event).
	const file = tempPath();
	const old = await Store.open(file, { migrateTo: 1 });
	assert.equal(await old.schemaVersion(), 1);
	await old.insertMany('server', ['id', 'name', 'kind'], [1, 2, 3, 4, 5].map(i => [i, `dhcp${i}`, 'kea']));
	await old.insertMany('client', ['id', 'key', 'mac'], history.clients.map(c => [c, `mac:${clientMac(c)}`, clientMac(c)]));
	await old.insertMany('host', ['id', 'name', 'name_lc'], history.clients.map(c => [c + 1000, hostName(c), hostName(c)]));
	await old.insertMany(
		'lease_event',
		['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id', 'client_ref', 'host_ref', 'expires'],
		history.events.map(e => [e.ts, e.kind, e.ip.length === 8 ? 4 : 6, e.ip, e.serverId, e.clientRef, e.hostRef, e.expires]),
	);
	const before = await old.all(EVENTS);
	assert.ok(before.length > 100);
	await old.close();

	const migrated = await Store.open(file);
	assert.equal(await migrated.schemaVersion(), 2);
	assert.deepEqual(await migrated.all(EVENTS), before, 'every event, unchanged');
	const copies = await migrated.all<{ dim: number; n: number }>('SELECT dim, sum(n) AS n FROM lease_chunk GROUP BY dim ORDER BY dim');
	assert.deepEqual(copies.map(c => c.dim), [0, 1, 2], 'a copy per lookup dimension');

	const written = await Store.open(tempPath());
	await seedHistory(written, history);
	const answers = async (store: Store) => {
		const out: unknown[] = [];
		for (const ip of history.ips) {
			out.push((await trackAddress(store, formatKey(ip), { from: null, to: null }, { now: NOW })).rows);
			out.push((await readLeaseEvents(store, { where: [], access: { by: 'ip', family: ip.length === 8 ? 4 : 6, start: Buffer.from(ip, 'hex'), end: Buffer.from(ip, 'hex') }, limit: 50 })).map(r => [r.ts, r.kind, r.client_ref]));
		}
		for (const c of history.clients) {
			out.push((await trackClient(store, clientMac(c), { from: null, to: null }, { now: NOW })).rows);
			out.push((await trackHost(store, hostName(c), { from: null, to: null }, { now: NOW })).rows);
		}
		return out;
	};
	assert.deepEqual(await answers(migrated), await answers(written));
	// The insert trigger still takes hand-written rows in the new layout, and ignores an event already stored.
	const e = history.events[0];
	await migrated.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id', 'client_ref', 'host_ref', 'expires'], [[e.ts, e.kind, e.ip.length === 8 ? 4 : 6, e.ip, e.serverId, e.clientRef, e.hostRef, e.expires]]);
	assert.equal((await migrated.all(EVENTS)).length, before.length);
	await migrated.close();
	await written.close();
});
