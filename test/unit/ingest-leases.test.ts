import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { addServer } from '../../store/servers.js';
import { ingestBatch } from '../../store/ingest.js';
import { leaseEventKindName, type LeaseRecord } from '../../source/domain/dhcp.js';
import { formatKey } from '../../source/domain/ip.js';

async function fresh(): Promise<Store> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-ingest-'));
	return Store.open(path.join(dir, 'ipam.db'));
}

interface Ev {
	ts: number;
	kind: string;
	ip: string;
	mac: string | null;
	server: number | null;
}

async function events(store: Store): Promise<Ev[]> {
	const rows = await store.all<{ ts: number; kind: number; ip: Buffer; mac: string | null; server_id: number | null }>(
		'SELECT e.ts, e.kind, e.ip, c.mac, e.server_id FROM lease_event e LEFT JOIN client c ON c.id = e.client_ref ORDER BY e.ts, e.kind, e.ip',
	);
	return rows.map(r => ({ ts: r.ts, kind: leaseEventKindName(r.kind), ip: formatKey(r.ip), mac: r.mac, server: r.server_id }));
}

const lease = (ip: string, mac: string, starts: number, ends: number, extra: Partial<LeaseRecord> = {}): LeaseRecord => ({
	family: 4,
	ip,
	mac,
	state: 'active',
	starts,
	ends,
	cltt: starts,
	hostname: `host-${mac.slice(-2)}`,
	...extra,
});

const A = 'aa:00:00:00:00:01';
const B = 'aa:00:00:00:00:02';

test('the first collection assigns every active lease; a second identical one writes nothing', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'dhcp1', kind: 'dhcpd', endpoint: { leaseFile: '/x' } });
	const set = [lease('10.0.0.10', A, 1000, 5000), lease('10.0.0.11', B, 1100, 5100)];
	const r1 = await ingestBatch(store, s.id, { leases: set }, 2000);
	assert.equal(r1.leases, 2);
	assert.deepEqual(
		(await events(store)).map(e => [e.kind, e.ip, e.mac, e.ts]),
		[
			['assign', '10.0.0.10', A, 1000],
			['assign', '10.0.0.11', B, 1100],
		],
	);
	const r2 = await ingestBatch(store, s.id, { leases: set }, 2100);
	assert.equal(r2.leaseEvents, 0);
	assert.equal((await events(store)).length, 2);
	const row = await store.get<{ state: string; hostname: string }>(
		`SELECT l.state, h.name AS hostname FROM lease l JOIN host h ON h.id = l.host_ref WHERE l.ip = x'0a00000a'`,
	);
	assert.deepEqual(row, { state: 'active', hostname: 'host-01' });
	await store.close();
});

test('renew, release, expire, decline and a change of client are told apart', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'kea1', kind: 'kea' });
	await ingestBatch(
		store,
		s.id,
		{ leases: [lease('10.0.0.1', A, 1000, 5000), lease('10.0.0.2', B, 1000, 5000), lease('10.0.0.3', A, 1000, 2500), lease('10.0.0.4', B, 1000, 5000), lease('10.0.0.5', A, 1000, 5000)] },
		2000,
	);
	const before = (await events(store)).length;
	await ingestBatch(
		store,
		s.id,
		{
			leases: [
				lease('10.0.0.1', A, 1000, 7000, { cltt: 3000 }), // renewed
				lease('10.0.0.2', B, 1000, 3000, { state: 'released' }), // released
				lease('10.0.0.3', A, 1000, 2500), // still "active" but past its end: expired
				lease('10.0.0.4', B, 1000, 5000, { state: 'declined', cltt: 2900 }), // declined
				lease('10.0.0.5', B, 3100, 9000), // now another client
			],
		},
		3200,
	);
	const later = (await events(store)).slice(before).map(e => [e.kind, e.ip, e.mac, e.ts]);
	assert.deepEqual(
		later.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0]))),
		[
			['renew', '10.0.0.1', A, 3000],
			['release', '10.0.0.2', B, 3000],
			['expire', '10.0.0.3', A, 2500],
			['decline', '10.0.0.4', B, 2900],
			['assign', '10.0.0.5', B, 3100],
			['release', '10.0.0.5', A, 3100],
		],
	);
	const states = await store.all<{ ip: Buffer; state: string }>('SELECT ip, state FROM lease ORDER BY ip');
	assert.deepEqual(states.map(r => r.state), ['active', 'released', 'expired', 'declined', 'active']);
	await store.close();
});

