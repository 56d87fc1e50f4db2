import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { detectKind, track, trackAddress, trackClient, trackHost, trackUser } from '../../store/tracking.js';
import { insertLogons } from '../../store/logons.js';
import { formatKey } from '../../source/domain/ip.js';
import { LeaseEventKind as K } from '../../source/domain/dhcp.js';
import { generateHistory, holderAt, nearBoundary, prng } from '../fixtures/tracking/history.js';
import { clientMac, hostName, seedHistory } from '../fixtures/tracking/seed-store.js';

const NOW = 2_000_000_000;

async function tempStore(): Promise<Store> {
	return Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-track-')), 'ipam.db'));
}

test('detectKind tells addresses, MACs, client ids, users and names apart', () => {
	assert.equal(detectKind('10.1.2.34'), 'ip');
	assert.equal(detectKind('2001:db8::1'), 'ip');
	assert.equal(detectKind('00-15-5D-00-00-01'), 'mac');
	assert.equal(detectKind('0015.5d00.0001'), 'mac');
	assert.equal(detectKind('00:01:00:01:2a:bb:cc:dd:00:15:5d:00:00:01'), 'mac');
	assert.equal(detectKind('CORP\\alice'), 'user');
	assert.equal(detectKind('alice@corp.example'), 'user');
	assert.equal(detectKind('pc-001'), 'name');
	assert.equal(detectKind('cafe'), 'name');
});

test('the store answers "who held X at T" like a naive replay of the truth, reading only a window of events', async () => {
	const history = generateHistory({ seed: 77, v4: 20, v6: 10, clients: 20 });
	const store = await tempStore();
	await seedHistory(store, history);
	const rand = prng(5);
	let checked = 0;
	for (let i = 0; i < 400; i++) {
		const ip = history.ips[Math.floor(rand() * history.ips.length)];
		const t = history.start + Math.floor(rand() * (history.end - history.start));
		if (nearBoundary(history, ip, t)) continue;
		const result = await trackAddress(store, formatKey(ip), { from: t, to: t, at: t }, { now: NOW });
		const expected = holderAt(history, ip, t);
		assert.deepEqual(result.rows.map(r => r.mac), expected === null ? [] : [clientMac(expected)], `${formatKey(ip)} at ${t}`);
		if (expected !== null) assert.ok(result.rows[0].host === null || result.rows[0].host === hostName(expected));
		checked++;
	}
	assert.ok(checked > 300);
	await store.close();
});

test('by MAC over all time: the client\'s holdings match the truth, lost releases cut by the next holder', async () => {
	const history = generateHistory({ seed: 4242, v4: 25, v6: 10, clients: 8 });
	const store = await tempStore();
	await seedHistory(store, history);
	for (const client of history.clients) {
		const result = await trackClient(store, clientMac(client), { from: null, to: null }, { now: NOW });
		const truth = history.truth.filter(h => h.client === client).sort((a, b) => a.from - b.from || a.ip.localeCompare(b.ip));
		const got = result.rows.map(r => ({ ip: r.ip, from: r.from, to: r.to }));
		assert.equal(got.length, truth.length, `client ${client}: ${JSON.stringify(got)} vs ${JSON.stringify(truth)}`);
		truth.forEach((t, i) => {
			const g = got.find(x => x.ip === formatKey(t.ip) && Math.abs(x.from - t.from) <= history.fuzz);
			assert.ok(g, `client ${client}: no holding of ${formatKey(t.ip)} from ${t.from}`);
			if (t.to === null) assert.equal(g.to, null);
			else assert.ok(g.to !== null && Math.abs(g.to - t.to) <= history.fuzz, `client ${client} ${formatKey(t.ip)}: to ${g.to} vs ${t.to} (${i})`);
		});
	}
	await store.close();
});

test('by MAC: every address the client held in a window, from the client index', async () => {
	const history = generateHistory({ seed: 91, v4: 20, v6: 10, clients: 6 });
	const store = await tempStore();
	await seedHistory(store, history);
	const rand = prng(9);
	for (let i = 0; i < 150; i++) {
		const client = history.clients[Math.floor(rand() * history.clients.length)];
		const t = history.start + Math.floor(rand() * (history.end - history.start));
		if (history.ips.some(ip => nearBoundary(history, ip, t))) continue;
		const result = await trackClient(store, clientMac(client).toUpperCase().replace(/:/g, '-'), { from: t, to: t, at: t }, { now: NOW });
		const expected = history.ips.filter(ip => holderAt(history, ip, t) === client).map(ip => formatKey(ip)).sort();
		assert.deepEqual(result.rows.map(r => r.ip).sort(), expected, `client ${client} at ${t}`);
	}
	await store.close();
});

