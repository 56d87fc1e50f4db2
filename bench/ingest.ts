// Ingest benchmark (issue 4): lease events from logs into the store with every tracking index in place — a sparse
// 3-year history in collections of 100,000, then as many events at issue 5's density in collections of 1,000,000 —,
// the lease-set diff of a whole server, and one MAC's history from the store vs `grep` over the same events as a
// dhcpd.leases file. Sizes: IPAM_BENCH_EVENTS (default 3,000,000), IPAM_BENCH_LEASES (default 200,000).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../store/database.js';
import { addServer } from '../store/servers.js';
import { ingestBatch } from '../store/ingest.js';
import { everyBucket } from '../store/lease-history.js';
import { compactHistory } from '../store/lease-compaction.js';
import type { LeaseEventRecord, LeaseRecord } from '../source/domain/dhcp.js';
import { parseWindowsAuditLog } from '../source/formats/windows-audit-log.js';

const CLIENTS = 100_000;
/** Events per ingestBatch call (IPAM_BENCH_BATCH): a collector hands over what it read since the last run. */
const BATCH = Number(process.env.IPAM_BENCH_BATCH) || 100_000;
/** The second run's batch (IPAM_BENCH_DENSE_BATCH): a first collection of a server's week of audit logs. */
const DENSE_BATCH = Number(process.env.IPAM_BENCH_DENSE_BATCH) || 1_000_000;
const T0 = 1_700_000_000;

function mac(i: number): string {
	const h = (0x0a0000000000 + i).toString(16).padStart(12, '0');
	return `${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

/** Deterministic pseudo-random (mulberry32): the same history every run. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Seconds the first run's history spans (IPAM_BENCH_SPAN_DAYS, default 3 years): 3 M events of 100,000 clients over 3 years is about one event per client a month. */
const SPAN = (Number(process.env.IPAM_BENCH_SPAN_DAYS) || 3 * 365) * 86_400;
/** Issue 5's density, 50,000,000 events of 100,000 clients over 3 years (one event per client every two days): the second run's span is scaled to its event count. */
const SPEC_SECONDS_PER_EVENT = (3 * 365 * 86_400) / 50_000_000;

function two(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

/**
 * The history as the Windows collector hands it over: each batch is written as DhcpSrvLog / DhcpV6SrvLog lines and
 * read back by the collector's own parser (untimed), so the records carry the strings a real collection does.
 * CLIENTS clients (20 % IPv6 with DUID-LL), time-ordered as a log is.
 */
export function* history(total: number, span = SPAN, batchSize = BATCH): Generator<LeaseEventRecord[]> {
	const rand = rng(42);
	for (let i = 0; i < total; i += batchSize) {
		const v4: string[] = [];
		const v6: string[] = [];
		for (let j = i; j < Math.min(total, i + batchSize); j++) {
			const c = Math.floor(rand() * CLIENTS);
			const ts = T0 + Math.floor((j / total) * span);
			const r = rand();
			const d = new Date(ts * 1000);
			const when = `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(d.getUTCFullYear() % 100)},${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
			const hw = (0x0a0000000000 + c).toString(16).padStart(12, '0').toUpperCase();
			if (c % 5 === 0) {
				const id = r < 0.3 ? '11002,' + when + ',DHCPV6 Request' : r < 0.9 ? '11004,' + when + ',DHCPV6 Renew' : '11007,' + when + ',DHCPV6 Release';
				v6.push(`${id},2001:db8::${(c & 0xffff).toString(16)},host-${c}.corp.example,,10,00030001${hw},,,2001:db8::,,\n`);
			} else {
				const id = r < 0.3 ? '10,' + when + ',Assign' : r < 0.9 ? '11,' + when + ',Renew' : '12,' + when + ',Release';
				v4.push(`${id},10.${(c >> 16) & 0xff}.${(c >> 8) & 0xff}.${c & 0xff},host-${c}.corp.example,${hw},,${3_000_000_000 + j},0,,,,,,,,,0\n`);
			}
		}
		const clock = { utcOffsetMinutes: 0 };
		const a = parseWindowsAuditLog(Buffer.from(v4.join('')), { file: 'DhcpSrvLog-Mon.log', clock }).events;
		const b = parseWindowsAuditLog(Buffer.from(v6.join('')), { file: 'DhcpV6SrvLog-Mon.log', clock }).events;
		// One batch in time order, as the collector's merge of both logs gives it.
		const batch: LeaseEventRecord[] = [];
		let x = 0;
		let y = 0;
		while (x < a.length || y < b.length) batch.push(y >= b.length || (x < a.length && a[x].ts <= b[y].ts) ? a[x++] : b[y++]);
		for (const e of batch) if (e.kind !== 'release') e.expires = e.ts + 3600;
		yield batch;
	}
}