test('a lease gone from the set is released, or expired when its end has passed', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'dnsmasq1', kind: 'dnsmasq' });
	await ingestBatch(store, s.id, { leases: [lease('10.0.0.1', A, 1000, 5000), lease('10.0.0.2', B, 1000, 1500)] }, 1200);
	await ingestBatch(store, s.id, { leases: [] }, 2000);
	const ends = (await events(store)).filter(e => e.kind !== 'assign').map(e => [e.kind, e.ip, e.ts]);
	assert.deepEqual(ends, [
		['expire', '10.0.0.2', 1500],
		['release', '10.0.0.1', 2000],
	]);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 0);
	await store.close();
});

test('a finished lease seen for the first time records when it began and ended', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'dhcp2', kind: 'dhcpd' });
	await ingestBatch(store, s.id, { leases: [lease('10.0.0.9', A, 1000, 1600, { state: 'expired' }), lease('10.0.0.8', B, 1000, 1600, { state: 'free' })] }, 5000);
	assert.deepEqual(
		(await events(store)).map(e => [e.kind, e.ip, e.ts]),
		[
			['assign', '10.0.0.9', 1000],
			['expire', '10.0.0.9', 1600],
		],
	);
	// Pool entries in state free are not leases.
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 1);
	await store.close();
});

test('HA partners holding copies of one lease count once', async () => {
	const store = await fresh();
	const p = await addServer(store, { name: 'kea-a', kind: 'kea', haGroup: 'pair1' });
	const q = await addServer(store, { name: 'kea-b', kind: 'kea', haGroup: 'pair1' });
	const set = [lease('10.0.0.1', A, 1000, 5000), lease('10.0.0.2', B, 1000, 5000)];
	await ingestBatch(store, p.id, { leases: set }, 2000);
	await ingestBatch(store, q.id, { leases: set }, 2010);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 2);
	assert.equal((await events(store)).length, 2);
	// One partner renews (the copy syncs to the other): still one renew.
	const renewed = [lease('10.0.0.1', A, 1000, 8000, { cltt: 3000 }), set[1]];
	await ingestBatch(store, p.id, { leases: renewed }, 3100);
	await ingestBatch(store, q.id, { leases: renewed }, 3110);
	assert.deepEqual((await events(store)).filter(e => e.kind === 'renew').length, 1);
	await store.close();
});

test('log events append once: re-reading the same log is a no-op', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'win1', kind: 'windows' });
	const log = [
		{ ts: 100, kind: 'assign' as const, family: 4 as const, ip: '10.1.0.5', mac: A, hostname: 'pc1', user: 'CORP\\Alice' },
		{ ts: 200, kind: 'renew' as const, family: 4 as const, ip: '10.1.0.5', mac: A, hostname: 'pc1' },
		{ ts: 300, kind: 'release' as const, family: 6 as const, ip: '2001:db8::5', duid: '00:01:00:01:2a:2b:2c:2d:aa:00:00:00:00:01' },
		{ ts: 400, kind: 'assign' as const, family: 4 as const, ip: 'not-an-ip', mac: A },
	];
	const r1 = await ingestBatch(store, s.id, { events: log, cursors: { 'DhcpSrvLog-Mon.log': { offset: 1234 } } }, 500);
	assert.equal(r1.logEvents, 3);
	assert.equal(r1.rejected.length, 1);
	assert.match(r1.rejected[0].message, /event 4: "not-an-ip" is not an IP address/);
	const r2 = await ingestBatch(store, s.id, { events: log }, 600);
	assert.equal(r2.logEvents, 0);
	assert.equal((await events(store)).length, 3);
	const v6 = (await events(store)).find(e => e.ip === '2001:db8::5');
	assert.equal(v6?.mac, A, 'the MAC inside a DUID-LLT is kept for search by MAC');
	const user = await store.get<{ name: string; name_lc: string }>('SELECT name, name_lc FROM user_account');
	assert.deepEqual(user, { name: 'CORP\\alice', name_lc: 'alice' });
	const cursor = await store.get<{ position: string }>('SELECT position FROM collect_cursor WHERE server_id = ?', [s.id]);
	assert.deepEqual(JSON.parse(cursor!.position), { offset: 1234 });
	await store.close();
});

