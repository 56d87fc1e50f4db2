import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';
import { HistoryColumns } from '../../store/history-columns.js';
import { writeHistory } from '../../store/lease-history.js';
import { eventAnchor, listEvents, type EventFilter, type EventRow } from '../../store/events.js';
import { leaseHistory } from '../../store/describe.js';
import { makeFetch } from '../../source/hooks/usePager.js';
import { paneById } from '../../source/panes/registry.js';
import { parseFilterTerm } from '../../source/domain/filter-term.js';
import { eventPlan, forgetDensities } from '../../source/panes/events.js';
import type { Row, Scope } from '../../source/panes/pane-spec.js';

const T0 = 1_700_000_000;
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const mac = (c: number) => `02:00:00:00:00:${hex2(c)}`;

interface HistoryRow {
	hex: string;
	family: number;
	ts: number;
	kind: number;
	client: number | null;
	host: number | null;
	user: number | null;
	expires: number | null;
}

function columns(rows: HistoryRow[]): HistoryColumns {
	const cols = new HistoryColumns(rows.length);
	for (const r of rows) cols.push(cols.address(r.hex, r.family), r.ts, r.kind, r.client ?? 0, r.host ?? 0, r.user ?? 0, r.expires ?? NaN);
	return cols;
}

interface Naive {
	ts: number;
	tie: string;
	hex: string;
	server: number | null;
	client: number | null;
	host: number | null;
	user: number | null;
}
let store: Store;
/** Every event, as the store should give it back. */
const all: Naive[] = [];

/** Two servers collected separately (their batches interleave in time and share seconds), plus one archived log spanning everything. */
before(async () => {
	store = await Store.open(':memory:', { actor: 'test' });
	await store.insertMany('server', ['id', 'name', 'kind'], [[1, 'kea-a', 'kea'], [2, 'kea-b', 'kea'], [3, 'archive', 'dhcpd']]);
	await store.insertMany('client', ['id', 'key', 'mac'], Array.from({ length: 40 }, (_, i) => [i + 1, `mac:${mac(i + 1)}`, mac(i + 1)]));
	await store.insertMany('host', ['id', 'name', 'name_lc'], Array.from({ length: 40 }, (_, i) => [i + 1, `pc-${i + 1}`, `pc-${i + 1}`]));
	await store.insertMany('user_account', ['id', 'name', 'name_lc'], [[1, 'CORP\\zed', 'zed']]);
	const batch = async (server: number, rows: HistoryRow[]) => {
		await store.transaction(tx => writeHistory(tx, { serverId: server, spaceId: 1 }, columns(rows)));
		for (const r of rows) {
			all.push({ ts: r.ts, hex: r.hex, server, client: r.client, host: r.host, user: r.user, tie: `${r.hex} ${r.kind} 1 ${server} ${r.client ?? 0} ${r.host ?? 0}` });
		}
	};
	let k = 0;
	for (let b = 0; b < 6; b++) {
		for (const server of [1, 2]) {
			const rows: HistoryRow[] = [];
			// ~1,500 events a batch (two pages), every other one in the same second as the other server's.
			for (let i = 0; i < 1500; i++) {
				const c = (k++ % 40) + 1;
				const ts = T0 + b * 4000 + Math.floor(i * 2.5) + (server === 2 && i % 2 ? 1 : 0);
				rows.push({ hex: `0a00${hex2(c % 7)}${hex2(c)}`, family: 4, ts, kind: (i % 3) + 1, client: c, host: c, user: c === 5 ? 1 : null, expires: ts + 600 });
			}
			await batch(server, rows);
		}
	}
	// Same second, same address, both servers (an HA pair logging one lease): two events that tie on everything but the server.
	await batch(1, [{ hex: '0a000909', family: 4, ts: T0 + 5000, kind: 1, client: 9, host: 9, user: null, expires: null }]);
	await batch(2, [{ hex: '0a000909', family: 4, ts: T0 + 5000, kind: 1, client: 9, host: 9, user: null, expires: null }]);
	await batch(3, Array.from({ length: 50 }, (_, i) => ({ hex: `0a0101${hex2(i)}`, family: 4, ts: T0 - 100 + i * 500, kind: 1, client: null, host: null, user: null, expires: null })));
	all.sort((a, b) => b.ts - a.ts || (a.tie < b.tie ? 1 : a.tie > b.tie ? -1 : 0));
});
after(() => store.close());

const ident = (ts: number, tie: string) => `${ts}|${tie}`;

async function pageCli(filter: EventFilter, limit: number): Promise<EventRow[]> {
	const seen: EventRow[] = [];
	let after;
	for (;;) {
		const page = await listEvents(store, { ...filter, kinds: ['lease'] }, { limit, after });
		seen.push(...page);
		if (page.length < limit) return seen;
		after = eventAnchor(page.at(-1)!);
	}
}

