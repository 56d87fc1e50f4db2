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
