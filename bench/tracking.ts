// Tracking benchmark (issue 5): a store with 50 M lease events (3 years × 100,000 clients, IPv4+IPv6, HA copies)
// and 5 M logon events; track by IP, MAC, host prefix and user (p50/p99), `ipam track` as a whole process, the same
// questions by grep over equivalent raw lease-log files, store size per million events, and ingest rate with every
// tracking index in place.
//
// Scale: IPAM_BENCH_TRACKING_SCALE (default 0.05 = 2.5 M lease events; 1 = the full 50 M, needs ~10 GB and minutes).
// Files go to IPAM_BENCH_DIR (default $TMPDIR/ipam-bench-tracking); an existing store of the same scale is reused
// unless IPAM_BENCH_REBUILD=1. IPAM_BENCH_TRACKING_ONLY=ingest runs only the ingest probe (2 M events, three transaction sizes).
// After the questions the store is compacted (the daily 'compact' task) and, if that changed it, asked again;
// IPAM_BENCH_TRACKING_COMPACT=0 leaves it as built. IPAM_BENCH_TRACKING_BATCH (default 250,000) is the lease events per ingest batch: a batch covers scale × 3 years, so a
// scaled-down store packs a client's events into fewer, fuller chunks than the full store does unless the batch is
// scaled too (250,000 × scale gives the full store's chunks per client and bucket, which is what a query unpacks).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../store/database.js';
import { track } from '../store/tracking.js';
import { insertLogons } from '../store/logons.js';
import { HistoryColumns } from '../store/history-columns.js';
import { writeHistory } from '../store/lease-history.js';
import { compactHistory } from '../store/lease-compaction.js';
import { intToMac } from '../source/domain/mac.js';
import { formatKey } from '../source/domain/ip.js';
import type { LogonRecord } from '../source/domain/logon.js';

const YEAR = 365 * 86400;
const START = 1_700_000_000;
const SPAN = 3 * YEAR;
const LEASE = 8 * 86400;

function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Plan {
	scale: number;
	batch: number;
	leaseEvents: number;
	logonEvents: number;
	clients: number;
	users: number;
}

function plan(scale: number): Plan {
	return {
		scale,
		batch: Number(process.env.IPAM_BENCH_TRACKING_BATCH ?? 250_000),
		leaseEvents: Math.round(50_000_000 * scale),
		logonEvents: Math.round(5_000_000 * scale),
		clients: Math.max(1000, Math.round(100_000 * scale)),
		users: Math.max(500, Math.round(40_000 * scale)),
	};
}

const mac = (client: number) => intToMac(0x0050_5600_0000 + client);
const host = (client: number) => `pc-${String(client).padStart(6, '0')}`;
const v4hex = (n: number) => (0x0a000000 + n).toString(16).padStart(8, '0');
const v6hex = (n: number) => '20010db8000100000000000000' + n.toString(16).padStart(6, '0');
const v4text = (n: number) => formatKey(v4hex(n));
const v6text = (n: number) => formatKey(v6hex(n));

/** One client slot: a v4 or v6 address the client holds now (index into its family's pool) or -1. */
interface Slot {
	client: number;
	v6: boolean;
	ip: number;
}

interface Built {
	store: string;
	raw: string;
	insertSeconds: number;
	/** CPU seconds (all threads of this process: JS and SQLite's) spent in the inserts. */
	insertCpuSeconds: number;
	firstMillionSeconds: number;
	leaseRows: number;
	logonRows: number;
	samples: { ip: string; ts: number }[];
}