test('the stored history is as seeded: pages overlap in time across batches', async () => {
	const overlaps = await store.get<{ n: number }>('SELECT count(*) AS n FROM lease_page a JOIN lease_page b ON a.id < b.id AND a.t_first <= b.t_last AND b.t_first <= a.t_last');
	assert.ok(overlaps!.n > 10, `pages overlap (${overlaps!.n})`);
	assert.equal((await store.get<{ n: number }>('SELECT sum(n) AS n FROM lease_page'))!.n, all.length);
});

test('paging the CLI list over two servers\' interleaved batches visits every event once, newest first', async () => {
	for (const limit of [23, 1000]) {
		const seen = await pageCli({}, limit);
		assert.deepEqual(seen.map(e => ident(e.ts, e.tie!)), all.map(e => ident(e.ts, e.tie)), `limit ${limit}`);
	}
	// One at a time across the seconds both servers share (and the HA pair's identical event at T0 + 5000).
	const near = all.filter(e => e.ts >= T0 + 4980 && e.ts <= T0 + 5020).map(e => ident(e.ts, e.tie));
	assert.deepEqual((await pageCli({ from: T0 + 4980, to: T0 + 5020 }, 1)).map(e => ident(e.ts, e.tie!)), near);
});

test('filters return what a naive filter over every event returns, sparse (chunk index) or dense (pages)', async () => {
	const cases: [EventFilter, (e: Naive) => boolean][] = [
		[{ match: '10.0.3.10' }, e => e.hex === '0a00030a'],
		[{ match: '02-00-00-00-00-09' }, e => e.client === 9],
		[{ match: 'PC-3' }, e => e.host !== null && /^pc-3/.test(`pc-${e.host}`)],
		[{ match: 'pc-' }, e => e.host !== null],
		[{ server: 'kea-b' }, e => e.server === 2],
		[{ server: 'archive', from: T0 + 1000, to: T0 + 15000 }, e => e.server === 3 && e.ts >= T0 + 1000 && e.ts <= T0 + 15000],
		[{ match: '10.0.3.10', from: T0 + 4000, to: T0 + 9000 }, e => e.hex === '0a00030a' && e.ts >= T0 + 4000 && e.ts <= T0 + 9000],
	];
	for (const [filter, keep] of cases) {
		const expected = all.filter(keep).map(e => ident(e.ts, e.tie));
		assert.ok(expected.length > 0, JSON.stringify(filter));
		assert.deepEqual((await pageCli(filter, 37)).map(e => ident(e.ts, e.tie!)), expected, JSON.stringify(filter));
	}
});

/** Reads the whole events pane page by page in one direction; returns the lease rows' identities in display order. */
async function pagePane(scope: Scope | null, filter: string | null, descending: boolean, direction: 'after' | 'before', limit: number): Promise<string[]> {
	const fetch = makeFetch(store, paneById('events'), scope, filter ? parseFilterTerm(filter) : null, { column: 'time', descending });
	const out: Row[] = [];
	let anchor: Row['_k'] | undefined;
	for (;;) {
		const rows = await fetch(direction, anchor, limit);
		if (direction === 'after') out.push(...rows);
		else out.unshift(...rows);
		if (rows.length < limit) break;
		anchor = (direction === 'after' ? rows.at(-1)! : rows[0])._k;
	}
	return out.filter(r => r.src === 'lease').map(r => ident(Number(r.ts), String(r._k[2])));
}

test('the events pane pages both ways in both sort orders over overlapping batches, every event once', async () => {
	const newest = all.map(e => ident(e.ts, e.tie));
	const oldest = [...newest].reverse();
	assert.deepEqual(await pagePane(null, null, true, 'after', 29), newest);
	assert.deepEqual(await pagePane(null, null, true, 'before', 31), newest);
	assert.deepEqual(await pagePane(null, null, false, 'after', 43), oldest);
	// Re-reading the page a row is on (inclusive) starts at that row.
	const fetch = makeFetch(store, paneById('events'), null, null, { column: 'time', descending: true });
	const first = await fetch('after', undefined, 50);
	const again = await fetch('after', first[20]._k, 5, true);
	assert.deepEqual(again.map(r => r._k), first.slice(20, 25).map(r => r._k));
});