test('a batch that fails midway leaves nothing behind, and the next one still interns correctly', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'k', kind: 'kea' });
	const bad = { leases: [lease('10.0.0.1', A, 1000, 5000)], get events(): never { throw new Error('collector exploded'); } };
	await assert.rejects(ingestBatch(store, s.id, bad as never, 2000), /collector exploded/);
	for (const table of ['lease', 'lease_event', 'client', 'host']) {
		assert.equal((await store.get<{ n: number }>(`SELECT count(*) n FROM ${table}`))!.n, 0, `${table} is empty`);
	}
	await ingestBatch(store, s.id, { leases: [lease('10.0.0.1', A, 1000, 5000)] }, 2000);
	const e = await events(store);
	assert.equal(e.length, 1);
	assert.equal(e[0].mac, A, 'the client id is not a stale one from the rolled-back transaction');
	await store.close();
});

test('finished leases without a start: DHCPv6 uses cltt, an expiry alone still records the end', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'mixed', kind: 'dhcpd' });
	const duid = '00:01:00:01:1d:2e:3f:40:aa:00:00:00:00:07';
	await ingestBatch(
		store,
		s.id,
		{
			leases: [
				{ family: 6, ip: '2001:db8::106', leaseType: 'na', duid, iaid: 1, state: 'active', cltt: 1000, ends: 1500 },
				{ family: 4, ip: '10.10.10.1', mac: A, state: 'active', ends: 1200 },
			],
		},
		5000,
	);
	assert.deepEqual(
		(await events(store)).map(e => [e.kind, e.ip, e.ts]),
		[
			['assign', '2001:db8::106', 1000],
			['expire', '10.10.10.1', 1200],
			['expire', '2001:db8::106', 1500],
		],
	);
	// Collected again unchanged: nothing new.
	await ingestBatch(store, s.id, { leases: [{ family: 4, ip: '10.10.10.1', mac: A, state: 'active', ends: 1200 }, { family: 6, ip: '2001:db8::106', leaseType: 'na', duid, iaid: 1, state: 'active', cltt: 1000, ends: 1500 }] }, 6000);
	assert.equal((await events(store)).length, 3);
	await store.close();
});

test('an HA partner removes copies last written by a partner that is down', async () => {
	const store = await fresh();
	const p = await addServer(store, { name: 'win-a', kind: 'windows', haGroup: 'failover1' });
	const q = await addServer(store, { name: 'win-b', kind: 'windows', haGroup: 'failover1' });
	await ingestBatch(store, p.id, { leases: [lease('10.0.0.1', A, 1000, 9000), lease('10.0.0.2', B, 1000, 9000)] }, 2000);
	// While A is up, B lacking a lease A wrote does not remove it (A may simply be ahead).
	await ingestBatch(store, q.id, { leases: [lease('10.0.0.2', B, 1000, 9000)] }, 2100);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 2);
	await store.run(`UPDATE server SET status = 'down' WHERE id = ?`, [p.id]);
	await ingestBatch(store, q.id, { leases: [lease('10.0.0.2', B, 1000, 9000)] }, 2200);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease'))!.n, 1);
	const release = (await events(store)).find(e => e.kind === 'release');
	assert.deepEqual([release?.ip, release?.mac, release?.ts, release?.server], ['10.0.0.1', A, 2200, q.id]);
	await store.close();
});

