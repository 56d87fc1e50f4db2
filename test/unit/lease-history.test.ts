import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { appendLeaseEvents } from '../../store/lease-events.js';
import { BUCKET_BITS, PAGE_MAX } from '../../store/lease-history.js';
import { purgeExpired } from '../../store/retention.js';
import type { LeaseEventRecord } from '../../source/domain/dhcp.js';

async function fresh(): Promise<Store> {
	return Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-history-')), 'ipam.db'));
}

const KINDS = ['assign', 'renew', 'release', 'expire'] as const;

/** Deterministic events over `days`, `clients` clients on their own addresses, some IPv6, in shuffled order. */
function history(count: number, clients: number, days: number, seed = 1): LeaseEventRecord[] {
	let a = seed;
	const rand = () => ((a = (a * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
	const out: LeaseEventRecord[] = [];
	for (let i = 0; i < count; i++) {
		const c = Math.floor(rand() * clients);
		const ts = 1_600_000_000 + Math.floor(rand() * days * 86400);
		const mac = `02:00:00:00:${((c >> 8) & 0xff).toString(16).padStart(2, '0')}:${(c & 0xff).toString(16).padStart(2, '0')}`;
		const v6 = c % 4 === 0;
		out.push({
			ts,
			kind: KINDS[Math.floor(rand() * 4)],
			family: v6 ? 6 : 4,
			ip: v6 ? `2001:db8::${c.toString(16)}` : `10.0.${c >> 8}.${c & 0xff}`,
			...(v6 ? { duid: `00:03:00:01:${mac}` } : { mac }),
			hostname: `pc-${c}`,
			expires: rand() < 0.2 ? undefined : ts + 3600,
		});
	}
	return out;
}

type Row = { ts: number; kind: number; ip: string; mac: string | null; host: string | null; expires: number | null };

async function stored(store: Store): Promise<Row[]> {
	return store.all<Row>(
		`SELECT e.ts, e.kind, hex(e.ip) AS ip, c.mac, h.name AS host, e.expires FROM lease_event e
		 LEFT JOIN client c ON c.id = e.client_ref LEFT JOIN host h ON h.id = e.host_ref ORDER BY e.ts, e.kind, e.ip`,
	);
}

async function paged(store: Store): Promise<Row[]> {
	return store.all<Row>(
		`SELECT e.ts, e.kind, hex(e.ip) AS ip, c.mac, h.name AS host, e.expires FROM lease_event_page e
		 LEFT JOIN client c ON c.id = e.client_ref LEFT JOIN host h ON h.id = e.host_ref ORDER BY e.ts, e.kind, e.ip`,
	);
}

/** The events as a naive model keeps them: one per distinct (ip, client, host, ts, kind). */
function truth(events: LeaseEventRecord[]): Row[] {
	const hex = (ip: string) =>
		ip.includes(':')
			? '20010DB8' + '0'.repeat(20) + Number.parseInt(ip.split('::')[1], 16).toString(16).toUpperCase().padStart(4, '0')
			: ip
					.split('.')
					.map(o => Number(o).toString(16).toUpperCase().padStart(2, '0'))
					.join('');
	const kinds: Record<string, number> = { assign: 1, renew: 2, release: 3, expire: 4 };
	const seen = new Map<string, Row>();
	for (const e of events) {
		const mac = e.mac ?? e.duid!.slice(12);
		seen.set(`${e.ip}|${mac}|${e.hostname}|${e.ts}|${e.kind}`, { ts: e.ts, kind: kinds[e.kind], ip: hex(e.ip), mac, host: e.hostname!, expires: e.expires ?? null });
	}
	return [...seen.values()].sort((a, b) => a.ts - b.ts || a.kind - b.kind || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

test('events written in batches read back exactly, by address and in time order, duplicates dropped', async () => {
	const store = await fresh();
	const events = history(6000, 300, 400);
	// Duplicates inside one batch and across batches (a log read twice, partly).
	const batches = [events.slice(0, 2500), events.slice(2000, 4500), [...events.slice(4500), ...events.slice(4500, 4700)]];
	let written = 0;
	for (const b of batches) written += (await appendLeaseEvents(store, { serverId: null, spaceId: 1 }, b)).inserted;
	const want = truth(events);
	assert.equal(written, want.length, 'inserted counts only new events');
	assert.deepEqual(await stored(store), want);
	assert.deepEqual(await paged(store), want, 'the time-ordered copy holds the same events');
	// Reading it all again writes nothing.
	assert.equal((await appendLeaseEvents(store, { serverId: null, spaceId: 1 }, events)).inserted, 0);
	assert.equal((await store.get<{ n: number }>('SELECT sum(n) AS n FROM lease_chunk'))!.n, want.length);
	await store.close();
});

test('a chunk never crosses a time bucket; pages are in time order and at most PAGE_MAX long', async () => {
	const store = await fresh();
	await appendLeaseEvents(store, { serverId: null, spaceId: 1 }, history(5000, 20, 900, 7));
	const crossing = await store.get<{ n: number }>(`SELECT count(*) AS n FROM lease_chunk WHERE (t_first >> ${BUCKET_BITS}) <> (t_last >> ${BUCKET_BITS})`);
	assert.equal(crossing!.n, 0);
	const pageCrossing = await store.get<{ n: number }>(`SELECT count(*) AS n FROM lease_page WHERE (t_first >> ${BUCKET_BITS}) <> (t_last >> ${BUCKET_BITS})`);
	assert.equal(pageCrossing!.n, 0, 'pages are cut at bucket edges too');
	const bad = await store.get<{ n: number }>(
		`SELECT count(*) AS n FROM lease_chunk c WHERE n <> json_array_length(ev) OR t_first <> ev ->> '$[0][0]' OR t_last <> ev ->> '$[#-1][0]'`,
	);
	assert.equal(bad!.n, 0, 'chunk bounds and counts match their events');
	const pages = await store.all<{ t_first: number; t_last: number; n: number; sorted: number }>(
		`SELECT t_first, t_last, n, (SELECT count(*) FROM json_each(p.ev) a, json_each(p.ev) b WHERE b.key = a.key + 1 AND b.value ->> 0 < a.value ->> 0) = 0 AS sorted
		 FROM lease_page p ORDER BY t_first, id`,
	);
	// By time, not id: a batch's page statements go out together and the driver may run them in any order
	// (nothing reads pages by id); what must hold is that the batch's pages do not overlap in time.
	assert.ok(pages.length > 1);
	for (const p of pages) {
		assert.ok(p.n <= PAGE_MAX && p.sorted === 1 && p.t_first <= p.t_last);
	}
	for (let i = 1; i < pages.length; i++) assert.ok(pages[i - 1].t_last <= pages[i].t_first, 'one batch cuts its pages in time order, without overlaps');
	assert.ok(new Set(pages.map(p => p.t_first >> BUCKET_BITS)).size === pages.length, 'fewer events than PAGE_MAX per bucket: one page per bucket');
	await store.close();
});

test('extreme times and references survive the byte-level encoding', async () => {
	const store = await fresh();
	const times = [0, 9, 10, 99, 100, 2_147_483_647, 2_147_483_648, 253_402_300_799];
	const events: LeaseEventRecord[] = times.map((ts, i) => ({ ts, kind: 'assign', family: 4, ip: `192.0.2.${i}`, mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`, expires: ts + 1 }));
	assert.equal((await appendLeaseEvents(store, { serverId: null, spaceId: 1 }, events)).inserted, times.length);
	const rows = await store.all<{ ts: number; expires: number }>('SELECT ts, expires FROM lease_event ORDER BY ts');
	assert.deepEqual(rows.map(r => r.ts), times);
	assert.deepEqual(rows.map(r => r.expires), times.map(t => t + 1));
	await store.close();
});

test('purge keeps exactly the events at or after the cutoff, also inside chunks and pages that straddle it', async () => {
	const store = await fresh();
	const events = history(4000, 50, 200, 3);
	await appendLeaseEvents(store, { serverId: null, spaceId: 1 }, events);
	const want = truth(events);
	const cutoffDays = 100;
	const now = 1_600_000_000 + 200 * 86400;
	const cutoff = now - cutoffDays * 86400;
	const straddling = await store.get<{ n: number }>('SELECT count(*) AS n FROM lease_chunk WHERE t_first < ?1 AND t_last >= ?1', [cutoff]);
	assert.ok(straddling!.n > 0, 'the fixture has chunks across the cutoff');
	const result = await purgeExpired(store, now, { days: cutoffDays, batch: 100 });
	const kept = want.filter(r => r.ts >= cutoff);
	assert.equal(result.deleted.lease_event, want.length - kept.length);
	assert.deepEqual(await stored(store), kept);
	assert.deepEqual(await paged(store), kept);
	await store.close();
});
