// Compaction merges a bucket's chunks of one key and re-cuts its pages: fewer rows, the same history. Checked
// against the store's own answers before compaction (every event, time-ordered pages, tracking by address, MAC and
// host at many points) on a history written the way a collector every few hours writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { HistoryColumns } from '../../store/history-columns.js';
import { BUCKET_BITS, CHUNK_MAX, PAGE_MAX, writeHistory } from '../../store/lease-history.js';
import { compactHistory } from '../../store/lease-compaction.js';
import { readLeaseEvents } from '../../store/lease-history-read.js';
import { track } from '../../store/tracking.js';
import { intToMac } from '../../source/domain/mac.js';
import { formatKey } from '../../source/domain/ip.js';
import { prng } from '../fixtures/tracking/history.js';

const T0 = 1_700_000_000;
const DAYS = 200;
const CLIENTS = 12;
const mac = (c: number) => intToMac(0x020000000000 + c);
const hex = (c: number) => (0x0a000100 + c).toString(16).padStart(8, '0');

async function history(dir: string): Promise<Store> {
	const store = await Store.open(path.join(dir, 'ipam.db'));
	await store.insertMany('server', ['id', 'name', 'kind'], [[1, 'dhcp1', 'kea'], [2, 'dhcp2', 'kea']]);
	await store.insertMany('client', ['id', 'key', 'mac'], Array.from({ length: CLIENTS }, (_, i) => [i + 1, `mac:${mac(i + 1)}`, mac(i + 1)]));
	await store.insertMany('host', ['id', 'name', 'name_lc'], Array.from({ length: CLIENTS }, (_, i) => [i + 1, `pc-${i + 1}`, `pc-${i + 1}`]));
	const rand = prng(5);
	// A collection every six hours: each batch holds a few events, one chunk (and a page) each.
	for (let batch = 0; batch < DAYS * 4; batch++) {
		const byServer = new Map<number, HistoryColumns>();
		for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
			const c = 1 + Math.floor(rand() * CLIENTS);
			// Client c mostly on its own address, sometimes on a neighbour's (address reuse across clients).
			const a = rand() < 0.85 ? c : 1 + Math.floor(rand() * CLIENTS);
			const server = 1 + (a % 2);
			const ts = T0 + batch * 21_600 + Math.floor(rand() * 21_600);
			let cols = byServer.get(server);
			if (!cols) byServer.set(server, (cols = new HistoryColumns(8)));
			const r = rand();
			// A few events name no client (an expiry some servers log without one).
			const client = rand() < 0.03 ? 0 : c;
			cols.push(cols.address(hex(a), 4), ts, r < 0.2 ? 1 : r < 0.9 ? 2 : 3, client, rand() < 0.9 ? c : 0, 0, ts + 86_400);
		}
		await store.transaction(async tx => {
			for (const [serverId, cols] of byServer) await writeHistory(tx, { serverId, spaceId: 1 }, cols);
		});
	}
	return store;
}

async function snapshot(store: Store) {
	const events = await store.all(
		`SELECT ts, kind, lower(hex(ip)) AS ip, server_id, client_ref, host_ref, user_ref, expires FROM lease_event
		 WHERE bkt IN (SELECT DISTINCT bkt FROM lease_chunk) ORDER BY ts, kind, ip, server_id, client_ref, host_ref`,
	);
	const newest = await readLeaseEvents(store, { where: [], limit: 300 });
	const questions = [];
	const rand = prng(9);
	for (let i = 0; i < 40; i++) {
		const c = 1 + Math.floor(rand() * CLIENTS);
		const t = T0 + Math.floor(rand() * DAYS * 86_400);
		const window = i % 2 ? { at: t, from: t, to: t } : { from: t - 10 * 86_400, to: t };
		for (const term of [formatKey(Buffer.from(hex(c), 'hex')), mac(c), `pc-${c}`]) {
			const r = await track(store, { term, window, now: T0 + (DAYS + 1) * 86_400, kind: term.startsWith('pc-') ? 'host' : undefined });
			questions.push({ term, window, rows: r.rows, notes: r.notes });
		}
	}
	return { events, newest: newest.map(e => [e.ts, e.tie, e.kind]), questions };
}