test('log events name the right client and host when an address changes hands, names, or spelling between and within batches', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'log', kind: 'windows' });
	const ev = (ts: number, ip: string, client: string | null, hostname: string | null, user?: string) => ({
		ts,
		kind: 'renew' as const,
		family: (ip.includes(':') ? 6 : 4) as 4 | 6,
		ip,
		...(client === null ? {} : ip.includes(':') ? { duid: client } : { mac: client }),
		hostname,
		user,
	});
	const D = '00:03:00:01:aa:00:00:00:00:01';
	const batches = [
		[ev(10, '10.0.0.1', A, 'pc-a'), ev(11, '10.0.0.1', A, 'pc-a'), ev(12, '2001:db8::1', D, 'pc-a')],
		// The same address: another client, then the first again under a new name, then nobody; a bad address twice.
		[ev(20, '10.0.0.1', B, 'pc-b'), ev(21, '10.0.0.1', A, 'pc-a2'), ev(22, '10.0.0.1', null, null), ev(23, 'nonsense', A, 'x'), ev(24, 'nonsense', A, 'x'), ev(25, '2001:DB8:0:0:0:0:0:1', D, 'pc-a', 'CORP\\ann')],
		[ev(30, '10.0.0.1', A, 'pc-a'), ev(31, '10.0.0.1', A, 'pc-a'), ev(32, '10.0.0.1', B, 'pc-a'), ev(33, '10.0.0.1', B, 'pc-b'), ev(34, '10.0.0.1', A, 'pc-a2')],
	];
	for (const [i, events] of batches.entries()) {
		const r = await ingestBatch(store, s.id, { events }, 1000);
		assert.equal(r.rejected.length, i === 1 ? 2 : 0);
	}
	const rows = await store.all<{ ts: number; mac: string | null; duid: string | null; host: string | null; usr: string | null; ip: Buffer }>(
		`SELECT e.ts, c.mac, c.duid, h.name AS host, u.name AS usr, e.ip FROM lease_event e LEFT JOIN client c ON c.id = e.client_ref
			LEFT JOIN host h ON h.id = e.host_ref LEFT JOIN user_account u ON u.id = e.user_ref ORDER BY e.ts`,
	);
	const seen = rows.map(r => [r.ts, formatKey(r.ip), r.duid ? `duid ${r.duid}` : r.mac, r.host, r.usr].join(' '));
	assert.deepEqual(seen, [
		`10 10.0.0.1 ${A} pc-a `,
		`11 10.0.0.1 ${A} pc-a `,
		`12 2001:db8::1 duid ${D} pc-a `,
		`20 10.0.0.1 ${B} pc-b `,
		`21 10.0.0.1 ${A} pc-a2 `,
		'22 10.0.0.1   ',
		`25 2001:db8::1 duid ${D} pc-a CORP\\ann`,
		`30 10.0.0.1 ${A} pc-a `,
		`31 10.0.0.1 ${A} pc-a `,
		`32 10.0.0.1 ${B} pc-a `,
		`33 10.0.0.1 ${B} pc-b `,
		`34 10.0.0.1 ${A} pc-a2 `,
	]);
	await store.close();
});

test('a shutdown at any point of the history writer, also between its statements, rolls the ingest back whole', async () => {
	// 50,000 addresses: the writer sends its chunk statements one by one and checks the signal between them.
	const events = Array.from({ length: 50_000 }, (_, i) => ({ ts: 1000 + i, kind: 'renew' as const, family: 4 as const, ip: `10.3.${(i >> 8) & 255}.${i & 255}`, mac: A }));
	let abortedMidway = 0;
	for (let k = 1; k <= 8; k++) {
		const store = await fresh();
		const s = await addServer(store, { name: `w${k}`, kind: 'windows' });
		let chunkStatements = 0;
		const run = store.run.bind(store);
		store.run = (sql, params) => {
			if (sql.includes('INSERT INTO lease_chunk')) chunkStatements++;
			return run(sql, params);
		};
		let checks = 0;
		const signal = {
			throwIfAborted() {
				if (++checks === k) {
					if (chunkStatements > 0) abortedMidway++;
					throw new DOMException('stopped at check ' + k, 'AbortError');
				}
			},
		} as AbortSignal;
		const outcome = await ingestBatch(store, s.id, { events }, 2000, { signal }).then(
			r => r.logEvents,
			(err: Error) => err,
		);
		if (outcome instanceof Error) {
			assert.match(outcome.message, /stopped at check/);
			assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease_chunk'))!.n, 0, `check ${k}: no chunk left behind`);
			assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease_page'))!.n, 0, `check ${k}: no page left behind`);
		} else assert.equal(outcome, events.length, 'a signal never tripped lets every event land');
		assert.equal((await ingestBatch(store, s.id, { events: events.slice(0, 10) }, 2000)).logEvents, outcome instanceof Error ? 10 : 0);
		store.run = run;
		await store.close();
	}
	assert.ok(abortedMidway > 0, 'some stop fell between statements already sent');
});

test('a shutdown during a large ingest rolls it back whole', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'big', kind: 'windows' });
	const stop = new AbortController();
	const events = Array.from({ length: 50_000 }, (_, i) => ({ ts: 1000 + i, kind: 'renew' as const, family: 4 as const, ip: `10.2.${(i >> 8) & 255}.${i & 255}`, mac: A }));
	setImmediate(() => stop.abort());
	await assert.rejects(ingestBatch(store, s.id, { events }, 2000, { signal: stop.signal }), /abort/i);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease_event'))!.n, 0);
	const r = await ingestBatch(store, s.id, { events: events.slice(0, 10) }, 2000);
	assert.equal(r.logEvents, 10, 'the store is usable right after');
	await store.close();
});