async function smallStore(): Promise<Store> {
	const store = await tempStore();
	await store.insertMany('server', ['id', 'name', 'kind'], [[1, 'dhcp-a', 'windows'], [2, 'dhcp-b', 'windows']]);
	await store.insertMany('client', ['id', 'key', 'mac', 'client_id', 'duid'], [
		[1, 'mac:00:15:5d:00:00:01', '00:15:5d:00:00:01', null, null],
		[2, 'duid:00:01:00:01:2a:bb:cc:dd:00:15:5d:00:00:02', '00:15:5d:00:00:02', null, '00:01:00:01:2a:bb:cc:dd:00:15:5d:00:00:02'],
		[3, 'cid:aa:bb', null, 'aa:bb', null],
	]);
	await store.insertMany('host', ['id', 'name', 'name_lc'], [[1, 'PC-001.corp.example', 'pc-001.corp.example'], [2, 'laptop-7', 'laptop-7']]);
	const v4 = '0a010222';
	const v6 = '20010db8000000000000000000000010';
	await store.insertMany(
		'lease_event',
		['ts', 'kind', 'family', { name: 'ip', blob: true }, 'server_id', 'client_ref', 'host_ref', 'expires'],
		[
			[1000, K.assign, 4, v4, 1, 1, 1, 4600],
			[1003, K.assign, 4, v4, 2, 1, 1, 4603],
			[2800, K.renew, 4, v4, 1, 1, 1, 6400],
			[5000, K.release, 4, v4, 1, 1, 1, null],
			[6000, K.assign, 4, v4, 1, 3, null, 9600],
			[1500, K.assign, 6, v6, 1, 2, 2, 90000],
		],
	);
	await insertLogons(store, [
		{ ts: 1200, kind: 4624, user: 'alice', domain: 'CORP', host: 'PC-001', ip: '10.1.2.34', family: 4, logonId: '0x1' },
		{ ts: 1250, kind: 4769, user: 'PC-001$', domain: 'CORP', host: null, ip: '10.1.2.34', family: 4 },
		{ ts: 3000, kind: 4634, user: 'alice', domain: 'CORP', host: null, ip: null, family: null, logonId: '0x1' },
		{ ts: 1600, kind: 4624, user: 'bob', domain: 'CORP', host: 'LAPTOP-7', ip: null, family: null },
	]);
	return store;
}

test('correlation IP → MAC → host → user, and a missing link said in words', async () => {
	const store = await smallStore();
	const all = await trackAddress(store, '10.1.2.34', { from: null, to: null }, { now: NOW });
	assert.equal(all.rows.length, 2);
	const [first, second] = all.rows;
	assert.deepEqual([first.from, first.to, first.end, first.mac, first.host, first.users, first.userVia], [1000, 5000, 'release', '00:15:5d:00:00:01', 'PC-001.corp.example', ['CORP\\alice'], 'ip']);
	assert.deepEqual(first.servers.sort(), ['dhcp-a', 'dhcp-b']);
	assert.equal(first.duplicates, 1);
	assert.deepEqual([second.mac, second.clientId, second.users], [null, 'aa:bb', []]);
	assert.ok(second.missing.some(m => /carries no MAC/.test(m)));
	assert.ok(second.missing.some(m => /no logon seen/.test(m)));
	// At a point after alice logged off, she is no longer named.
	const later = await trackAddress(store, '10.1.2.34', { from: 4000, to: 4000, at: 4000 }, { now: NOW });
	assert.deepEqual(later.rows[0].users, []);
	// Free at a point: say who held it just before and just after.
	const free = await trackAddress(store, '10.1.2.34', { from: 5500, to: 5500, at: 5500 }, { now: NOW });
	assert.equal(free.rows.length, 0);
	assert.ok(free.notes.some(n => /^before: held by 00:15:5d:00:00:01 \(PC-001\.corp\.example\) until .* \(release\)$/.test(n)), free.notes.join('; '));
	assert.ok(free.notes.some(n => /^after: held by aa:bb from /.test(n)), free.notes.join('; '));
	await store.close();
});

