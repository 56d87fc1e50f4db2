// Builds the demo store: plans an enterprise, simulates its DHCP history, writes every server's own files
// (PowerShell output and audit logs, Kea config and memfile, dhcpd.conf and dhcpd.leases, dnsmasq config and
// leases, a logon export) and ingests them through the product's readers and ingest path.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Store } from '../../store/database.js';
import { upsertBlocks, findBlock } from '../../store/blocks.js';
import { upsertSubnets } from '../../store/subnets.js';
import { spaceId } from '../../store/address-spaces.js';
import { addServer } from '../../store/servers.js';
import { setFieldValue } from '../../store/custom-fields.js';
import { ingestBatch } from '../../store/ingest.js';
import { formatIssue } from '../formats/format-issue.js';
import type { LeaseEventRecord } from '../domain/dhcp.js';
import { demoPlan, type DemoScale, type DemoServer } from './enterprise.js';
import { simulateServer } from './history.js';
import type { ServerSources, SourceContext } from './sources.js';
import { windowsSources } from './windows-files.js';
import { keaSources } from './kea-files.js';
import { dhcpdSources } from './dhcpd-files.js';
import { dnsmasqSources } from './dnsmasq-files.js';
import { importLogons, logonLines } from './logon-files.js';

export interface DemoOptions {
	dbPath: string;
	scale: DemoScale;
	/** The moment the demo's history ends (epoch seconds); default: now, to the minute. */
	now?: number;
	/** Keep the generated server files in this directory instead of a temporary one that is removed. */
	filesDir?: string;
	progress?: (message: string, done: number, total: number) => void;
}

export interface DemoSummary {
	dbPath: string;
	seconds: number;
	sites: number;
	blocks: number;
	subnets: number;
	ranges: number;
	servers: number;
	leases: number;
	leaseEvents: number;
	logons: number;
	/** Problems the readers reported about the generated files (should be none). */
	issues: string[];
}

const VERSIONS: Record<string, string> = { windows: 'Windows Server 2022 DHCP 10.0.20348', kea: 'Kea 2.2.0', dhcpd: 'isc-dhcpd-4.4.3-P1', dnsmasq: 'dnsmasq-2.90' };

function endpointOf(server: DemoServer): { transport: string; endpoint: Record<string, unknown> } {
	const six = server.family === 6 ? '6' : '';
	switch (server.kind) {
		case 'windows':
			return { transport: 'powershell', endpoint: { computerName: `${server.name}.corp.example`, auditLogDir: `\\\\${server.name}\\c$\\Windows\\System32\\dhcp` } };
		case 'kea':
			return { transport: 'ssh', endpoint: { sshHost: server.address, leaseFile: `/var/lib/kea/kea-leases${server.family}.csv`, configFile: `/etc/kea/kea-dhcp${server.family}.conf` } };
		case 'dhcpd':
			return { transport: 'ssh', endpoint: { sshHost: server.address, leaseFile: `/var/lib/dhcp/dhcpd${six}.leases`, configFile: `/etc/dhcp/dhcpd${six}.conf` } };
		case 'dnsmasq':
			return { transport: 'ssh', endpoint: { sshHost: server.address, leaseFile: '/var/lib/misc/dnsmasq.leases', configFile: '/etc/dnsmasq.conf' } };
	}
}

async function sourcesFor(ctx: SourceContext): Promise<ServerSources> {
	switch (ctx.server.kind) {
		case 'windows':
			return windowsSources(ctx);
		case 'kea':
			return keaSources(ctx);
		case 'dhcpd':
			return dhcpdSources(ctx);
		case 'dnsmasq':
			return dnsmasqSources(ctx);
	}
}

