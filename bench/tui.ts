// TUI benchmark (issue 3): cold start to the first full frame (with a bare Ink hello-world as the floor, same run),
// key press → updated frame latency while scrolling and filtering the leases and events panes over a store with
// 10 M lease events, and resident memory after minutes of scrolling.
//
// Scale: IPAM_BENCH_TUI_EVENTS (default 10,000,000 lease events). Files go to IPAM_BENCH_DIR (default
// $TMPDIR/ipam-bench-tui); a store of the same scale is reused unless IPAM_BENCH_REBUILD=1.
// Scrolling time for the memory figure: IPAM_BENCH_TUI_SCROLL_S (default 60; 300 for the 5-minute figure).
// IPAM_BENCH_TUI_PARTS=start,latency,memory picks parts; IPAM_BENCH_TUI_PANES=leases,events the latency panes;
// IPAM_BENCH_TUI_NODE_ARGS adds node options to the measured ipam process (e.g. --cpu-prof).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../store/database.js';
import { seedEvents, seedStore } from '../test/fixtures/tui/seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The shipped form of the binary, bundled into a directory of its own so a concurrent `tsc` build of dist/
// cannot swap it for the unbundled one in the middle of a run.
const cli = path.join(root, 'dist', 'bench-tui', 'cli.js');
const EVENTS = Number(process.env.IPAM_BENCH_TUI_EVENTS ?? 10_000_000);
const SCROLL_S = Number(process.env.IPAM_BENCH_TUI_SCROLL_S ?? 60);
const dir = process.env.IPAM_BENCH_DIR ?? path.join(os.tmpdir(), 'ipam-bench-tui');
const PANES = (process.env.IPAM_BENCH_TUI_PANES ?? 'leases,events').split(',');
const NODE_ARGS = process.env.IPAM_BENCH_TUI_NODE_ARGS ?? '';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function pct(xs: number[], p: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function buildStore(file: string): Promise<void> {
	if (fs.existsSync(file) && process.env.IPAM_BENCH_REBUILD !== '1') {
		const s = await Store.open(file);
		const n = (await s.get<{ n: number | null }>('SELECT sum(n) AS n FROM lease_page'))?.n ?? 0;
		await s.close();
		if (n >= EVENTS) return;
	}
	for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
	const started = Date.now();
	const s = await Store.open(file, { actor: 'bench' });
	await seedStore(s, { subnets: 250, leases: 37_000, events: 0 });
	await seedEvents(s, { events: EVENTS, subnets: 250, clients: 37_000, now: Math.floor(Date.now() / 1000), chunk: 500_000 });
	await s.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	await s.close();
	console.log(`built ${file}: ${EVENTS.toLocaleString('en-US')} lease events in ${((Date.now() - started) / 1000).toFixed(0)} s, ${(fs.statSync(file).size / 2 ** 30).toFixed(2)} GiB`);
}

/** Runs a command under a pseudo-terminal (script(1)) and reads the timing line it prints on stderr. */
function timeInPty(command: string, marker: RegExp): Promise<{ wall: number; cpu: number }> {
	return new Promise((resolve, reject) => {
		const p = spawn('script', ['-qfec', `stty cols 120 rows 30; ${command}`, '/dev/null'], { cwd: root, env: { ...process.env, IPAM_TUI_FIRST_FRAME: 'exit' } });
		let out = '';
		const timer = setTimeout(() => {
			p.kill('SIGKILL');
			reject(new Error(`no first frame within 60 s: ${out.slice(-400)}`));
		}, 60_000);
		p.stdout.on('data', d => {
			out += d;
			const m = marker.exec(out);
			if (m) {
				clearTimeout(timer);
				p.kill('SIGTERM');
				resolve({ wall: Number(m[1]), cpu: Number(m[2]) });
			}
		});
	});
}

async function coldStart(db: string): Promise<void> {
	const hello = path.join(root, 'bench', 'tui-hello.mjs');
	const floor: { wall: number; cpu: number }[] = [];
	const app: { wall: number; cpu: number }[] = [];
	// Interleaved so both see the same machine load.
	for (let i = 0; i < 7; i++) {
		floor.push(await timeInPty(`node ${hello}`, /hello-frame ([\d.]+) ms cpu ([\d.]+) ms/));
		app.push(await timeInPty(`node ${cli} --db ${db}`, /first-frame ([\d.]+) ms cpu ([\d.]+) ms/));
	}
	console.log(`cold start to first full frame (median of 7, wall since process start / CPU):`);
	console.log(`  bare Ink hello-world  ${ms(median(floor.map(r => r.wall)))} / ${ms(median(floor.map(r => r.cpu)))}`);
	console.log(`  ipam (blocks pane)    ${ms(median(app.map(r => r.wall)))} / ${ms(median(app.map(r => r.cpu)))}`);
	console.log(`  difference            ${ms(median(app.map(r => r.wall)) - median(floor.map(r => r.wall)))} wall`);
}

/**
 * The built binary in a pseudo-terminal (script(1)): keys go in as a terminal sends them, and a frame is what
 * Ink writes between its synchronized-update markers, as the terminal receives it.
 */
interface Session {
	/** Presses a key and resolves with the ms until the first complete frame that satisfies `done`. */
	press(key: string, done?: (frame: string) => boolean): Promise<number>;
	/** Resident memory of the ipam process (MiB). */
	rss(): number;
	/** CPU time the ipam process has used so far (ms). */
	cpu(): number;
	close(): void;
}

const FRAME_END = '\u001b[?2026l';

export async function session(db: string, pane: string): Promise<Session> {
	// No background collector: the seeded servers have no endpoints, and its writes would be noise here.
	const p = spawn('script', ['-qfec', `stty cols 120 rows 30; exec node ${NODE_ARGS} ${cli} --db ${db}`, '/dev/null'], { cwd: root, env: { ...process.env, IPAM_TUI_COLLECT: '0' } });
	let pending = '';
	let waiter: ((frame: string) => void) | null = null;
	p.stdout.on('data', (d: Buffer) => {
		pending += d.toString('utf8');
		let end: number;
		while ((end = pending.indexOf(FRAME_END)) >= 0) {
			const frame = pending.slice(0, end);
			pending = pending.slice(end + FRAME_END.length);
			waiter?.(frame);
		}
	});
	const next = (done: (frame: string) => boolean, what: string) =>
		new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no frame for ${what} within 20 s`)), 20_000);
			waiter = frame => {
				if (!done(frame)) return;
				clearTimeout(timer);
				waiter = null;
				resolve();
			};
		});
	const press = async (key: string, done: (frame: string) => boolean = () => true) => {
		const shown = next(done, JSON.stringify(key));
		const t0 = performance.now();
		p.stdin.write(key);
		await shown;
		return performance.now() - t0;
	};
	await next(f => /\d+\.\d+\.\d+\.\d+/.test(f) && !f.includes('loading…'), 'the first screen');
	if (pane !== 'blocks') await press(`:${pane}\r`, f => f.includes('MAC / CLIENT') && !f.includes('loading…'));
	// script's child is the shell that exec'd node: the ipam process is script's only child.
	const pid = execFileSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).trim().split('\n')[0];
	const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
	const cpu = () => {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		// utime and stime (fields 14 and 15 of stat) in clock ticks of 10 ms.
		return (Number(fields[11]) + Number(fields[12])) * 10;
	};
	return { press, rss, cpu, close: () => p.stdin.write('q') };
}

const DOWN = '\u001b[B';
const UP = '\u001b[A';
const PGDN = '\u001b[6~';
const ESC = '\u001b';
const settled = (f: string) => !f.includes('loading…');

function report(label: string, lat: number[], cpu: number): void {
	console.log(`  ${label.padEnd(44)} n=${String(lat.length).padStart(4)}  p50 ${ms(pct(lat, 50))}  p99 ${ms(pct(lat, 99))}  max ${ms(Math.max(...lat))}  ipam CPU ${ms(cpu / lat.length)}/key`);
}

export async function scrolling(s: Session, label: string, presses: number): Promise<void> {
	const lat: number[] = [];
	const cpu0 = s.cpu();
	for (let i = 0; i < presses; i++) lat.push(await s.press(i % 10 === 9 ? PGDN : DOWN, settled));
	for (let i = 0; i < presses / 4; i++) lat.push(await s.press(UP, settled));
	report(label, lat, s.cpu() - cpu0);
}

export async function filtering(s: Session, label: string, text: string): Promise<void> {
	const lat: number[] = [];
	let cpu = 0;
	// Twenty rounds, so the p99 is not simply the slowest of a few dozen keys.
	for (let round = 0; round < 20; round++) {
		await s.press('/');
		const cpu0 = s.cpu();
		for (const ch of text) lat.push(await s.press(ch, settled));
		cpu += s.cpu() - cpu0;
		await new Promise(r => setTimeout(r, 20));
		await s.press(ESC, f => settled(f) && !f.includes(`/${text}`));
	}
	report(label, lat, cpu);
}

async function latency(db: string): Promise<void> {
	{
		console.log(`key press → updated frame (the built binary in a 120×30 pseudo-terminal, frame as the terminal receives it):`);
		if (PANES.includes('leases')) {
			const leases = await session(db, 'leases');
			await scrolling(leases, 'leases pane: j/PgDn/k scrolling', 2000);
			await filtering(leases, 'leases pane: typing /10.1.7.', '10.1.7.');
			await filtering(leases, 'leases pane: typing /pc-0004', 'pc-0004');
			leases.close();
		}
		if (PANES.includes('events')) {
			const events = await session(db, 'events');
			await scrolling(events, `events pane (${(EVENTS / 1e6).toFixed(EVENTS < 1e6 ? 1 : 0)} M lease events) scrolling`, 2000);
			await filtering(events, 'events pane: typing /10.1.7.', '10.1.7.');
			await filtering(events, 'events pane: typing /10.1.7.123', '10.1.7.123');
			events.close();
		}
	}
}

async function memory(db: string): Promise<void> {
	const s = await session(db, 'events');
	const before = s.rss();
	const until = Date.now() + SCROLL_S * 1000;
	let presses = 0;
	let peak = before;
	while (Date.now() < until) {
		await s.press(presses % 5 === 4 ? PGDN : DOWN, settled);
		presses++;
		if (presses % 500 === 0) peak = Math.max(peak, s.rss());
	}
	const after = s.rss();
	s.close();
	const mib = (m: number) => `${m.toFixed(0)} MiB`;
	console.log(`resident memory while scrolling the events pane for ${SCROLL_S} s (${presses} key presses): start ${mib(before)}, end ${mib(after)}, peak ${mib(peak)}`);
}

export async function run(): Promise<void> {
	fs.mkdirSync(dir, { recursive: true });
	execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), path.join('dist', 'bench-tui')], { cwd: root, stdio: 'inherit' });
	const db = path.join(dir, `tui-${EVENTS}.db`);
	await buildStore(db);
	console.log(`machine: ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);
	const parts = (process.env.IPAM_BENCH_TUI_PARTS ?? 'start,latency,memory').split(',');
	if (parts.includes('start')) await coldStart(db);
	if (parts.includes('latency')) await latency(db);
	if (parts.includes('memory')) await memory(db);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
