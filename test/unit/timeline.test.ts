import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHoldings, holdingsOfAddress, holdsAt, type Holding, type TimelineEvent } from '../../source/domain/timeline.js';
import { LeaseEventKind as K } from '../../source/domain/dhcp.js';
import { generateHistory, holderAt, nearBoundary, prng, type History, type TruthHolding } from '../fixtures/tracking/history.js';

const NOW = 2_000_000_000;

function ev(ts: number, kind: number, client: number | null, expires: number | null = null, server = 1, ip = '0a000001'): TimelineEvent {
	return { ts, kind, ip, serverId: server, clientRef: client, hostRef: null, expires };
}

/** Truth holdings with a client handing the address straight back to itself merged (no event can tell them apart). */
function mergedTruth(history: History, ip: string): TruthHolding[] {
	const out: TruthHolding[] = [];
	for (const h of history.truth.filter(h => h.ip === ip)) {
		const prev = out.at(-1);
		if (prev && prev.client === h.client && prev.to === h.from) prev.to = h.to;
		else out.push({ ...h });
	}
	return out;
}

test('renewals merge into one holding that ends at the release', () => {
	const hs = holdingsOfAddress([ev(100, K.assign, 7, 200), ev(150, K.renew, 7, 250), ev(200, K.renew, 7, 300), ev(220, K.release, 7)], { now: NOW });
	assert.equal(hs.length, 1);
	assert.deepEqual([hs[0].clientRef, hs[0].from, hs[0].to, hs[0].end, hs[0].events], [7, 100, 220, 'release', 4]);
});

test('a lease with no further event ends at its lease end; a next holder ends the previous one', () => {
	const hs = holdingsOfAddress([ev(100, K.assign, 1, 200), ev(1000, K.assign, 2, 1100), ev(1050, K.assign, 3, 1150)], { now: NOW });
	assert.deepEqual(
		hs.map(h => [h.clientRef, h.from, h.to, h.end]),
		[
			[1, 100, 200, 'lease-end'],
			[2, 1000, 1050, 'next-holder'],
			[3, 1050, 1150, 'lease-end'],
		],
	);
});

test('the same lease reported by two HA servers a few seconds apart counts once', () => {
	const hs = holdingsOfAddress(
		[ev(100, K.assign, 1, 400, 1), ev(104, K.assign, 1, 404, 2), ev(250, K.release, 1, null, 1), ev(255, K.release, 1, null, 2)],
		{ now: NOW },
	);
	assert.equal(hs.length, 1);
	assert.deepEqual([hs[0].from, hs[0].to, hs[0].duplicates, hs[0].servers], [100, 250, 2, [1, 2]]);
});

test('a client may release and re-take an address within seconds on one server', () => {
	const hs = holdingsOfAddress([ev(100, K.assign, 1, 400), ev(110, K.release, 1), ev(115, K.assign, 1, 500), ev(120, K.release, 1)], { now: NOW });
	assert.deepEqual(hs.map(h => [h.from, h.to]), [[100, 110], [115, 120]]);
});

test('a lease still running (or with no end) is open, and the window start may be inexact', () => {
	const hs = holdingsOfAddress([ev(100, K.renew, 1, NOW + 100)], { now: NOW, truncatedStart: true });
	assert.deepEqual([hs[0].end, hs[0].to, hs[0].fromExact], ['held', NOW + 100, false]);
	const never = holdingsOfAddress([ev(100, K.assign, 1, null)], { now: NOW });
	assert.deepEqual([never[0].end, never[0].to], ['held', null]);
	assert.ok(holdsAt(never[0], NOW - 1));
});

test('history read only up to a point leaves the last holding open-ended (to is a lower bound)', () => {
	const hs = holdingsOfAddress([ev(100, K.assign, 1, 400), ev(250, K.renew, 1, 550)], { now: NOW, truncatedEnd: true });
	assert.deepEqual([hs[0].to, hs[0].toExact], [550, false]);
	const closed = holdingsOfAddress([ev(100, K.assign, 1, 400), ev(250, K.release, 1)], { now: NOW, truncatedEnd: true });
	assert.equal(closed[0].toExact, true);
});

test('end events of a client that no longer holds the address are ignored (stale or late HA copies)', () => {
	const hs = holdingsOfAddress([ev(100, K.assign, 1, 400, 1), ev(200, K.assign, 2, 500, 1), ev(205, K.release, 1, null, 2)], { now: NOW });
	assert.deepEqual(hs.map(h => [h.clientRef, h.to]), [[1, 200], [2, 500]]);
});

for (const seed of [1, 2, 3, 42, 1234]) {
	test(`holdings match the generated truth exactly (seed ${seed}, IPv4+IPv6, HA copies, skewed partners)`, () => {
		const history = generateHistory({ seed, v4: 25, v6: 15, clients: 30 });
		const holdings = buildHoldings(history.events, { now: NOW });
		for (const ip of history.ips) {
			const truth = mergedTruth(history, ip);
			const got = holdings.filter(h => h.ip === ip);
			assert.equal(got.length, truth.length, `${ip}: ${JSON.stringify(got.map(brief))} vs ${JSON.stringify(truth)}`);
			truth.forEach((t, i) => {
				assert.equal(got[i].clientRef, t.client, `${ip} holding ${i}: client`);
				assert.ok(Math.abs(got[i].from - t.from) <= history.fuzz, `${ip} holding ${i}: from ${got[i].from} vs ${t.from}`);
				if (t.to === null) assert.equal(got[i].to, null, `${ip} holding ${i}: still held`);
				else assert.ok(got[i].to !== null && Math.abs(got[i].to! - t.to) <= history.fuzz, `${ip} holding ${i}: to ${got[i].to} vs ${t.to}`);
			});
		}
	});

	test(`who held X at T agrees with a naive replay of the truth for random (X, T) (seed ${seed})`, () => {
		const history = generateHistory({ seed: seed * 7 + 1, v4: 30, v6: 20, clients: 25 });
		const holdings = buildHoldings(history.events, { now: NOW });
		const rand = prng(seed);
		let checked = 0;
		for (let i = 0; i < 4000; i++) {
			const ip = history.ips[Math.floor(rand() * history.ips.length)];
			const t = history.start + Math.floor(rand() * (history.end - history.start));
			if (nearBoundary(history, ip, t)) continue;
			const expected = holderAt(history, ip, t);
			const got = holdings.filter(h => h.ip === ip && holdsAt(h, t)).map(h => h.clientRef);
			assert.deepEqual(got, expected === null ? [] : [expected], `${ip} at ${t}`);
			checked++;
		}
		assert.ok(checked > 3000);
	});

	test(`which addresses a client held at T agrees with the truth (seed ${seed})`, () => {
		const history = generateHistory({ seed: seed * 13 + 5, v4: 30, v6: 20, clients: 10 });
		const holdings = buildHoldings(history.events, { now: NOW });
		const rand = prng(seed + 99);
		for (let i = 0; i < 1500; i++) {
			const client = history.clients[Math.floor(rand() * history.clients.length)];
			const t = history.start + Math.floor(rand() * (history.end - history.start));
			if (history.ips.some(ip => nearBoundary(history, ip, t))) continue;
			const expected = history.ips.filter(ip => holderAt(history, ip, t) === client).sort();
			const got = holdings.filter(h => h.clientRef === client && holdsAt(h, t)).map(h => h.ip).sort();
			assert.deepEqual(got, expected, `client ${client} at ${t}`);
		}
	});
}

function brief(h: Holding) {
	return [h.clientRef, h.from, h.to, h.end];
}