test('compaction merges a closed bucket into a chunk per key and full pages, and every answer stays the same', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-compact-'));
	t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
	const store = await history(dir);
	try {
		const before = await snapshot(store);
		assert.ok(before.questions.reduce((n, q) => n + q.rows.length, 0) > 60, 'the questions have answers to compare');
		const rows = async () =>
			(await store.get<{ chunks: number; pages: number }>('SELECT (SELECT count(*) FROM lease_chunk) AS chunks, (SELECT count(*) FROM lease_page) AS pages'))!;
		const counts = await rows();
		const newest = (await store.get<{ b: number }>('SELECT max(bkt) AS b FROM lease_chunk'))!.b;
		const chunksIn = async (bkt: number) => (await store.get<{ n: number }>('SELECT count(*) AS n FROM lease_chunk WHERE bkt = ?', [bkt]))!.n;
		const newestBefore = await chunksIn(newest);

		// Transactions of a few clients' chunks each, as a large store's would be.
		const result = await compactHistory(store, { rangeChunks: 7 });
		assert.ok(result.buckets >= 4, `${result.buckets} buckets compacted`);
		const after = await rows();
		assert.equal(after.chunks, counts.chunks - result.chunksBefore + result.chunksAfter);
		assert.ok(after.chunks < counts.chunks / 2, `${counts.chunks} → ${after.chunks} chunks`);
		assert.ok(after.pages < counts.pages / 5, `${counts.pages} → ${after.pages} pages`);

		// The newest bucket, which collections still write to, is compacted as well.
		assert.ok((await chunksIn(newest)) < newestBefore / 2, `newest bucket: ${newestBefore} → ${await chunksIn(newest)} chunks`);
		// Layout invariants the readers rely on, in the compacted buckets.
		const bad = await store.all(
			`SELECT c.id FROM lease_chunk c WHERE c.bkt <= ?1 AND (
				c.n <> json_array_length(c.ev) OR c.n > ${CHUNK_MAX}
				OR c.t_first <> (SELECT min(e.value ->> 0) FROM jsonb_each(c.ev) e) OR c.t_last <> (SELECT max(e.value ->> 0) FROM jsonb_each(c.ev) e)
				OR c.t_first <> c.ev ->> '$[0][0]' OR (c.t_last >> ${BUCKET_BITS}) <> c.bkt)`,
			[newest],
		);
		assert.deepEqual(bad, []);
		const twice = await store.all(
			`SELECT bkt FROM lease_chunk WHERE bkt <= ?1 GROUP BY bkt, ip, space_id, server_id, client_ref, host_ref HAVING count(*) > 1`,
			[newest],
		);
		assert.deepEqual(twice, [], 'one chunk per key in a compacted bucket');
		// Stored in client order, so a client's chunks of a bucket share pages.
		const outOfOrder = await store.all(
			`SELECT bkt FROM (SELECT bkt, client_ref, lag(client_ref) OVER (PARTITION BY bkt ORDER BY id) AS prev FROM lease_chunk WHERE bkt <= ?1) WHERE client_ref < prev`,
			[newest],
		);
		assert.deepEqual(outOfOrder, [], 'a compacted bucket is stored in client order');
		const pages = await store.all<{ n: number; t_first: number; t_last: number }>('SELECT n, t_first, t_last FROM lease_page ORDER BY t_first');
		for (const p of pages) {
			assert.ok(p.n <= PAGE_MAX);
			assert.equal(p.t_first >> BUCKET_BITS, p.t_last >> BUCKET_BITS, 'a page stays inside its bucket');
		}

		assert.deepEqual(await snapshot(store), before);
		// Re-reading a log after compaction adds nothing: the duplicate check finds events inside merged chunks.
		const again1 = before.events.slice(0, 400) as { ts: number; kind: number; ip: string; server_id: number; client_ref: number | null; host_ref: number | null; expires: number | null }[];
		const written = await store.transaction(async tx => {
			let n = 0;
			for (const server of [1, 2]) {
				const cols = new HistoryColumns(64);
				for (const e of again1.filter(e => e.server_id === server)) cols.push(cols.address(e.ip, 4), e.ts, e.kind, e.client_ref ?? 0, e.host_ref ?? 0, 0, e.expires ?? NaN);
				n += await writeHistory(tx, { serverId: server, spaceId: 1 }, cols);
			}
			return n;
		});
		assert.equal(written, 0, 'no event stored twice');
		// Nothing left to do: the next run writes nothing.
		const again = await compactHistory(store, { all: true });
		assert.equal(again.buckets, 0);
		assert.deepEqual(await rows(), after);

		// Collections go on writing to the compacted newest bucket: a re-read of its latest events adds nothing, new
		// events land and are found, and the next run packs them in.
		const latest = before.events.slice(-60) as typeof again1;
		const last = latest.at(-1)!.ts;
		const more = await store.transaction(async tx => {
			const cols = new HistoryColumns(64);
			for (const e of latest.filter(e => e.server_id === 1)) cols.push(cols.address(e.ip, 4), e.ts, e.kind, e.client_ref ?? 0, e.host_ref ?? 0, 0, e.expires ?? NaN);
			cols.push(cols.address(hex(50), 4), last + 600, 1, 3, 3, 0, last + 600 + 86_400);
			return writeHistory(tx, { serverId: 1, spaceId: 1 }, cols);
		});
		assert.equal(more, 1, 'only the new event is written');
		const seen = await track(store, { term: mac(3), window: { at: last + 700, from: last + 700, to: last + 700 }, now: last + 1000 });
		assert.ok(
			seen.rows.some(r => r.ip === formatKey(Buffer.from(hex(50), 'hex')) && r.from === last + 600),
			JSON.stringify(seen.rows.map(r => [r.ip, r.from])),
		);
		const third = await compactHistory(store);
		assert.equal(third.buckets, 1, 'the newest bucket packed again');
		assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM lease_event WHERE ts = ?', [last + 600]))!.n, 1);
	} finally {
		await store.close();
	}
});
