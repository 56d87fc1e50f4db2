import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../store/database.js';
import { readPage, buildPageSql } from '../../../store/pages.js';
import { makeFetch } from '../../../source/hooks/usePager.js';
import { readAll } from '../../fixtures/tui/read-all.js';
import { paneById } from '../../../source/panes/registry.js';
import { parseFilterTerm } from '../../../source/domain/filter-term.js';
import { seedStore } from '../../fixtures/tui/seed.js';
import type { Row } from '../../../source/panes/pane-spec.js';

let store: Store;
before(async () => {
	store = await Store.open(':memory:', { actor: 'test' });
	await seedStore(store, { subnets: 20, leases: 600, events: 3000 });
});
after(() => store.close());


const leaseId = (r: Row) => Buffer.from(r.ip as Uint8Array).toString('hex') + '/' + r.source;

test('paging the leases pane forward visits every lease once, in address order', async () => {
	const fetch = makeFetch(store, paneById('leases'), null, null, { column: 'ip', descending: false });
	const paged = await readAll(fetch, leaseId);
	const all = await store.all<{ ip: Buffer; source: string }>('SELECT ip, source FROM lease ORDER BY space_id, ip, source');
	assert.deepEqual(paged, all.map(r => r.ip.toString('hex') + '/' + r.source));
});

test('paging backwards from the end gives the same rows in the same order', async () => {
	const fetch = makeFetch(store, paneById('leases'), null, null, { column: 'ip', descending: false });
	const forward = await readAll(fetch, leaseId);
	const backward: string[] = [];
	let anchor: Row['_k'] | undefined;
	for (;;) {
		const rows = await fetch('before', anchor, 41);
		backward.unshift(...rows.map(leaseId));
		if (rows.length < 41) break;
		anchor = rows[0]._k;
	}
	assert.deepEqual(backward, forward);
});

test('sorting by a column with ties (state) is still total: no row lost or repeated across pages', async () => {
	for (const descending of [false, true]) {
		const fetch = makeFetch(store, paneById('leases'), null, null, { column: 'state', descending });
		const paged = await readAll(fetch, leaseId, 13);
		assert.equal(new Set(paged).size, paged.length);
		assert.equal(paged.length, (await store.get<{ n: number }>('SELECT count(*) AS n FROM lease'))!.n);
	}
});

test('a typed filter narrows by address prefix, MAC and host name', async () => {
	const pane = paneById('leases');
	const read = (text: string) => readAll(makeFetch(store, pane, null, parseFilterTerm(text), { column: 'ip', descending: false }), r => `${r.hostname}`);
	const prefix = await read('10.1.3.');
	assert.equal(prefix.length, 30);
	const mac = await read('02-00-00-00-00-29');
	assert.deepEqual(mac, ['pc-00041']);
	const host = await read('pc-0004');
	assert.ok(host.length >= 10 && host.every(h => h.startsWith('pc-0004')), host.join(','));
	assert.deepEqual(await readAll(makeFetch(store, paneById('blocks'), null, parseFilterTerm('aa:bb:cc:dd:ee:ff'), { column: 'prefix', descending: false }), r => String(r.id)), [], 'a MAC cannot match a block: no rows, not all rows');
});

test('the blocks pane lists the tree in order: parents before children, free gaps after their container', async () => {
	const fetch = makeFetch(store, paneById('blocks'), null, null, { column: 'prefix', descending: false });
	const rows = await fetch('after', undefined, 50);
	const labels = rows.map(r => `${'  '.repeat(Number(r.depth))}${r.kind === 'gap' ? 'gap' : r.name}`);
	assert.deepEqual(labels, ['Corporate', '  HQ', '    gap', '  Branch', '  gap', 'Lab', 'IPv6 global']);
});

test('the merged events pane pages consistently newest first across its four tables', async () => {
	await store.insertMany('audit', ['ts', 'actor', 'action', 'object_kind', 'summary'], Array.from({ length: 30 }, (_, i) => [Math.floor(Date.now() / 1000) - i * 200, 'carol', 'update', 'range', `change ${i}`]));
	const fetch = makeFetch(store, paneById('events'), null, null, { column: 'time', descending: true });
	const paged: Row[] = [];
	let anchor: Row['_k'] | undefined;
	for (;;) {
		const rows = await fetch('after', anchor, 50);
		paged.push(...rows);
		if (rows.length < 50) break;
		anchor = rows.at(-1)!._k;
	}
	const total = (await store.get<{ n: number }>('SELECT (SELECT count(*) FROM lease_event) + (SELECT count(*) FROM audit) AS n'))!.n;
	assert.equal(paged.length, total);
	for (let i = 1; i < paged.length; i++) assert.ok(Number(paged[i - 1].ts) >= Number(paged[i].ts), `row ${i} out of order`);
	assert.equal(new Set(paged.map(r => `${r.src}:${r.id}`)).size, total);
});

