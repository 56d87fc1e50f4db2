// Kea collection benchmark (issue 4): a real kea-dhcp4 holding 1,000,000 leases (a generated memfile), collected in
// full with lease4-get-page over the unix control socket and, for comparison, through the Control Agent.
import fs from 'node:fs';
import { keaCollector } from '../source/collectors/kea/index.js';
import { HttpChannel } from '../source/collectors/kea/http-channel.js';
import { collectLeases } from '../source/collectors/kea/leases.js';
import { UnixChannel } from '../source/collectors/kea/unix-channel.js';
import { collectContext } from '../test/integration/context.js';
import { freePort, keaHooksDir, Lab, serverSkipReason, waitFor } from '../test/integration/harness.js';
import { keaAgentConfig, keaServerConfig } from '../test/integration/kea-config.js';

const LEASES = Number(process.env.KEA_BENCH_LEASES ?? 1_000_000);

/** Writes a v4 memfile with `count` active leases in 10.0.0.0/8, subnet 1. */
function writeMemfile(file: string, count: number): void {
	const fd = fs.openSync(file, 'w');
	fs.writeSync(fd, 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n');
	const expire = Math.floor(Date.now() / 1000) + 86_400;
	let chunk = '';
	for (let i = 0; i < count; i++) {
		const n = 0x0a000001 + i;
		const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
		const mac = `02:${[24, 16, 8, 0].map(s => ((i >>> s) & 255).toString(16).padStart(2, '0')).join(':')}:01`;
		chunk += `${ip},${mac},,86400,${expire},1,0,0,host-${i},0,\n`;
		if (chunk.length > 1 << 20) {
			fs.writeSync(fd, chunk);
			chunk = '';
		}
	}
	fs.writeSync(fd, chunk);
	fs.closeSync(fd);
}

/** CPU seconds a process has used (user + system), from /proc. */
function processCpuMs(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
}

function ownCpuMs(): number {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(2);
}

export async function run(): Promise<void> {
	const skip = serverSkipReason(['kea-dhcp4', 'kea-ctrl-agent']) ?? (keaHooksDir() ? null : 'Kea hooks not found');
	if (skip) {
		console.log(`kea: skipped (${skip})`);
		return;
	}
	const lab = new Lab('bench-kea');
	try {
		let started = Date.now();
		const { config, socket, leaseFile } = keaServerConfig({
			family: 4,
			dir: lab.dir,
			hooksDir: keaHooksDir(),
			interfaces: [],
			validLifetime: 86_400,
			subnets: [{ id: 1, subnet: '10.0.0.0/8', pools: ['10.0.0.1 - 10.255.255.254'] }],
		});
		writeMemfile(leaseFile, LEASES);
		console.log(`generated ${LEASES.toLocaleString('en')} leases (${(fs.statSync(leaseFile).size / 1e6).toFixed(0)} MB memfile) in ${seconds(Date.now() - started)} s`);
		started = Date.now();
		fs.mkdirSync('/run/kea', { recursive: true });
		const kea = lab.start('kea-dhcp4', ['kea-dhcp4', '-c', lab.write('kea4.json', JSON.stringify(config))]);
		const channel = new UnixChannel(socket, 4, 60_000);
		await waitFor('kea-dhcp4 to load the memfile', 120_000, async () => fs.existsSync(socket) && (await channel.command('version-get')));
		console.log(`kea-dhcp4 loaded them in ${seconds(Date.now() - started)} s`);
		const cpu = () => ({ kea: processCpuMs(kea.pid!), us: ownCpuMs() });
		const report = (label: string, ms: number, before: { kea: number; us: number }) => {
			const after = cpu();
			console.log(`${label}: ${seconds(ms)} s wall; CPU kea-dhcp4 ${seconds(after.kea - before.kea)} s, collector ${seconds(after.us - before.us)} s`);
		};

		// The whole collector run (health, config-get, statistics, paging in two streams, mapping to LeaseRecord).
		let before = cpu();
		started = Date.now();
		const full = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket } }, { parts: ['health', 'config', 'leases'], timeoutMs: 60_000 }));
		const unixMs = Date.now() - started;
		report(`unix socket, whole collector run, ${full.leases!.length.toLocaleString('en')} leases (${Math.round(full.leases!.length / (unixMs / 1000)).toLocaleString('en')} leases/s)`, unixMs, before);

		// Paging alone, one stream versus two (split where the generated leases divide), to show what overlapping buys.
		for (const streams of [1, 2]) {
			before = cpu();
			started = Date.now();
			const paged = await collectLeases(channel, streams === 1 ? null : new Map([[1, [{ key: '1', start: 0x0a000001n, end: 0x0a000001n + BigInt(LEASES) }]]]), { streams });
			report(`unix socket, lease4-get-page × ${paged.pages} pages of 1,000, ${streams} stream(s)`, Date.now() - started, before);
		}

		const port = await freePort();
		lab.start('kea-ctrl-agent', ['kea-ctrl-agent', '-c', lab.write('ca.json', JSON.stringify(keaAgentConfig(lab.dir, port, { dhcp4: socket })))]);
		const url = `http://127.0.0.1:${port}/`;
		await waitFor('the Control Agent', 10_000, async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"command":"version-get","service":["dhcp4"]}' })).ok);
		// The Control Agent parses and re-serializes every answer: 100 pages show its cost without a minutes-long run.
		const agent = new HttpChannel(url, 4, { timeoutMs: 60_000 });
		before = cpu();
		started = Date.now();
		let from = 'start';
		let viaCa = 0;
		for (let page = 0; page < 100; page++) {
			const answer = await agent.command('lease4-get-page', { from, limit: 1000 });
			const leases = (answer.arguments?.leases ?? []) as Array<Record<string, unknown>>;
			viaCa += leases.length;
			if (leases.length < 1000) break;
			from = String(leases[leases.length - 1]['ip-address']);
		}
		const caMs = Date.now() - started;
		report(`Control Agent (HTTP), first ${viaCa.toLocaleString('en')} leases (100 pages; 1M would take ~${seconds((caMs * LEASES) / Math.max(1, viaCa))} s)`, caMs, before);

		before = cpu();
		started = Date.now();
		const viaFile = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'file', endpoint: { leaseFile } }, { parts: ['leases'], timeoutMs: 60_000 }));
		report(`memfile CSV read directly, ${viaFile.leases!.length.toLocaleString('en')} leases`, Date.now() - started, before);
		console.log(`peak RSS of this process: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
	} finally {
		await lab.destroy();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