function dhcpdTime(ts: number): string {
	const d = new Date(ts * 1000);
	return `${d.getUTCDay()} ${d.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/')}`;
}

function leaseBlock(e: LeaseEventRecord): string {
	const hw = e.mac ?? e.duid!.slice(12);
	return `lease ${e.ip} {\n  starts ${dhcpdTime(e.ts)};\n  ends ${dhcpdTime(e.expires ?? e.ts)};\n  cltt ${dhcpdTime(e.ts)};\n  binding state ${e.kind === 'release' ? 'released' : 'active'};\n  hardware ethernet ${hw};\n  client-hostname "${e.hostname}";\n}\n`;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function eventIngest(dir: string, total: number, run: { name: string; span: number; batch: number; leaseFile: boolean }): Promise<{ store: Store; leaseFile: string; macs: string[] }> {
	const store = await Store.open(path.join(dir, `${run.name.replace(/\W+/g, '-')}.db`), { cacheMiB: 1024 });
	const server = await addServer(store, { name: 'bench-dhcp', kind: 'windows' });
	const leaseFile = path.join(dir, 'dhcpd.leases');
	const out = run.leaseFile ? fs.openSync(leaseFile, 'w') : null;
	let ingestMs = 0;
	let cpuMs = 0;
	let written = 0;
	let lastReport = 0;
	for (const batch of history(total, run.span, run.batch)) {
		const started = performance.now();
		const cpu = process.cpuUsage();
		const r = await ingestBatch(store, server.id, { events: batch }, T0);
		ingestMs += performance.now() - started;
		const used = process.cpuUsage(cpu);
		// Both threads: JavaScript and SQLite's worker (the process's CPU time covers every thread).
		cpuMs += (used.user + used.system) / 1000;
		written += r.logEvents;
		if (out !== null) fs.writeSync(out, batch.map(leaseBlock).join(''));
		if (written - lastReport >= 1_000_000 || written === total) {
			lastReport = written;
			console.log(`  ${written.toLocaleString('en')} events: ${Math.round(written / (ingestMs / 1000)).toLocaleString('en')} events/s so far`);
		}
	}
	if (out !== null) fs.closeSync(out);
	const size = (await store.get<{ n: number }>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'))!.n;
	const packing = (await store.get<{ chunks: number; pages: number }>('SELECT (SELECT count(*) FROM lease_chunk) AS chunks, (SELECT count(*) FROM lease_page) AS pages'))!;
	console.log(`  packing: ${packing.chunks.toLocaleString('en')} chunks (${(written / packing.chunks).toFixed(2)} events each), ${packing.pages.toLocaleString('en')} pages`);
	console.log(
		`event ingest, ${run.name}: ${written.toLocaleString('en')} lease events in ${(ingestMs / 1000).toFixed(1)} s = ${Math.round(written / (ingestMs / 1000)).toLocaleString('en')} events/s wall, ` +
			`${Math.round(written / (cpuMs / 1000)).toLocaleString('en')} events per CPU-second (${(cpuMs / 1000).toFixed(1)} s CPU, load ${os.loadavg()[0].toFixed(1)}) ` +
			`(over ${(run.span / 86_400).toFixed(1)} days, batches of ${run.batch.toLocaleString('en')}, ${CLIENTS.toLocaleString('en')} clients, packed chunks + time pages, every tracking index, client/host interning); store ${(size / 2 ** 20).toFixed(0)} MiB = ${(size / 2 ** 20 / (written / 1e6)).toFixed(0)} MiB per million events`,
	);
	// Re-reading the same log: every event is already there.
	const again = performance.now();
	const first = history(total, run.span, run.batch).next().value as LeaseEventRecord[];
	const r = await ingestBatch(store, server.id, { events: first }, T0);
	console.log(`re-ingest of ${first.length.toLocaleString('en')} already-stored events: ${r.logEvents} new rows in ${Math.round(performance.now() - again)} ms`);
	const rand = rng(7);
	const macs = Array.from({ length: 30 }, () => mac(Math.floor(rand() * CLIENTS)));
	return { store, leaseFile, macs };
}

const ALL_BUCKETS = everyBucket('e.bkt');

async function macLookup(store: Store, leaseFile: string, macs: string[]): Promise<void> {
	const times: number[] = [];
	let rows = 0;
	for (const m of macs) {
		const started = performance.now();
		const found = await store.all(
			// Every stored bucket: the chunk indexes are led by the time bucket (store/lease-history.ts).
			`SELECT e.ts, e.kind, e.ip FROM lease_event e WHERE ${ALL_BUCKETS} AND e.client_ref IN (SELECT id FROM client WHERE mac = ?) ORDER BY e.ts`,
			[m],
		);
		times.push(performance.now() - started);
		rows += found.length;
	}
	times.sort((a, b) => a - b);
	const size = fs.statSync(leaseFile).size;
	const grepTimes: number[] = [];
	for (const m of macs.slice(0, 3)) {
		const started = performance.now();
		const g = spawnSync('grep', ['-F', '-c', `hardware ethernet ${m};`, leaseFile], { encoding: 'utf8' });
		grepTimes.push(performance.now() - started);
		if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
	}
	grepTimes.sort((a, b) => a - b);
	const p50 = percentile(times, 0.5);
	const grepMedian = grepTimes[1];
	console.log(
		`one MAC's history: store p50 ${p50.toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms (${Math.round(rows / macs.length)} events per MAC); ` +
			`grep -F over the same events as a ${(size / 2 ** 20).toFixed(0)} MiB dhcpd.leases: median ${grepMedian.toFixed(0)} ms → ${Math.round(grepMedian / p50)}× faster`,
	);
}

async function leaseSetDiff(dir: string, count: number): Promise<void> {
	const store = await Store.open(path.join(dir, 'leases.db'), { cacheMiB: 512 });
	const server = await addServer(store, { name: 'bench-kea', kind: 'kea' });
	const now = T0 + 1000;
	const set: LeaseRecord[] = Array.from({ length: count }, (_, i) => ({
		family: 4,
		ip: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`,
		mac: mac(i),
		hostname: `pc-${i}`,
		state: 'active',
		starts: T0,
		ends: T0 + 86_400,
		cltt: T0,
	}));
	let started = performance.now();
	let r = await ingestBatch(store, server.id, { leases: set }, now);
	const first = performance.now() - started;
	// Next collection: 10 % renewed, 2 % released (gone), 2 % new clients on those addresses.
	const next = set.map((l, i) => (i % 10 === 0 ? { ...l, cltt: now, ends: now + 86_400 } : i % 50 === 1 ? { ...l, mac: mac(count + i), hostname: `new-${i}`, starts: now } : l)).filter((_, i) => i % 50 !== 3);
	started = performance.now();
	r = await ingestBatch(store, server.id, { leases: next }, now + 300);
	const second = performance.now() - started;
	started = performance.now();
	const same = await ingestBatch(store, server.id, { leases: next }, now + 600);
	const third = performance.now() - started;
	console.log(
		`lease set of ${count.toLocaleString('en')}: first collection ${(first / 1000).toFixed(1)} s (${Math.round(count / (first / 1000)).toLocaleString('en')} leases/s); ` +
			`next with 14 % changed ${(second / 1000).toFixed(1)} s → ${r.leaseEvents.toLocaleString('en')} events; unchanged ${(third / 1000).toFixed(1)} s → ${same.leaseEvents} events`,
	);
	await store.close();
}

/**
 * Frequent collections (a collector every few minutes hands over a few hundred events), then compaction: the rows
 * they leave, the rows after `compactHistory`, how long it takes, and a MAC's whole history read before and after.
 * IPAM_BENCH_FREQUENT (default 1,000,000) events of 20,000 clients over 200 days in batches of 500.
 */
async function frequentThenCompact(dir: string): Promise<void> {
	const total = Number(process.env.IPAM_BENCH_FREQUENT) || 1_000_000;
	const clients = 20_000;
	const days = 200;
	const batch = 500;
	const store = await Store.open(path.join(dir, 'frequent.db'), { cacheMiB: 512 });
	const server = await addServer(store, { name: 'bench-frequent', kind: 'kea' });
	const rand = rng(11);
	let ingestMs = 0;
	for (let i = 0; i < total; i += batch) {
		const events: LeaseEventRecord[] = [];
		for (let j = i; j < Math.min(total, i + batch); j++) {
			const c = Math.floor(rand() * clients);
			const ts = T0 + Math.floor((j / total) * days * 86_400);
			events.push({ ts, kind: rand() < 0.9 ? 'renew' : 'release', family: 4, ip: `10.9.${(c >> 8) & 0xff}.${c & 0xff}`, mac: mac(c), hostname: `pc-${c}`, expires: ts + 86_400 });
		}
		const started = performance.now();
		await ingestBatch(store, server.id, { events }, T0);
		ingestMs += performance.now() - started;
	}
	const rows = async () =>
		(await store.get<{ chunks: number; pages: number; used: number }>(
			`SELECT (SELECT count(*) FROM lease_chunk) AS chunks, (SELECT count(*) FROM lease_page) AS pages,
				(SELECT page_count - freelist_count FROM pragma_page_count(), pragma_freelist_count()) * (SELECT page_size FROM pragma_page_size()) AS used`,
		))!;
	const macs = Array.from({ length: 50 }, () => mac(Math.floor(rand() * clients)));
	const history = async () => {
		const times: number[] = [];
		for (const m of macs) {
			const started = performance.now();
			await store.all(`SELECT e.ts, e.kind, e.ip FROM lease_event e WHERE ${ALL_BUCKETS} AND e.client_ref IN (SELECT id FROM client WHERE mac = ?) ORDER BY e.ts`, [m]);
			times.push(performance.now() - started);
		}
		return percentile(times.sort((a, b) => a - b), 0.5);
	};
	const before = await rows();
	const readBefore = await history();
	const started = performance.now();
	const r = await compactHistory(store);
	const compactMs = performance.now() - started;
	const after = await rows();
	const readAfter = await history();
	console.log(
		`frequent collections: ${total.toLocaleString('en')} events in batches of ${batch} → ${Math.round(total / (ingestMs / 1000)).toLocaleString('en')} events/s, ` +
			`${before.chunks.toLocaleString('en')} chunks (${(total / before.chunks).toFixed(2)} events each), ${before.pages.toLocaleString('en')} pages, ${(before.used / 2 ** 20).toFixed(0)} MiB used; ` +
			`compaction of ${r.buckets} bucket(s) (the newest one too) in ${(compactMs / 1000).toFixed(1)} s → ${after.chunks.toLocaleString('en')} chunks (${(total / after.chunks).toFixed(2)} events each), ` +
			`${after.pages.toLocaleString('en')} pages, ${(after.used / 2 ** 20).toFixed(0)} MiB used; one MAC's 200 days p50 ${readBefore.toFixed(2)} → ${readAfter.toFixed(2)} ms`,
	);
	await store.close();
}

export async function run(): Promise<void> {
	const total = Number(process.env.IPAM_BENCH_EVENTS) || 3_000_000;
	const leases = Number(process.env.IPAM_BENCH_LEASES) || 200_000;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-bench-ingest-'));
	// IPAM_BENCH_INGEST_ONLY=events stops after the event ingest runs and the MAC lookup; =frequent runs only the frequent collections and compaction.
	const only = process.env.IPAM_BENCH_INGEST_ONLY;
	try {
		if (only !== 'frequent') {
			const { store, leaseFile, macs } = await eventIngest(dir, total, { name: 'sparse', span: SPAN, batch: BATCH, leaseFile: true });
			await macLookup(store, leaseFile, macs);
			await store.close();
			// The same number of events at issue 5's density, in the batches a first collection of a week of logs gives.
			const dense = await eventIngest(dir, total, { name: 'issue-5 density', span: total * SPEC_SECONDS_PER_EVENT, batch: DENSE_BATCH, leaseFile: false });
			await dense.store.close();
		}
		if (only !== 'events') {
			if (only !== 'frequent') await leaseSetDiff(dir, leases);
			await frequentThenCompact(dir);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