/** Generates the history in time order and writes it to the store in batches (the ingest path) and to raw logs. */
async function build(p: Plan, dir: string): Promise<Built> {
	const file = path.join(dir, 'tracking.db');
	const raw = path.join(dir, 'DhcpSrvLog-all.log');
	for (const f of [file, `${file}-wal`, `${file}-shm`, raw]) fs.rmSync(f, { force: true });
	const store = await Store.open(file, { cacheMiB: Number(process.env.IPAM_BENCH_CACHE_MIB ?? 2048) });
	const rand = prng(20261125);
	const rawOut = fs.createWriteStream(raw);
	await store.insertMany('server', ['id', 'name', 'kind', 'ha_group'], [[1, 'dhcp-a', 'windows', 'ha1'], [2, 'dhcp-b', 'windows', 'ha1'], [3, 'kea-1', 'kea', null]]);
	const clientRows: unknown[][] = [];
	const hostRows: unknown[][] = [];
	for (let c = 1; c <= p.clients; c++) {
		clientRows.push([c, `mac:${mac(c)}`, mac(c)]);
		hostRows.push([c, host(c), host(c)]);
	}
	await store.insertMany('client', ['id', 'key', 'mac'], clientRows);
	await store.insertMany('host', ['id', 'name', 'name_lc'], hostRows);

	// Slots: every client has a v4 slot, 30% also a v6 slot. Pools are a little larger than demand, so
	// released addresses go to other clients over the years.
	const slots: Slot[] = [];
	for (let c = 1; c <= p.clients; c++) {
		slots.push({ client: c, v6: false, ip: -1 });
		if (rand() < 0.3) slots.push({ client: c, v6: true, ip: -1 });
	}
	const free = { v4: [] as number[], v6: [] as number[] };
	const next = { v4: 0, v6: 0 };
	const take = (v6: boolean) => {
		const pool = v6 ? free.v6 : free.v4;
		if (pool.length > 0 && rand() < 0.7) {
			const i = Math.floor(rand() * pool.length);
			const ip = pool[i];
			pool[i] = pool[pool.length - 1];
			pool.pop();
			return ip;
		}
		return v6 ? next.v6++ : next.v4++;
	};

	const total = p.leaseEvents;
	const logonEvery = total / p.logonEvents;
	const batch = p.batch;
	// One column set per server (1, 2 = the HA pair, 3 = Kea): a history batch belongs to one server.
	const fresh = () => new Map<number, HistoryColumns>();
	let rows = fresh();
	let pending = 0;
	let logons: LogonRecord[] = [];
	let rawLines: string[] = [];
	let insertSeconds = 0;
	let insertCpuSeconds = 0;
	let firstMillionSeconds = 0;
	let written = 0;
	let logonCount = 0;
	const samples: { ip: string; ts: number }[] = [];
	const flush = async () => {
		const t0 = process.hrtime.bigint();
		const c0 = process.cpuUsage();
		await store.transaction(async tx => {
			for (const [serverId, cols] of rows) await writeHistory(tx, { serverId, spaceId: 1 }, cols);
		});
		if (logons.length) await insertLogons(store, logons);
		insertSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
		const c = process.cpuUsage(c0);
		insertCpuSeconds += (c.user + c.system) / 1e6;
		written += pending;
		if (firstMillionSeconds === 0 && written >= 1_000_000) firstMillionSeconds = insertSeconds;
		if (!rawOut.write(rawLines.join(''))) await new Promise(r => rawOut.once('drain', r));
		rows = fresh();
		pending = 0;
		logons = [];
		rawLines = [];
		if (written % 5_000_000 < batch) console.log(`  … ${written.toLocaleString()} lease events, ${logonCount.toLocaleString()} logons, ${insertSeconds.toFixed(1)} s in the store`);
	};
	const push = (server: number, hex: string, family: number, ts: number, kind: number, client: number, expires: number | null) => {
		let cols = rows.get(server);
		if (!cols) rows.set(server, (cols = new HistoryColumns(batch)));
		cols.push(cols.address(hex, family), ts, kind, client, client, 0, expires ?? NaN);
		pending++;
	};
	const emit = (ts: number, kind: number, s: Slot, expires: number | null) => {
		const family = s.v6 ? 6 : 4;
		const hex = s.v6 ? v6hex(s.ip) : v4hex(s.ip);
		// 60% of addresses sit behind the HA pair (copy from the partner, clock 3 s ahead), the rest on Kea.
		const ha = s.ip % 5 < 3;
		push(ha ? 1 : 3, hex, family, ts, kind, s.client, expires);
		const d = new Date(ts * 1000);
		const date = `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
		const time = d.toISOString().slice(11, 19);
		const ipText = s.v6 ? v6text(s.ip) : v4text(s.ip);
		rawLines.push(`${kind === 1 ? 10 : kind === 2 ? 11 : kind === 3 ? 12 : 16},${date},${time},${kind === 1 ? 'Assign' : kind === 2 ? 'Renew' : kind === 3 ? 'Release' : 'Expired'},${ipText},${host(s.client)}.corp.example,${mac(s.client).replace(/:/g, '').toUpperCase()},\n`);
		if (ha && rand() < 0.25) push(2, hex, family, ts + 3, kind, s.client, expires === null ? null : expires + 3);
	};

	for (let i = 0; i < total; ) {
		const ts = START + Math.floor((i / total) * SPAN);
		const s = slots[Math.floor(rand() * slots.length)];
		if (s.ip < 0) {
			s.ip = take(s.v6);
			emit(ts, 1, s, ts + LEASE);
		} else {
			const r = rand();
			if (r < 0.9) emit(ts, 2, s, ts + LEASE);
			else {
				emit(ts, r < 0.96 ? 3 : 4, s, null);
				(s.v6 ? free.v6 : free.v4).push(s.ip);
				s.ip = -1;
			}
		}
		i = written + pending;
		// Logons: the client's user at its host and current IPv4 address.
		while (logonCount < ((i + 1) / logonEvery) && logonCount < p.logonEvents) {
			const ls = slots[Math.floor(rand() * slots.length)];
			logonCount++;
			if (ls.ip < 0 || ls.v6) continue;
			const u = ls.client % p.users;
			logons.push({ ts, kind: rand() < 0.8 ? 4624 : 4769, user: `user${u}`, domain: 'CORP', host: host(ls.client).toUpperCase(), ip: v4text(ls.ip), family: 4, logonId: null, serverId: null, source: 'dc:dc1' });
		}
		if (rand() < 0.0005 && samples.length < 2000 && s.ip >= 0) samples.push({ ip: s.v6 ? v6text(s.ip) : v4text(s.ip), ts });
		if (pending >= batch) await flush();
	}
	if (pending) await flush();
	await new Promise(r => rawOut.end(r));
	const counts = await store.get<{ lease: number; logon: number }>('SELECT (SELECT sum(n) FROM lease_page) AS lease, (SELECT count(*) FROM logon_event) AS logon');
	await store.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	await store.close();
	const built: Built = { store: file, raw, insertSeconds, insertCpuSeconds, firstMillionSeconds, leaseRows: counts?.lease ?? 0, logonRows: counts?.logon ?? 0, samples };
	fs.writeFileSync(path.join(dir, 'tracking.json'), JSON.stringify({ scale: p.scale, batch: p.batch, ...built }));
	return built;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeQueries(label: string, n: number, one: (i: number) => Promise<number>): Promise<string> {
	const times: number[] = [];
	const cpu: number[] = [];
	let rows = 0;
	for (let i = 0; i < n; i++) {
		const t0 = process.hrtime.bigint();
		const c0 = process.cpuUsage();
		rows += await one(i);
		times.push(Number(process.hrtime.bigint() - t0) / 1e6);
		const c = process.cpuUsage(c0);
		cpu.push((c.user + c.system) / 1e3);
	}
	times.sort((a, b) => a - b);
	cpu.sort((a, b) => a - b);
	const line =
		`${label.padEnd(36)} wall p50 ${percentile(times, 50).toFixed(2)} ms p99 ${percentile(times, 99).toFixed(2)} ms | ` +
		`cpu p50 ${percentile(cpu, 50).toFixed(2)} ms p99 ${percentile(cpu, 99).toFixed(2)} ms  (${n} queries, ${(rows / n).toFixed(1)} rows avg)`;
	console.log(line);
	return line;
}

function grepSeconds(file: string, needle: string): number {
	const t0 = process.hrtime.bigint();
	spawnSync('grep', ['-F', '-c', needle, file], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' });
	return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Ingest alone: N lease events (time order, random clients, v4) into an empty store with every tracking index,
 * in transactions of `perTransaction` events — a collection run commits once, so bigger runs amortise the pages
 * each commit rewrites.
 */
async function ingestProbe(dir: string, events: number, perTransaction: number): Promise<string> {
	const file = path.join(dir, `ingest-${perTransaction}.db`);
	for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
	const store = await Store.open(file, { cacheMiB: 1024 });
	const rand = prng(99);
	let wall = 0;
	let cpu = 0;
	for (let done = 0; done < events; done += perTransaction) {
		const cols = new HistoryColumns(perTransaction);
		for (let i = 0; i < perTransaction; i++) {
			const c = Math.floor(rand() * 100_000);
			const ts = START + done + i;
			cols.push(cols.address(v4hex(c), 4), ts, 2, c + 1, c + 1, 0, ts + LEASE);
		}
		const t0 = process.hrtime.bigint();
		const c0 = process.cpuUsage();
		await store.transaction(tx => writeHistory(tx, { serverId: 1, spaceId: 1 }, cols));
		wall += Number(process.hrtime.bigint() - t0) / 1e9;
		const c = process.cpuUsage(c0);
		cpu += (c.user + c.system) / 1e6;
	}
	await store.close();
	for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
	const line = `ingest probe: ${events.toLocaleString()} lease events, ${perTransaction.toLocaleString()} per transaction: ${Math.round(events / wall).toLocaleString()} /s wall, ${Math.round(events / cpu).toLocaleString()} per CPU second`;
	console.log(line);
	return line;
}

/** The questions, 300 of a kind (100 for three years of a MAC), on the store as it is now. */
async function questions(file: string, p: Plan, samples: Built['samples'], label: string): Promise<void> {
	console.log(`questions on the store ${label}:`);
	const store = await Store.open(file, { readonly: true });
	const rand = prng(7);
	const pick = () => samples[Math.floor(rand() * samples.length)];
	const now = START + SPAN + 86400;
	const n = 300;
	// Warm-up: the first queries fault the index pages in.
	for (let i = 0; i < 20; i++) await track(store, { term: pick().ip, window: { from: null, to: null }, now });
	await timeQueries('track IP --at T', n, async () => {
		const s = pick();
		return (await track(store, { term: s.ip, window: { from: s.ts, to: s.ts, at: s.ts }, now })).rows.length;
	});
	await timeQueries('track IP over 7 days', n, async () => {
		const s = pick();
		return (await track(store, { term: s.ip, window: { from: s.ts - 7 * 86400, to: s.ts }, now })).rows.length;
	});
	await timeQueries('track MAC --at T', n, async () => {
		const c = 1 + Math.floor(rand() * p.clients);
		return (await track(store, { term: mac(c), window: { from: START + SPAN / 2, to: START + SPAN / 2, at: START + SPAN / 2 }, now })).rows.length;
	});
	await timeQueries('track MAC over 30 days', n, async () => {
		const c = 1 + Math.floor(rand() * p.clients);
		const t = START + Math.floor(rand() * SPAN);
		return (await track(store, { term: mac(c), window: { from: t - 30 * 86400, to: t }, now })).rows.length;
	});
	await timeQueries('track MAC, all 3 years', 100, async () => {
		const c = 1 + Math.floor(rand() * p.clients);
		return (await track(store, { term: mac(c), window: { from: null, to: null }, now })).rows.length;
	});
	await timeQueries('track host prefix (10 hosts) --at T', n, async () => {
		const c = Math.floor(rand() * (p.clients / 10));
		const t = START + Math.floor(rand() * SPAN);
		return (await track(store, { term: `${host(c * 10).slice(0, -1)}*`, kind: 'host', window: { from: t, to: t, at: t }, now })).rows.length;
	});
	await timeQueries('track user over 7 days', n, async () => {
		const u = Math.floor(rand() * p.users);
		const t = START + Math.floor(rand() * SPAN);
		return (await track(store, { term: `CORP\\user${u}`, window: { from: t - 7 * 86400, to: t }, now })).rows.length;
	});
	await store.close();
}

export async function run(): Promise<void> {
	const scale = Number(process.env.IPAM_BENCH_TRACKING_SCALE ?? '0.05');
	const p = plan(scale);
	const dir = process.env.IPAM_BENCH_DIR ?? path.join(os.tmpdir(), 'ipam-bench-tracking');
	fs.mkdirSync(dir, { recursive: true });
	console.log(`tracking: scale ${scale} → ${p.leaseEvents.toLocaleString()} lease events (+HA copies), ${p.logonEvents.toLocaleString()} logons, ${p.clients.toLocaleString()} clients, batches of ${p.batch.toLocaleString()}; ${os.cpus().length} cores, Node ${process.version}`);
	if (process.env.IPAM_BENCH_TRACKING_ONLY === 'ingest') {
		for (const per of [50_000, 250_000, 1_000_000]) await ingestProbe(dir, 2_000_000, per);
		return;
	}
	const meta = path.join(dir, 'tracking.json');
	let built: Built;
	const previous = fs.existsSync(meta) ? (JSON.parse(fs.readFileSync(meta, 'utf8')) as Built & { scale: number; batch?: number }) : null;
	if (previous && previous.scale === scale && (previous.batch ?? 250_000) === p.batch && process.env.IPAM_BENCH_REBUILD !== '1' && fs.existsSync(previous.store)) {
		built = previous;
		console.log('reusing the store built earlier at this scale (IPAM_BENCH_REBUILD=1 to rebuild)');
	} else {
		built = await build(p, dir);
	}
	const events = built.leaseRows + built.logonRows;
	const size = fs.statSync(built.store).size;
	const rawSize = fs.statSync(built.raw).size;
	console.log(
		`ingest (writeHistory, all tracking indexes): ${events.toLocaleString()} events in ${built.insertSeconds.toFixed(1)} s wall = ${Math.round(events / built.insertSeconds).toLocaleString()} events/s; ` +
			`${(built.insertCpuSeconds ?? 0).toFixed(1)} CPU s = ${Math.round(events / (built.insertCpuSeconds ?? NaN)).toLocaleString()} events per CPU second; first 1 M lease events ${Math.round(1e6 / built.firstMillionSeconds).toLocaleString()} /s wall`,
	);
	console.log(`load average now: ${os.loadavg().map(l => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
	console.log(`store: ${(size / 1e9).toFixed(2)} GB = ${(size / 1e6 / (events / 1e6)).toFixed(1)} MB per million events (${built.leaseRows.toLocaleString()} lease + ${built.logonRows.toLocaleString()} logon rows); raw log ${(rawSize / 1e9).toFixed(2)} GB`);

	await questions(built.store, p, built.samples, 'as built or last left');
	// A live store is compacted by the daily 'compact' task; a freshly built one has not been yet.
	if (process.env.IPAM_BENCH_TRACKING_COMPACT !== '0') {
		const rw = await Store.open(built.store, { cacheMiB: 2048 });
		const t0 = performance.now();
		const c0 = process.cpuUsage();
		const r = await compactHistory(rw);
		const c = process.cpuUsage(c0);
		await rw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
		await rw.close();
		console.log(
			`compaction (the daily 'compact' task): ${r.buckets} bucket(s) packed, ${r.chunksBefore.toLocaleString()} → ${r.chunksAfter.toLocaleString()} chunks, ` +
				`${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU`,
		);
		if (r.buckets > 0) await questions(built.store, p, built.samples, 'after compaction');
	}

	// The whole process, as an on-call engineer runs it.
	const rand = prng(11);
	const pick = () => built.samples[Math.floor(rand() * built.samples.length)];
	const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
	if (fs.existsSync(cli)) {
		const times: number[] = [];
		const cpu: number[] = [];
		for (let i = 0; i < 15; i++) {
			const s = pick();
			// /usr/bin/time reports the child's own CPU (user+sys), which a loaded machine does not inflate.
			const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, cli, '--db', built.store, 'track', s.ip, '--at', String(s.ts)], { encoding: 'utf8' });
			const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
			if (m) {
				times.push(Number(m[1]) * 1000);
				cpu.push((Number(m[2]) + Number(m[3])) * 1000);
			}
			if (r.status !== 0 && r.status !== 4) console.log(`ipam track failed: ${r.stderr}`);
		}
		times.sort((a, b) => a - b);
		cpu.sort((a, b) => a - b);
		console.log(`ipam track IP --at T (whole process): wall p50 ${percentile(times, 50).toFixed(0)} ms max ${times.at(-1)!.toFixed(0)} ms | cpu p50 ${percentile(cpu, 50).toFixed(0)} ms (15 runs)`);
		const bare = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, '-e', '0'], { encoding: 'utf8' });
		console.log(`  (for scale: a bare \`node -e 0\` here: ${/TIME (.*)/.exec(bare.stderr)?.[1] ?? '?'} s wall/user/sys)`);
	} else console.log('dist/cli.js absent: npm run build for the whole-process figure');

	// grep over the raw logs for the same questions (it only finds the lines; the timeline is still left to do).
	const grepIp = pick().ip;
	const g1 = grepSeconds(built.raw, `,${grepIp},`);
	const g2 = grepSeconds(built.raw, mac(1234 % p.clients).replace(/:/g, '').toUpperCase());
	const g3 = grepSeconds(built.raw, `,${host(1234).slice(0, -1)}`);
	console.log(`grep -F over ${(rawSize / 1e9).toFixed(2)} GB raw log: IP ${g1.toFixed(2)} s, MAC ${g2.toFixed(2)} s, host prefix ${g3.toFixed(2)} s (page cache warm after the first)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await run();
