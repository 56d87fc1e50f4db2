import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { eventAnchor, listEvents, type EventRow } from '../../store/events.js';
import { insertLogons } from '../../store/logons.js';

async function seeded(): Promise<Store> {
	const store = await Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-events-')), 'ipam.db'), { actor: 'ann' });
	await store.insertMany('server', ['id', 'name', 'kind'], [[1, 'kea-1', 'kea'], [2, 'win-1', 'windows']]);
	// Many events sharing timestamps across kinds, so paging must break ties by kind and id.
	const lease = Array.from({ length: 120 }, (_, i) => [1000 + Math.floor(i / 3), 2, 4, (0x0a000000 + i).toString(16).padStart(8, '0'), 1 + (i % 2)]);
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id'], lease);
	await insertLogons(store, Array.from({ length: 40 }, (_, i) => ({ ts: 1000 + i, kind: 4624, user: `u${i}`, domain: 'CORP', host: null, ip: null, family: null, serverId: 2 })));
	await store.insertMany('config_event', ['ts', 'server_id', 'kind', 'object_key', 'before', 'after'], Array.from({ length: 10 }, (_, i) => [1000 + i * 4, 1, 'scope-changed', `s${i}`, '{"a":1}', '{"a":2}']));
	await store.insertMany('audit', ['ts', 'actor', 'action', 'object_kind', 'object_id', 'summary'], Array.from({ length: 10 }, (_, i) => [1000 + i * 4, 'ann', 'update', 'range', i, `r${i}`]));
	return store;
}

test('paging by key visits every event exactly once, newest first', async () => {
	const store = await seeded();
	const seen: EventRow[] = [];
	let after;
	for (;;) {
		const page = await listEvents(store, {}, { limit: 17, after });
		if (page.length === 0) break;
		seen.push(...page);
		after = eventAnchor(page.at(-1)!);
	}
	assert.equal(seen.length, 120 + 40 + 10 + 10);
	assert.equal(new Set(seen.map(e => `${e.kind}${e.id}`)).size, seen.length);
	for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].ts >= seen[i].ts);
	await store.close();
});

test('filters: kinds, server (audit left out), window', async () => {
	const store = await seeded();
	const win = await listEvents(store, { server: 'WIN-1' }, { limit: 1000 });
	assert.deepEqual([...new Set(win.map(e => e.kind))].sort(), ['lease', 'logon']);
	assert.ok(win.every(e => e.server === 'win-1'));
	const config = await listEvents(store, { kinds: ['config', 'audit'], from: 1010, to: 1020 }, { limit: 1000 });
	assert.deepEqual(config.map(e => [e.kind, e.ts]), [['config', 1020], ['audit', 1020], ['config', 1016], ['audit', 1016], ['config', 1012], ['audit', 1012]]);
	assert.equal(config[0].before, '{"a":1}');
	assert.equal(config[1].who, 'ann (cli)');
	await assert.rejects(listEvents(store, { server: 'nope' }, { limit: 5 }), /no server named "nope"/);
	await store.close();
});

test('match: by address, MAC, user or text', async () => {
	const store = await seeded();
	await store.insertMany('client', ['id', 'key', 'mac'], [[9, 'mac:00:15:5d:00:00:09', '00:15:5d:00:00:09']]);
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id', 'client_ref'], [[2000, 1, 4, '0a000005', 1, 9]]);
	const byIp = await listEvents(store, { match: '10.0.0.5' }, { limit: 100 });
	assert.deepEqual(byIp.map(e => [e.kind, e.ts]), [['lease', 2000], ['lease', 1001]]);
	const byMac = await listEvents(store, { match: '00-15-5D-00-00-09' }, { limit: 100 });
	assert.deepEqual(byMac.map(e => e.kind), ['lease']);
	const byUser = await listEvents(store, { match: 'CORP\\u7', kinds: ['logon'] }, { limit: 100 });
	assert.deepEqual(byUser.map(e => e.subject), ['CORP\\u7']);
	const byText = await listEvents(store, { match: 's3', kinds: ['config'] }, { limit: 100 });
	assert.deepEqual(byText.map(e => e.subject), ['s3']);
	await store.close();
});
