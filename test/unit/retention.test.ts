import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { purgeCandidates, purgeExpired, retentionDays, setRetentionDays } from '../../store/retention.js';
import { insertLogons } from '../../store/logons.js';

const DAY = 86400;
const NOW = 1_800_000_000;

async function tempStore(): Promise<Store> {
	return Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-retention-')), 'ipam.db'));
}

test('retention defaults to three years and is validated and audited when set', async () => {
	const store = await tempStore();
	assert.equal(await retentionDays(store), 1095);
	await assert.rejects(setRetentionDays(store, '0'), /not a number of days/);
	await assert.rejects(setRetentionDays(store, 'ten'), /not a number of days/);
	assert.equal(await setRetentionDays(store, '30'), 30);
	assert.equal(await retentionDays(store), 30);
	const a = await store.get<{ summary: string; before: string; after: string }>(`SELECT summary, before, after FROM audit WHERE object_kind = 'setting'`);
	assert.equal(a?.summary, 'retention.days 1095 → 30');
	assert.deepEqual(JSON.parse(a!.after), { 'retention.days': 30 });
	await store.close();
});

test('purge deletes only events older than the period, in bounded batches, from every event table', async () => {
	const store = await tempStore();
	await setRetentionDays(store, '10');
	const rows = Array.from({ length: 5000 }, (_, i) => [NOW - (i % 20) * DAY - 60, 1, 4, (0x0a000000 + i).toString(16).padStart(8, '0')]);
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }], rows);
	await insertLogons(
		store,
		Array.from({ length: 300 }, (_, i) => ({ ts: NOW - (i % 20) * DAY - 60, kind: 4624, user: `u${i}`, domain: 'CORP', host: null, ip: null, family: null })),
	);
	await store.insertMany('config_event', ['ts', 'kind', 'object_key'], [[NOW - 30 * DAY, 'scope-added', 's1'], [NOW - DAY, 'scope-changed', 's1']]);
	const expectedLease = rows.filter(r => (r[0] as number) < NOW - 10 * DAY).length;
	const candidates = await purgeCandidates(store, NOW);
	assert.equal(candidates.deleted.lease_event, expectedLease);
	const batches: number[] = [];
	const result = await purgeExpired(store, NOW, { batch: 700, onBatch: (table, n) => void (table === 'lease_event' && batches.push(n)) });
	assert.deepEqual(result.deleted, { lease_event: expectedLease, logon_event: 150, config_event: 1 });
	assert.ok(batches.every(n => n <= 700) && batches.length >= Math.ceil(expectedLease / 700));
	const oldest = await store.get<{ ts: number }>('SELECT min(ts) AS ts FROM lease_event');
	assert.ok(oldest!.ts >= NOW - 10 * DAY);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease_event'))?.n, 5000 - expectedLease);
	// Idempotent.
	assert.deepEqual((await purgeExpired(store, NOW)).deleted, { lease_event: 0, logon_event: 0, config_event: 0 });
	await store.close();
});

test('an aborted purge stops between batches and keeps what it did', async () => {
	const store = await tempStore();
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }], Array.from({ length: 3000 }, (_, i) => [1000 + i, 1, 4, (0x0a000000 + i).toString(16).padStart(8, '0')]));
	const controller = new AbortController();
	const result = await purgeExpired(store, NOW, { batch: 1000, signal: controller.signal, onBatch: () => controller.abort() });
	assert.equal(result.deleted.lease_event, 1000);
	await store.close();
});