test('the big tables page through an index, never a sort of the whole table', async () => {
	const plan = async (sql: string, params: unknown[]) =>
		(await store.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params as never)).map(r => r.detail).join(' | ');
	const leases = paneById('leases');
	const { sql, params } = buildPageSql(leases.source!, { sort: ['l.space_id', 'l.ip'], descending: false, where: [], anchor: [1, Buffer.from('0a010000', 'hex'), 'x'], direction: 'after', limit: 20 });
	const p = await plan(sql, params);
	assert.doesNotMatch(p, /TEMP B-TREE/, p);

	// Every statement the events pane runs over lease history, recorded and explained: pages are found by their time
	// indexes and expanded by id, chunks by their address / client / host index; nothing scans either table to sort it.
	const recorded: [string, unknown[]][] = [];
	const recording = new Proxy(store, {
		get(target, name, receiver) {
			const value = Reflect.get(target, name, receiver);
			if (name !== 'all' && name !== 'get') return typeof value === 'function' ? value.bind(target) : value;
			return (q: string, a: unknown[] = []) => (recorded.push([q, a]), value.call(target, q, a));
		},
	});
	const { eventPlan, forgetDensities } = await import('../../../source/panes/events.js');
	const saved = { ...eventPlan };
	const plans: string[] = [];
	try {
		for (const forced of [saved, { events: 1, hosts: 1, clients: 1 }]) {
			Object.assign(eventPlan, forced);
			forgetDensities();
			for (const filter of [null, '10.1.3.', '10.1.3.120', '02-00-00-00-00-29', 'pc-0001']) {
				for (const descending of [true, false]) {
					const fetch = makeFetch(recording, paneById('events'), null, filter ? parseFilterTerm(filter) : null, { column: 'time', descending });
					const first = await fetch('after', undefined, 30);
					if (first.length) await fetch('after', first.at(-1)!._k, 30);
					if (first.length > 5) await fetch('before', first[5]._k, 30);
				}
			}
		}
	} finally {
		Object.assign(eventPlan, saved);
		forgetDensities();
	}
	for (const [q, a] of recorded) {
		if (!/lease_(page|chunk)/.test(q)) continue;
		const p = await plan(q, a);
		plans.push(p);
		assert.doesNotMatch(p, /SCAN (p|c|lease_page|lease_chunk)\b(?! USING COVERING INDEX lease_chunk_ip)/, `${q}\n${p}`);
		if (/TEMP B-TREE/.test(p)) assert.match(p, /SEARCH (p|c) USING (INTEGER PRIMARY KEY|INDEX lease_chunk_(ip|client|host))/, `${q}\n${p}`);
	}
	const all = plans.join('\n');
	for (const index of ['lease_page_last', 'lease_page_first', 'lease_chunk_ip', 'lease_chunk_client', 'lease_chunk_host']) assert.match(all, new RegExp(index), index);
});

test('readPage returns rows with their sort key and nothing else added', async () => {
	const rows = await readPage<Row>(store, paneById('subnets').source!, { sort: ['s.name'], descending: false, where: [], direction: 'after', limit: 3 });
	assert.equal(rows.length, 3);
	assert.ok(Array.isArray(rows[0]._k));
	assert.equal(Object.keys(rows[0]).some(k => k.startsWith('_k') && k !== '_k'), false);
});

test('the events filter gives the same rows whichever index it walks (dense or sparse plan)', async () => {
	const { eventPlan, forgetDensities } = await import('../../../source/panes/events.js');
	const saved = { ...eventPlan };
	const read = async (text: string, plan: { events: number; hosts: number; clients: number }) => {
		Object.assign(eventPlan, plan);
		forgetDensities();
		const rows = await makeFetch(store, paneById('events'), null, parseFilterTerm(text), { column: 'time', descending: true })('after', undefined, 500);
		// The sort key is the identity: (time, source, id — or for a lease event its stored identity, the same from pages or chunks).
		return rows.map(r => `${r.src}:${r._k.join('/')}:${Buffer.from(r.ip as Uint8Array ?? []).toString('hex')}:${r.mac}:${r.host}`);
	};
	try {
		for (const text of ['10.1.3.', '10.1.3.120', 'pc-0001', '02-00-00-00-00-29', '02-00-00']) {
			const sparse = await read(text, { events: 1e9, hosts: 1e9, clients: 1e9 });
			const dense = await read(text, { events: 1, hosts: 1, clients: 1 });
			assert.ok(sparse.length > 0, text);
			assert.deepEqual(dense, sparse, text);
		}
	} finally {
		Object.assign(eventPlan, saved);
		forgetDensities();
	}
});
