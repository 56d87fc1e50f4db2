// Host-name tracking against a brute-force replay of a generated history in which names move: clients renamed
// half-way, a name passed to another client (a replaced NIC), a name two clients carry at once (dock and Wi-Fi),
// holdings that carry no name, and patterns matching many names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { trackClient, trackHost, type TrackRow } from '../../store/tracking.js';
import { formatKey } from '../../source/domain/ip.js';
import type { TimeWindow } from '../../source/domain/time.js';
import { generateHistory, nearBoundary, prng, type History, type TruthHolding } from '../fixtures/tracking/history.js';
import { clientMac, seedHistory } from '../fixtures/tracking/seed-store.js';

const NOW = 2_000_000_000;
const START = 1_700_000_000;
/** When the renames and the name hand-over happen (the histories span 12–17 days). */
const SWITCH = START + 5 * 86400;
const CLIENTS = 24;
const LOOKBACK = 10 * 86400;

/** The names, and which one a client's events carry at a time. */
function naming(): { names: Map<number, string>; hostOf: (client: number, at: number) => number | null } {
	const names = new Map<number, string>();
	const pad = (n: number) => String(n).padStart(2, '0');
	for (let c = 1; c <= CLIENTS; c++) names.set(2000 + c, `PC-${pad(c)}.corp.example`);
	for (let c = 3; c <= CLIENTS; c += 7) names.set(2100 + c, `WS-${pad(c)}.corp.example`);
	names.set(2200, 'retired-05.corp.example');
	names.set(2201, 'spare.corp.example');
	const hostOf = (client: number, at: number): number => {
		const after = at >= SWITCH;
		if (client === 5) return after ? 2200 : 2005; // its NIC replaced: the name goes to the last client
		if (client === CLIENTS) return after ? 2005 : 2201;
		if (client === 9) return 2008; // a second interface of client 8's machine
		if (client % 7 === 3 && after) return 2100 + client;
		return 2000 + client;
	};
	return { names, hostOf };
}

/** Which names a pattern matches, as matchHosts is specified: exact (else prefix), "p*" prefix, "*s*" substring. */
function matching(names: Map<number, string>, term: string): Set<number> {
	const t = term.toLowerCase();
	const pick = (ok: (n: string) => boolean) => new Set([...names].filter(([, n]) => ok(n.toLowerCase())).map(([id]) => id));
	if (t.startsWith('*') && t.endsWith('*')) return pick(n => n.includes(t.slice(1, -1)));
	const bare = t.replace(/\*$/, '');
	const exact = t.endsWith('*') ? new Set<number>() : pick(n => n === bare);
	return exact.size > 0 ? exact : pick(n => n.startsWith(bare));
}

const touches = (h: TruthHolding, w: TimeWindow) => h.from <= (w.to ?? Infinity) && (h.to === null || h.to >= (w.from ?? -Infinity));

async function seeded(seed: number, batchSeconds?: number): Promise<{ store: Store; history: History; names: Map<number, string> }> {
	const { names, hostOf } = naming();
	const history = generateHistory({ seed, v4: 30, v6: 12, clients: CLIENTS, hostOf });
	const store = await Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-track-hosts-')), 'ipam.db'));
	await seedHistory(store, history, { hosts: [...names].map(([id, name]) => ({ id, name })), batchSeconds });
	return { store, history, names };
}

const PATTERNS = ['pc-0*', 'PC-', 'pc-05.corp.example', 'ws-*', '*-1*', '*corp*', 'retired'];

/** The windows asked: points and two-hour windows, away from every holding's edges (skewed servers blur them). */
function windows(history: History, count: number, seed: number): TimeWindow[] {
	const rand = prng(seed);
	const out: TimeWindow[] = [];
	while (out.length < count) {
		const t = history.start + Math.floor(rand() * (history.end - history.start));
		const w: TimeWindow = out.length % 2 ? { from: t - 7200, to: t } : { from: t, to: t, at: t };
		if (history.ips.some(ip => nearBoundary(history, ip, w.from!) || nearBoundary(history, ip, w.to!))) continue;
		out.push(w);
	}
	return out;
}