async function count(store: Store, table: string): Promise<number> {
	return (await store.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
}

export async function buildDemo(options: DemoOptions): Promise<DemoSummary> {
	const started = performance.now();
	const now = options.now ?? Math.floor(Date.now() / 60_000) * 60;
	const report = options.progress ?? (() => undefined);
	const plan = demoPlan(options.scale);
	const from = now - plan.days * 86400;
	const steps = 3 + plan.servers.length;
	let step = 0;
	const tick = (message: string) => report(message, ++step, steps);

	mkdirSync(dirname(options.dbPath), { recursive: true });
	// Built aside and renamed into place: an interrupted build never leaves a half-made demo store.
	const building = `${options.dbPath}.building`;
	for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(building + suffix, { force: true });
	const filesRoot = options.filesDir ?? mkdtempSync(join(tmpdir(), 'ipam-demo-'));
	mkdirSync(filesRoot, { recursive: true });
	const issues: string[] = [];
	const store = await Store.open(building, { actor: 'demo', cacheMiB: 256 });
	try {
		// The store being built is thrown away if the build is interrupted: no need to sync every commit.
		await store.exec('PRAGMA synchronous = OFF');
		await store.setSetting('demo', '1');
		tick(`address plan: ${plan.blocks.length} blocks, ${plan.subnets.length} subnets`);
		const space = await spaceId(store);
		await store.transaction(async tx => {
			await upsertBlocks(tx, plan.blocks.map(b => ({ spaceId: space, prefix: b.prefix, name: b.name, description: b.description })));
			for (const b of plan.blocks) {
				if (!b.site) continue;
				const row = await findBlock(tx, space, b.prefix);
				if (row) await setFieldValue(tx, 'block', row.id, 'Site', [b.site.city]).catch(() => undefined);
			}
			await upsertSubnets(
				tx,
				plan.subnets.map(s => ({ spaceId: space, prefix: s.prefix, name: s.name, vlan: s.vlan, description: `${s.site.city} ${s.kind}` })),
			);
		});

		const logonRows: string[] = [];
		for (const server of plan.servers) {
			const h = simulateServer(plan, server, now);
			report(`${server.name}: simulated ${h.actions.length.toLocaleString("en")} lease changes`, step, steps);
			for (const line of logonLines(h)) logonRows.push(line);
			const { transport, endpoint } = endpointOf(server);
			const row = await addServer(store, {
				name: server.name,
				kind: server.kind,
				address: server.address,
				transport,
				endpoint,
				description: server.description,
				groups: [server.site.city],
				tags: ['demo'],
				// Fictional servers: a collector (the TUI's included) must not try to reach them.
				enabled: false,
			});
			const dir = join(filesRoot, server.name);
			mkdirSync(dir, { recursive: true });
			const scopes = plan.scopes.filter(s => s.server === server);
			const src = await sourcesFor({ dir, plan, server, scopes, history: h, now, from });
			issues.push(...src.issues.map(formatIssue));
			const issuesSeen = src.issues.length;
			const health = { ok: true, version: VERSIONS[server.kind], message: `demo: read from ${src.files.length} generated file(s)` };
			await ingestBatch(store, row.id, { config: src.config, health }, from);
			// Log files come in all sizes: the ingest gets them in batches of about 100,000 events.
			let events = 0;
			let pending: LeaseEventRecord[] = [];
			const flush = async () => {
				if (pending.length === 0) return;
				events += pending.length;
				await ingestBatch(store, row.id, { events: pending }, now);
				pending = [];
				report(`${server.name}: ${events.toLocaleString('en')} events from its ${server.kind === 'windows' ? 'audit logs' : 'lease journal'}`, step, steps);
			};
			for await (const batch of src.events) {
				for (const e of batch) pending.push(e);
				if (pending.length >= 100_000) await flush();
			}
			await flush();
			issues.push(...src.issues.slice(issuesSeen).map(formatIssue));
			let collections = 0;
			let held = 0;
			for (const snap of src.snapshots) {
				await ingestBatch(store, row.id, { leases: snap.leases, health }, snap.at);
				held = snap.leases.length;
				if (++collections % 10 === 0) report(`${server.name}: ${collections} lease-file collections`, step, steps);
			}
			const leases = src.leases();
			if (leases) await ingestBatch(store, row.id, { leases, health }, now);
			const history = collections ? `${collections} collections diffed` : `${events.toLocaleString('en')} events`;
			tick(`${server.name} (${server.kind}): ${scopes.length} scopes, ${(leases?.length ?? held).toLocaleString('en')} leases, ${history}`);
		}

		const logons = await importLogons(store, filesRoot, logonRows);
		issues.push(...logons.issues.map(formatIssue));
		tick(`logons: ${logons.inserted.toLocaleString('en')} imported`);

		const summary: DemoSummary = {
			dbPath: options.dbPath,
			seconds: 0,
			sites: plan.sites.length,
			blocks: await count(store, 'block'),
			subnets: await count(store, 'subnet'),
			ranges: await count(store, 'range'),
			servers: await count(store, 'server'),
			leases: (await store.get<{ n: number }>(`SELECT count(*) AS n FROM lease WHERE state IN ('active', 'reserved')`))!.n,
			leaseEvents: (await store.get<{ n: number }>('SELECT coalesce(sum(n), 0) AS n FROM lease_page'))!.n,
			logons: await count(store, 'logon_event'),
			issues,
		};
		await store.close();
		for (const suffix of ['-wal', '-shm', '-journal']) rmSync(options.dbPath + suffix, { force: true });
		renameSync(building, options.dbPath);
		summary.seconds = Math.round((performance.now() - started) / 100) / 10;
		return summary;
	} catch (err) {
		await store.close().catch(() => undefined);
		for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(building + suffix, { force: true });
		throw err;
	} finally {
		if (!options.filesDir) rmSync(filesRoot, { recursive: true, force: true });
	}
}