test('a filter mixing a sparse and a dense term gives the naive rows, whichever plan each term takes', async () => {
	const span = parseFilterTerm('10.0.3.');
	const scope: Scope = { label: '10.0.3.', where: [], term: span };
	const saved = { ...eventPlan };
	try {
		for (const plan of [{ events: 1e9, hosts: 1e9, clients: 1e9 }, { events: 1, hosts: 1, clients: 1 }, { events: 1e9, hosts: 1, clients: 1 }]) {
			Object.assign(eventPlan, plan);
			forgetDensities();
			// Sparse address span (scope) with a text term many hosts match (and a user: 'zed' is user 1 of client 5's events).
			const mixed = all.filter(e => e.hex.startsWith('0a0003') && e.host !== null).map(e => ident(e.ts, e.tie));
			assert.deepEqual(await pagePane(scope, 'pc-', true, 'after', 17), mixed, JSON.stringify(plan));
			const byUser = all.filter(e => e.user === 1 || (e.host !== null && `pc-${e.host}`.includes('zed'))).map(e => ident(e.ts, e.tie));
			assert.ok(byUser.length > 0);
			assert.deepEqual(await pagePane(null, 'zed', true, 'after', 17), byUser, JSON.stringify(plan));
			const byMac = all.filter(e => e.client !== null).map(e => ident(e.ts, e.tie));
			assert.deepEqual(await pagePane(null, '02-00-00-00-00', true, 'after', 97), byMac, JSON.stringify(plan));
			const oneMac = all.filter(e => e.client === 33).map(e => ident(e.ts, e.tie));
			assert.deepEqual(await pagePane(scope, mac(33), false, 'after', 17), [...oneMac].reverse().filter(x => mixed.includes(x)), JSON.stringify(plan));
		}
	} finally {
		Object.assign(eventPlan, saved);
		forgetDensities();
	}
});

test('describe\'s lease history: the latest events of one address, newest first', async () => {
	const ip = Buffer.from('0a00030a', 'hex');
	const got = await leaseHistory(store, ip, 10);
	const expected = all.filter(e => e.hex === '0a00030a').slice(0, 10);
	assert.deepEqual(got.map(e => e.ts), expected.map(e => e.ts));
	assert.ok(got.every(e => e.mac === mac(10) && e.host === 'pc-10'));
});

test('a long page written (or pages deleted) after a read is still found: the page-span bound follows the store', async () => {
	const s = await Store.open(':memory:', { actor: 'test' });
	try {
		const write = (server: number, rows: HistoryRow[]) => s.transaction(tx => writeHistory(tx, { serverId: server, spaceId: 1 }, columns(rows)));
		const short = (from: number, n: number, octet: number): HistoryRow[] =>
			Array.from({ length: n }, (_, i) => ({ hex: `0a00${hex2(octet)}${hex2(i % 200)}`, family: 4, ts: from + i, kind: 1, client: null, host: null, user: null, expires: null }));
		await s.insertMany('server', ['id', 'name', 'kind'], [[1, 'a', 'kea'], [2, 'b', 'kea']]);
		await write(1, short(T0, 3000, 1));
		const listAll = async () => {
			const seen: EventRow[] = [];
			let after;
			for (;;) {
				const page = await listEvents(s, { kinds: ['lease'] }, { limit: 100, after });
				seen.push(...page);
				if (page.length < 100) return seen.map(e => e.ts);
				after = eventAnchor(page.at(-1)!);
			}
		};
		const sorted = (xs: number[]) => [...xs].sort((a, b) => b - a);
		assert.equal((await listAll()).length, 3000);
		// An archived log: two events 2,900 s apart in one page, read after the bound was first taken.
		await write(2, [{ hex: '0a000201', family: 4, ts: T0 + 50, kind: 1, client: null, host: null, user: null, expires: null }, { hex: '0a000202', family: 4, ts: T0 + 2950, kind: 1, client: null, host: null, user: null, expires: null }]);
		let got = await listAll();
		assert.equal(got.length, 3002);
		assert.deepEqual(got, sorted(got));
		// Retention deletes the newest-written page, and a much longer one takes its id (the bound must be taken again).
		await s.run('DELETE FROM lease_page WHERE id = (SELECT max(id) FROM lease_page)');
		await s.run('DELETE FROM lease_chunk WHERE client_ref IS NULL AND server_id = 2');
		await write(2, [{ hex: '0a000203', family: 4, ts: T0 - 5000, kind: 1, client: null, host: null, user: null, expires: null }, { hex: '0a000204', family: 4, ts: T0 + 2990, kind: 1, client: null, host: null, user: null, expires: null }]);
		got = await listAll();
		assert.equal(got.length, 3002);
		// The short batch has one event each second; the archived pages add a second one at their two times.
		const at = (t: number) => got.filter(x => x === t).length;
		assert.deepEqual([at(T0 - 5000), at(T0 + 2990), at(T0 + 50), at(T0 + 2950)], [1, 2, 1, 1]);
		assert.deepEqual(got, sorted(got));
	} finally {
		await s.close();
	}
});
