// Lease file parsing (issue 4): a generated 1 GB dhcpd.leases parsed streaming (throughput, RSS at 25/50/100 %),
// and `grep` for one MAC over the same raw file. LEASE_BENCH_MB overrides the size for a quick run.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { DhcpdLeaseParser } from '../source/formats/dhcpd-leases.js';
import { DHCPD_LEASES_HEADER, formatDhcpdLease } from '../source/formats/dhcpd-leases-writer.js';
import { intToMac } from '../source/domain/mac.js';

const run$ = promisify(execFile);
const MB = 1_000_000;

/** Writes `bytes` of journal: each address renewed a few times, like a real file between rewrites. */
async function generate(path: string, bytes: number): Promise<{ leases: number; needle: string }> {
	const out = createWriteStream(path);
	out.write(DHCPD_LEASES_HEADER);
	let written = DHCPD_LEASES_HEADER.length;
	let n = 0;
	const base = 1_795_000_000;
	const needle = intToMac(0x0050_5600_0000 + 4242);
	while (written < bytes) {
		const parts: string[] = [];
		let size = 0;
		while (size < 8 * MB && written + size < bytes) {
			const slot = n % 1_000_000;
			const mac = intToMac(0x0050_5600_0000 + slot);
			const starts = base + n * 3;
			const block = formatDhcpdLease({
				family: 4,
				ip: `10.${(slot >> 16) & 255}.${(slot >> 8) & 255}.${slot & 255}`,
				state: n % 17 === 0 ? 'free' : 'active',
				starts,
				ends: starts + 43_200,
				cltt: starts,
				mac,
				clientId: `01:${mac}`,
				hostname: `host-${slot}`,
				vendorClass: n % 3 === 0 ? 'MSFT 5.0' : null,
			});
			parts.push(block);
			size += block.length;
			n++;
		}
		const chunk = parts.join('');
		written += chunk.length;
		if (!out.write(chunk, 'latin1')) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return { leases: n, needle };
}

function rssMb(): number {
	return Math.round(process.memoryUsage.rss() / MB);
}

async function parse(path: string, size: number): Promise<void> {
	const parser = new DhcpdLeaseParser({ file: path });
	const marks = [0.25, 0.5, 1];
	const rss: string[] = [];
	let read = 0;
	let entries = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
		parser.push(chunk as Buffer);
		entries += parser.take().length;
		read += (chunk as Buffer).length;
		while (marks.length > 0 && read >= marks[0] * size) rss.push(`${marks.shift()! * 100} %: ${rssMb()} MB`);
	}
	parser.end();
	entries += parser.take().length;
	const wall = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	const cpuS = (cpu.user + cpu.system) / 1e6;
	console.log(`parsed ${entries.toLocaleString('en')} lease blocks, ${parser.issues.length} issues`);
	console.log(`streaming parse: ${wall.toFixed(2)} s wall = ${(size / MB / wall).toFixed(0)} MB/s; ${cpuS.toFixed(2)} s CPU = ${(size / MB / cpuS).toFixed(0)} MB/s per CPU-second`);
	console.log(`RSS ${rss.join(', ')}`);
}

async function grep(path: string, needle: string): Promise<void> {
	const t0 = performance.now();
	const { stdout } = await run$('grep', ['-F', '-c', needle, path], { env: { ...process.env, LC_ALL: 'C' } });
	const s = (performance.now() - t0) / 1000;
	console.log(`grep -F -c ${needle}: ${stdout.trim()} matching lines in ${s.toFixed(2)} s (the store-lookup side of this comparison is in "Lease ingest")`);
}

export async function run(): Promise<void> {
	const bytes = Number(process.env.LEASE_BENCH_MB ?? 1000) * MB;
	const dir = mkdtempSync(join(tmpdir(), 'ipam-lease-bench-'));
	const path = join(dir, 'dhcpd.leases');
	try {
		const t0 = performance.now();
		const { leases, needle } = await generate(path, bytes);
		const size = statSync(path).size;
		console.log(`generated ${(size / MB).toFixed(0)} MB, ${leases.toLocaleString('en')} lease blocks over 1,000,000 addresses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		console.log(`RSS before parsing: ${rssMb()} MB`);
		await parse(path, size);
		await grep(path, needle);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
