// CSV import (issue 2): 1,000,000 MS IPAM address rows into a store with subnets, ranges, every index, parents resolved and utilization rolled up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Store } from '../store/database.js';
import { upsertBlocks } from '../store/blocks.js';
import { upsertSubnets } from '../store/subnets.js';
import { upsertRanges } from '../store/ranges.js';
import { openImportFile, prefetched } from '../source/formats/ipam-import.js';
import { Planner } from '../source/commands/import/plan.js';
import { Applier, applyBatches } from '../source/commands/import/apply.js';
import { threadCpu, threadCpuSince } from './thread-cpu.js';
import { tuneGcForBulkImport } from '../source/commands/import/gc-tuning.js';

const ROWS = Number(process.env.IMPORT_ROWS ?? 1_000_000);
const BATCH = process.env.IMPORT_BATCH ? Number(process.env.IMPORT_BATCH) : undefined;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** 10.0.0.0/8 with one /24 subnet per 256 rows and a DHCP-style range in each, so every row gets both parents. */
async function seed(db: string): Promise<void> {
	const store = await Store.open(db);
	const subnets = Math.ceil(ROWS / 250);
	await store.transaction(async tx => {
		await upsertBlocks(tx, [{ spaceId: 1, prefix: { family: 4, network: 0x0a000000n, length: 8 }, name: 'ten' }]);
		const rows = [];
		const ranges = [];
		for (let i = 0; i < subnets; i++) {
			const network = 0x0a000000n + (BigInt(i) << 8n);
			rows.push({ spaceId: 1, prefix: { family: 4 as const, network, length: 24 }, name: `s${i}` });
			ranges.push({ spaceId: 1, span: { family: 4 as const, start: network + 100n, end: network + 199n }, assignmentType: 'dynamic' as const });
		}
		await upsertSubnets(tx, rows);
		await upsertRanges(tx, ranges);
	});
	await store.close();
}

function generate(file: string): void {
	const out = fs.openSync(file, 'w');
	let chunk = 'IpAddress,ManagedByService,ServiceInstance,DeviceType,IpAddressState,AssignmentType,MacAddress,DeviceName,Description\r\n';
	for (let i = 0; i < ROWS; i++) {
		// 250 addresses per /24 (.1–.250), so ranges .100–.199 hold 100 of them.
		const subnet = Math.floor(i / 250);
		const host = (i % 250) + 1;
		const ip = `10.${(subnet >> 8) & 255}.${subnet & 255}.${host}`;
		const mac = `00:15:5d:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
		chunk += `${ip},IPAM,localhost,Host,In-Use,${host >= 100 && host <= 199 ? 'Dynamic' : 'Static'},${mac},host-${i}.corp.example,"rack ${i % 40}, row ${i % 7}"\r\n`;
		if (chunk.length > 1 << 20) {
			fs.writeSync(out, chunk);
			chunk = '';
		}
	}
	fs.writeSync(out, chunk);
	fs.closeSync(out);
}

const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} rows/s`;

export async function run(): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-bench-import-'));
	const csv = path.join(dir, 'addresses.csv');
	try {
		let t = performance.now();
		generate(csv);
		console.log(`generated ${ROWS.toLocaleString('en-US')} rows (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

		// In-process: the functions `ipam import` runs, in one transaction, timed as a whole.
		const db = path.join(dir, 'in-process.db');
		await seed(db);
		const store = await Store.open(db);
		// As `ipam import` does before reading a row.
		tuneGcForBulkImport();
		const customFields = (await store.all<{ id: number; name: string }>('SELECT id, name FROM custom_field')).map(f => ({ ...f, multi: false, allowed: null, appliesTo: [] }));
		let gcMs = 0;
		const gc = new PerformanceObserver(list => {
			for (const e of list.getEntries()) gcMs += e.duration;
		});
		gc.observe({ entryTypes: ['gc'] });
		const cpu0 = process.cpuUsage();
		const threads0 = threadCpu();
		const started = performance.now();
		const opened = await openImportFile(csv, { customFields });
		if (!opened.ok) throw new Error(opened.issue.reason);
		let created = 0;
		let finish = 0;
		await store.transaction(async tx => {
			const planner = new Planner(tx, 'address', { defaultSpace: 'Default' });
			await planner.start();
			const applier = new Applier(tx, planner, { file: csv, customFields });
			// The same pipeline `ipam import` runs: batch N+1 read and planned while SQLite writes batch N.
			await applyBatches(planner, applier, prefetched(opened.stream.batches(BATCH)));
			t = performance.now();
			await applier.finish([]);
			finish = performance.now() - t;
			created = applier.created;
			t = performance.now();
		});
		const commit = performance.now() - t;
		const total = performance.now() - started;
		const cpu = process.cpuUsage(cpu0);
		const threadSplit = threadCpuSince(threads0);
		gc.disconnect();
		const check = await store.get<{ n: number; parented: number; ranged: number }>(
			'SELECT count(*) AS n, count(subnet_id) AS parented, count(range_id) AS ranged FROM address',
		);
		const util = await store.get<{ used: number }>('SELECT sum(used) AS used FROM subnet');
		await store.close();
		const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
		console.log(`in-process: rollup+audit ${sec(finish)}, commit (the WAL checkpoint runs after it on a second connection, unless the WAL passed the safety net) ${sec(commit)} of it`);
		console.log(`in-process total ${sec(total)} = ${rate(ROWS, total)} (target ≥ 100,000 rows/s); ${created} created`);
		// CPU time (all threads, SQLite's included) is less distorted than wall time when the 2 cores are shared.
		console.log(`in-process CPU ${sec((cpu.user + cpu.system) / 1000)} (${threadSplit}; GC pauses ${sec(gcMs)}); load average ${os.loadavg()[0].toFixed(1)}`);
		console.log(`check: ${check?.n} rows, ${check?.parented} with a subnet, ${check?.ranged} with a range, subnet utilization sum ${util?.used}`);

		// End to end through the built binary, as a user runs it (process start, store open, summary).
		const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');
		if (fs.existsSync(cli)) {
			const db2 = path.join(dir, 'cli.db');
			await seed(db2);
			t = performance.now();
			const r = spawnSync(process.execPath, [cli, '--db', db2, 'import', csv], { encoding: 'utf8' });
			const ms = performance.now() - t;
			if (r.status !== 0) throw new Error(`ipam import exited ${r.status}: ${r.stderr.slice(0, 500)}`);
			console.log(`ipam import (built binary) ${(ms / 1000).toFixed(2)} s = ${rate(ROWS, ms)}`);
			t = performance.now();
			const again = spawnSync(process.execPath, [cli, '--db', db2, 'import', csv], { encoding: 'utf8' });
			const ms2 = performance.now() - t;
			console.log(`re-import of the same file (all unchanged) ${(ms2 / 1000).toFixed(2)} s = ${rate(ROWS, ms2)}: ${again.stdout.trim().split(': ').slice(-1)[0]}`);
			t = performance.now();
			const exp = spawnSync(process.execPath, [cli, '--db', db2, 'export', 'address', '-o', path.join(dir, 'out.csv')], { encoding: 'utf8' });
			const ms3 = performance.now() - t;
			if (exp.status !== 0) throw new Error(`ipam export exited ${exp.status}: ${exp.stderr.slice(0, 500)}`);
			console.log(`ipam export address ${(ms3 / 1000).toFixed(2)} s = ${rate(ROWS, ms3)}`);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