test('by host name, exact, prefix and substring: the named holdings are exactly those the truth has under matching names', async () => {
	const { store, history, names } = await seeded(3101);
	let rows = 0;
	for (const w of windows(history, 120, 17)) {
		for (const pattern of PATTERNS) {
			const ids = matching(names, pattern);
			const result = await trackHost(store, pattern, w, { now: NOW });
			assert.deepEqual(new Set(result.subject.split(', ').filter(Boolean)), new Set([...ids].map(id => names.get(id))), pattern);
			const expected = history.truth.filter(h => h.host !== null && ids.has(h.host) && touches(h, w));
			const key = (ip: string, mac: string | null, host: string | null) => `${ip} ${mac} ${host}`;
			const got = result.rows.filter(r => r.host !== null);
			assert.deepEqual(
				got.map(r => key(r.ip, r.mac, r.host)).sort(),
				expected.map(h => key(formatKey(h.ip), clientMac(h.client), names.get(h.host!)!)).sort(),
				`${pattern} ${JSON.stringify(w)}`,
			);
			for (const r of got) {
				const truth = expected.find(h => formatKey(h.ip) === r.ip && clientMac(h.client) === r.mac)!;
				if (r.fromExact) assert.ok(Math.abs(r.from - truth.from) <= history.fuzz, `${pattern} ${r.ip}: from ${r.from} vs ${truth.from}`);
				else assert.ok(r.from >= truth.from - history.fuzz, `${pattern} ${r.ip}: from ≤ ${r.from} vs ${truth.from}`);
				if (r.toExact && truth.to === null) assert.equal(r.to, null, `${pattern} ${r.ip}: still held`);
				else if (r.toExact) assert.ok(r.to !== null && Math.abs(r.to - truth.to!) <= history.fuzz, `${pattern} ${r.ip}: to ${r.to} vs ${truth.to}`);
			}
			// Holdings that carried no name count for a client whose events carried a matching name in the window or
			// the ten days before it (as far back as a client's holdings are read from).
			const users = new Set(history.events.filter(e => e.hostRef !== null && ids.has(e.hostRef) && e.ts >= w.from! - LOOKBACK && e.ts <= w.to!).map(e => e.clientRef));
			assert.deepEqual(
				result.rows.filter(r => r.host === null).map(r => key(r.ip, r.mac, null)).sort(),
				history.truth.filter(h => h.host === null && users.has(h.client) && touches(h, w)).map(h => key(formatKey(h.ip), clientMac(h.client), null)).sort(),
				`${pattern} ${JSON.stringify(w)}: holdings without a name`,
			);
			rows += result.rows.length;
		}
	}
	assert.ok(rows > 500, `only ${rows} rows checked`);
	await store.close();
});

test('a host answer shows each holding as its client\'s MAC answer does', async () => {
	const { store, history } = await seeded(3202);
	const macRows = async (w: TimeWindow) => (await Promise.all(history.clients.map(c => trackClient(store, clientMac(c), w, { now: NOW })))).flatMap(r => r.rows);
	const key = (r: TrackRow) => `${r.ip} ${r.mac} ${r.from}`;
	for (const w of windows(history, 60, 23)) {
		const byMac = new Map((await macRows(w)).map(r => [key(r), r]));
		for (const pattern of ['pc-*', 'pc-0', '*corp*']) {
			for (const row of (await trackHost(store, pattern, w, { now: NOW })).rows) {
				assert.deepEqual(row, byMac.get(key(row)), `${pattern} ${JSON.stringify(w)} ${key(row)}`);
			}
		}
	}
	await store.close();
});

test('answers do not depend on a chunk starting at its first event (only on no event lying before its start)', async () => {
	// Many small ingest batches: many chunks per client, so the first chunks after a window are a real choice.
	const { store, history } = await seeded(3303, 1800);
	const asked = windows(history, 60, 29);
	const answers = async () => {
		const out: unknown[] = [];
		for (const w of asked) {
			out.push((await trackHost(store, 'pc-*', w, { now: NOW })).rows);
			out.push((await trackClient(store, clientMac(1 + (out.length % CLIENTS)), w, { now: NOW })).rows);
		}
		return out;
	};
	const before = await answers();
	// Chunk starts moved earlier by up to a day (never before the bucket start): a layout a writer could legally produce.
	await store.run(`UPDATE lease_chunk SET t_first = max(t_first - (abs(random()) % 86400), (t_first >> 22) << 22)`);
	assert.deepEqual(await answers(), before);
	await store.close();
});
