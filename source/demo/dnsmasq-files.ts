// A dnsmasq branch router's demo sources: dnsmasq.conf with a conf-dir of ranges and hosts, and its leases file as
// it stands at each collection (dnsmasq keeps no history, so successive collections are all the store gets).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeaseRecord } from '../domain/dhcp.js';
import { formatValue, lengthToMask } from '../domain/ip.js';
import { readDnsmasqConf } from '../formats/dnsmasq-conf.js';
import { parseDnsmasqLeases } from '../formats/dnsmasq-leases.js';
import { scopeRange } from './enterprise.js';
import type { DemoClient } from './clients.js';
import type { ServerSources, SourceContext } from './sources.js';

/** How often the demo's collector read the branch routers' lease files, and since when (they were added lately). */
export const DNSMASQ_INTERVAL = 2 * 3600;
export const DNSMASQ_COLLECTED_DAYS = 2;

function lease(ip: string, c: DemoClient, ends: number): string {
	return `${ends} ${c.mac} ${ip} ${c.hostname ?? '*'} 01:${c.mac}`;
}

function* snapshots(ctx: SourceContext, path: string): Generator<{ at: number; leases: LeaseRecord[] }> {
	const held = new Map<string, { client: DemoClient; ends: number }>();
	const actions = ctx.history.actions;
	let i = 0;
	const times: number[] = [];
	// Each collection diffs a whole lease set in the store: the demo starts collecting two days back.
	for (let t = Math.max(ctx.from, ctx.now - DNSMASQ_COLLECTED_DAYS * 86400) + DNSMASQ_INTERVAL; t < ctx.now; t += DNSMASQ_INTERVAL) times.push(t);
	times.push(ctx.now);
	for (const at of times) {
		for (; i < actions.length && actions[i].ts <= at; i++) {
			const a = actions[i];
			if (a.kind === 'assign' || a.kind === 'renew') held.set(a.ip, { client: a.client, ends: a.ends });
			else held.delete(a.ip);
		}
		const lines: string[] = [];
		for (const [ip, h] of held) {
			if (h.ends <= at) held.delete(ip);
			else lines.push(lease(ip, h.client, h.ends));
		}
		// dnsmasq rewrites the file in place; the collector reads whatever is there.
		writeFileSync(path, lines.join('\n') + (lines.length ? '\n' : ''));
		yield { at, leases: parseDnsmasqLeases(readFileSync(path, 'utf8'), { file: path, now: at }).leases };
	}
}

export async function dnsmasqSources(ctx: SourceContext): Promise<ServerSources> {
	const site = ctx.server.site;
	const confDir = join(ctx.dir, 'dnsmasq.d');
	mkdirSync(confDir, { recursive: true });
	const confPath = join(ctx.dir, 'dnsmasq.conf');
	writeFileSync(
		confPath,
		[
			`# dnsmasq on ${ctx.server.name}, ${site.city} branch router`,
			'port=0',
			'domain=corp.example',
			'dhcp-authoritative',
			'dhcp-leasefile=/var/lib/misc/dnsmasq.leases',
			`dhcp-option=option:dns-server,${ctx.server.address}`,
			'conf-dir=dnsmasq.d,*.conf',
			'',
		].join('\n'),
	);
	const ranges = ctx.scopes.map(s => {
		const r = scopeRange(s);
		const tag = s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
		const lease = s.leaseSeconds % 3600 === 0 ? `${s.leaseSeconds / 3600}h` : `${s.leaseSeconds}`;
		return `dhcp-range=set:${tag},${r.start},${r.end},${lengthToMask(s.subnet.prefix.length)},${lease}\ndhcp-option=tag:${tag},option:router,${formatValue(4, s.subnet.prefix.network + 1n)}`;
	});
	writeFileSync(join(confDir, 'ranges.conf'), ranges.join('\n') + '\n');
	const hosts = ctx.history.current.filter(l => l.scope.kind === 'printer').map(l => `dhcp-host=${l.client.mac},${l.ip},${l.client.hostname},infinite`);
	writeFileSync(join(confDir, 'hosts.conf'), hosts.join('\n') + '\n');
	const parsed = await readDnsmasqConf(confPath);
	return {
		config: parsed.config,
		events: [],
		leases: () => null,
		snapshots: snapshots(ctx, join(ctx.dir, 'dnsmasq.leases')),
		files: parsed.files,
		issues: parsed.issues,
	};
}