test('by MAC finds a DUID that embeds it; by host prefix and by user; host-only logons link by name', async () => {
	const store = await smallStore();
	const mac = await trackClient(store, '00155d000002', { from: null, to: null }, { now: NOW });
	assert.deepEqual(mac.rows.map(r => [r.ip, r.host, r.users, r.userVia]), [['2001:db8::10', 'laptop-7', ['CORP\\bob'], 'host']]);
	const host = await trackHost(store, 'pc-00', { from: null, to: null }, { now: NOW });
	assert.deepEqual(host.rows.map(r => r.ip), ['10.1.2.34']);
	assert.ok(host.notes.some(n => /match "pc-00" by prefix/.test(n)));
	const sub = await trackHost(store, '*corp*', { from: null, to: null }, { now: NOW });
	assert.equal(sub.subject, 'PC-001.corp.example');
	const user = await trackUser(store, 'alice', { from: null, to: null }, { now: NOW });
	assert.deepEqual(user.rows.map(r => [r.ip, r.host, r.mac, r.from, r.to, r.end]), [['10.1.2.34', 'PC-001', '00:15:5d:00:00:01', 1200, 3000, 'logoff']]);
	const auto = await track(store, { term: 'CORP\\alice', window: { from: null, to: null }, now: NOW });
	assert.equal(auto.kind, 'user');
	const computer = await trackUser(store, 'PC-001$', { from: null, to: null }, { now: NOW });
	assert.equal(computer.rows.length, 0, 'computer accounts are not stored as users');
	const none = await track(store, { term: 'nobody-here', window: { from: null, to: null }, now: NOW });
	assert.equal(none.rows.length, 0);
	await store.close();
});

test('a bare word is a host when a host has that exact name, else a user with that account, else a host pattern', async () => {
	const store = await smallStore();
	await store.insertMany('host', ['name', 'name_lc'], [['alice-laptop', 'alice-laptop']]);
	assert.equal((await track(store, { term: 'alice', window: { from: null, to: null }, now: NOW })).kind, 'user');
	assert.equal((await track(store, { term: 'laptop-7', window: { from: null, to: null }, now: NOW })).kind, 'host');
	assert.equal((await track(store, { term: 'alice-lap', window: { from: null, to: null }, now: NOW })).kind, 'host');
	await store.close();
});

test('a long holding read around a point: start and end beyond the edge reads are marked as bounds', async () => {
	const store = await tempStore();
	await store.insertMany('client', ['id', 'key', 'mac'], [[1, 'mac:00:15:5d:00:00:01', '00:15:5d:00:00:01']]);
	// Renewed every 1000 s for 100 renewals: a point in the middle sees neither the assign nor the release.
	const rows: unknown[][] = [[0, K.assign, 4, '0a000009', 1, 2000]];
	for (let i = 1; i <= 100; i++) rows.push([i * 1000, K.renew, 4, '0a000009', 1, i * 1000 + 2000]);
	rows.push([100_500, K.release, 4, '0a000009', 1, null]);
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }, 'client_ref', 'expires'], rows);
	const mid = await trackAddress(store, '10.0.0.9', { from: 50_500, to: 50_500, at: 50_500 }, { now: NOW });
	assert.deepEqual(mid.rows.map(r => [r.fromExact, r.toExact]), [[false, false]]);
	assert.ok(mid.rows[0].from <= 50_500 && mid.rows[0].to! >= 50_500);
	const all = await trackAddress(store, '10.0.0.9', { from: null, to: null }, { now: NOW });
	assert.deepEqual(all.rows.map(r => [r.from, r.to, r.end, r.fromExact, r.toExact]), [[0, 100_500, 'release', true, true]]);
	await store.close();
});

test('a MAC or host read past its event budget says so, and one within it does not', async () => {
	const history = generateHistory({ seed: 515, v4: 12, v6: 4, clients: 6 });
	const store = await tempStore();
	// Small batches: many chunks of one or two events, so the chunk bound and the event bound both come into play.
	await seedHistory(store, history, { batchSeconds: 900 });
	const client = history.clients[0];
	const all = { from: null, to: null };
	const whole = await trackClient(store, clientMac(client), all, { now: NOW });
	assert.equal(whole.truncated, false);
	const events = history.events.filter(e => e.clientRef === client).length;
	assert.ok(events > 40, `${events} events`);
	for (const cap of [1, 10, events - 5]) {
		const cut = await trackClient(store, clientMac(client), all, { now: NOW, maxEvents: cap });
		assert.equal(cut.truncated, true, `cap ${cap}`);
		assert.ok(cut.notes.some(n => /narrow the window/.test(n)), cut.notes.join('; '));
	}
	assert.equal((await trackClient(store, clientMac(client), all, { now: NOW, maxEvents: events + 5 })).truncated, false);
	const host = await trackHost(store, hostName(client), all, { now: NOW, maxEvents: 3 });
	assert.equal(host.truncated, true);
	await store.close();
});
