// How SQLite reaches lease history: every statement that tracking, the event readers and the duplicate check send
// to lease_chunk (directly or through the lease_event view) is recorded with its parameters and planned again.
// The answers are checked elsewhere; a wrong plan gives the same answers, only thousands of times slower at 50
// million events (a host question once read every chunk of a bucket through the client index; another built an
// automatic index over the whole table), so the plans themselves are the assertion. Plans do not depend on the
// data here: the store runs no ANALYZE, so the planner sees the same schema a full store has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store, type Param } from '../../store/database.js';
import { track } from '../../store/tracking.js';
import { readLeaseEvents, SPAN_CHUNKS_SQL } from '../../store/lease-history-read.js';
import { HistoryColumns } from '../../store/history-columns.js';
import { writeHistory } from '../../store/lease-history.js';
import { formatKey } from '../../source/domain/ip.js';
import { generateHistory } from '../fixtures/tracking/history.js';
import { clientMac, hostName, seedHistory } from '../fixtures/tracking/seed-store.js';

const NOW = 2_000_000_000;

interface Sent {
	sql: string;
	params: Param[];
}

/** Records the statements about lease history that go through `store`'s read and write doors. */
function recording(store: Store): Sent[] {
	const sent: Sent[] = [];
	for (const method of ['all', 'get', 'run'] as const) {
		const original = (store[method] as (sql: string, params?: Param[]) => Promise<unknown>).bind(store);
		(store as unknown as Record<string, unknown>)[method] = (sql: string, params: Param[] = []) => {
			if (/lease_chunk|lease_event\b/.test(sql) && !sql.startsWith('EXPLAIN')) sent.push({ sql, params });
			return original(sql, params);
		};
	}
	return sent;
}

/** What is wrong with one statement's plan, or nothing. */
function faults(plan: string[]): string[] {
	const out: string[] = [];
	for (const step of plan) {
		if (/AUTOMATIC/.test(step)) out.push(`builds an automatic index: ${step}`);
		if (/^SCAN (c|k|ev|lease_chunk)\b(?! VIRTUAL TABLE)/.test(step)) out.push(`scans the chunks: ${step}`);
		const use = /^SEARCH \w+ USING (?:COVERING )?INDEX (lease_chunk_\w+)(?: \((.*)\))?$/.exec(step);
		if (!use) continue;
		const [, index, keys] = use;
		// Without constraints it is the min()/max() of the leading column (the stored buckets): two seeks.
		if (keys === undefined) continue;
		if (index === 'lease_chunk_first') continue;
		const column = { lease_chunk_ip: 'ip', lease_chunk_client: 'client_ref', lease_chunk_host: 'host_ref' }[index];
		const ok = index === 'lease_chunk_ip' ? new RegExp(`^bkt=\\? AND ${column}[=>]`) : new RegExp(`^bkt=\\? AND ${column}=\\?`);
		if (!ok.test(keys)) out.push(`reaches ${index} by (${keys}), not by bucket and key: ${step}`);
	}
	return out;
}

async function checkPlans(store: Store, sent: Sent[]): Promise<number> {
	const seen = new Set<string>();
	for (const s of sent) {
		if (seen.has(s.sql)) continue;
		seen.add(s.sql);
		const plan = (await store.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${s.sql}`, s.params).catch(err => assert.fail(`${err}: ${s.sql.slice(0, 300)}`))).map(r => r.detail);
		assert.deepEqual(faults(plan), [], `${s.sql.replace(/\s+/g, ' ').slice(0, 400)}\n${plan.join('\n')}`);
	}
	return seen.size;
}

test('every statement tracking and the event readers send to lease history seeks by time bucket and key', async () => {
	const history = generateHistory({ seed: 7, v4: 20, v6: 8, clients: 16 });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-plans-'));
	const store = await Store.open(path.join(dir, 'ipam.db'));
	try {
		await seedHistory(store, history, { batchSeconds: 86400 });
		const sent = recording(store);
		const span = history.events.map(e => e.ts);
		const lo = Math.min(...span);
		const hi = Math.max(...span);
		const mid = Math.floor((lo + hi) / 2);
		const ip = formatKey(Buffer.from(history.events[0].ip, 'hex'));
		const client = history.events.find(e => e.clientRef !== null)!.clientRef!;
		const windows = [{ at: mid, from: mid, to: mid }, { from: mid - 7 * 86400, to: mid }, { from: null, to: null }];
		for (const window of windows) {
			await track(store, { term: ip, window, now: NOW });
			await track(store, { term: clientMac(client), window, now: NOW });
			await track(store, { term: hostName(client), kind: 'host', window, now: NOW });
			await track(store, { term: `${hostName(client).slice(0, 5)}*`, kind: 'host', window, now: NOW });
		}
		const key = Buffer.from(history.events[0].ip, 'hex');
		const accesses = [
			{ by: 'ip' as const, family: key.length === 4 ? 4 : 6, start: key, end: key },
			{ by: 'client' as const, ids: { sql: 'SELECT ?', params: [client] } },
			{ by: 'host' as const, ids: { sql: 'SELECT ?', params: [client + 1000] } },
		];
		for (const access of accesses) {
			for (const ascending of [true, false]) {
				const rows = await readLeaseEvents(store, { where: [], access, ascending, limit: 5, from: lo, to: hi });
				assert.ok(rows.length > 0, `events by ${access.by}`);
			}
		}
		await store.all(SPAN_CHUNKS_SQL, [Buffer.from('0a000000', 'hex'), Buffer.from('0affffff', 'hex')]);
		// A batch overlapping what is stored goes through the duplicate check first (the transaction's handle is the store's).
		await store.transaction(async tx => {
			const cols = new HistoryColumns(4);
			const e = history.events[0];
			cols.push(cols.address(e.ip, e.ip.length === 8 ? 4 : 6), e.ts, e.kind, e.clientRef ?? 0, e.hostRef ?? 0, 0, e.expires ?? NaN);
			await writeHistory(tx, { serverId: e.serverId, spaceId: 1 }, cols);
		});
		assert.ok(sent.some(s => /jsonb_each\(CAST|json_each\(\?3\) k/.test(s.sql)), 'the duplicate check ran');
		const planned = await checkPlans(store, sent);
		assert.ok(planned >= 10, `${planned} distinct statements planned`);
	} finally {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the plan check itself: a read by host through the client index, or an automatic index, is a fault', () => {
	assert.deepEqual(faults(['SEARCH c USING INDEX lease_chunk_host (bkt=? AND host_ref=? AND t_first>? AND t_first<?)', 'SEARCH lease_chunk USING INDEX lease_chunk_ip']), []);
	assert.equal(faults(['SEARCH c USING INDEX lease_chunk_client (bkt=? AND client_ref>?)']).length, 1);
	assert.equal(faults(['SEARCH k USING AUTOMATIC PARTIAL COVERING INDEX (client_ref=?)']).length, 1);
	assert.equal(faults(['SCAN c']).length, 1);
	assert.equal(faults(['SEARCH c USING INDEX lease_chunk_ip (ip=? AND t_first>?)']).length, 1);
});
