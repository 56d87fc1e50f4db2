// A Kea server's demo sources: its configuration as `config-get` returns it, and the memfile lease journal
// (leases4.csv / leases6.csv) as Kea appends to it; read back by the Kea config reader and the memfile reader.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeaseEventRecord } from '../domain/dhcp.js';
import { formatPrefix } from '../domain/ip.js';
import { readKeaConfig } from '../collectors/kea/config.js';
import { KeaCsvReader, KeaLeaseJournal } from '../formats/kea-csv.js';
import type { FormatIssue } from '../formats/format-issue.js';
import { scopeRange } from './enterprise.js';
import type { ServerSources, SourceContext } from './sources.js';

const esc = (s: string) => s.replace(/,/g, '&#x2c');

function configJson(ctx: SourceContext): Record<string, unknown> {
	const v6 = ctx.server.family === 6;
	const reserved = ctx.history.current.filter(l => l.scope.kind === 'printer');
	const subnets = ctx.scopes.map(s => {
		const r = scopeRange(s);
		const router = s.family === 4 ? [{ name: 'routers', data: r.start.replace(/\.\d+$/, '.1') }] : [];
		return {
			id: s.id,
			subnet: formatPrefix(s.subnet.prefix),
			pools: [{ pool: `${r.start} - ${r.end}` }],
			'valid-lifetime': s.leaseSeconds,
			'option-data': router,
			'user-context': { name: s.name, site: s.subnet.site.city },
			reservations: reserved
				.filter(l => l.scope === s)
				.map(l => (v6 ? { duid: l.client.duid, 'ip-addresses': [l.ip], hostname: l.client.hostname } : { 'hw-address': l.client.mac, 'ip-address': l.ip, hostname: l.client.hostname })),
		};
	});
	const root = {
		'interfaces-config': { interfaces: ['ens192'] },
		'lease-database': { type: 'memfile', persist: true, name: `/var/lib/kea/kea-leases${v6 ? 6 : 4}.csv`, 'lfc-interval': 3600 },
		'valid-lifetime': 86400,
		'hooks-libraries': [{ library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so' }, { library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_stat_cmds.so' }],
		'option-data': v6 ? [{ name: 'dns-servers', data: '2001:db8:30::53' }] : [{ name: 'domain-name-servers', data: '10.30.250.53' }, { name: 'domain-name', data: 'corp.example' }],
		[v6 ? 'subnet6' : 'subnet4']: subnets,
	};
	return { [v6 ? 'Dhcp6' : 'Dhcp4']: root };
}

/** One journal row per lease change: the lease as stored after it (valid_lifetime 0 = deleted; state 2 = reclaimed). */
function journal(ctx: SourceContext): string {
	const v6 = ctx.server.family === 6;
	const rows: string[] = [
		v6
			? 'address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id'
			: 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id',
	];
	for (const a of ctx.history.actions) {
		const c = a.client;
		const T = a.scope.leaseSeconds;
		const held = a.kind === 'assign' || a.kind === 'renew';
		// Kea copies the stored lease into a deletion row: its expire is the last cltt (here, the release time).
		const valid = a.kind === 'release' ? 0 : T;
		const expire = a.kind === 'release' ? a.ts : held ? a.ts + T : a.ends;
		const state = a.kind === 'expire' ? 2 : 0;
		const host = a.kind === 'expire' ? '' : esc(c.hostname ?? '');
		if (v6) rows.push(`${a.ip},${c.duid},${valid},${expire},${a.scope.id},${Math.round(T * 0.625)},0,${c.iaid},128,0,0,${host},${c.mac},${state},,1,2,0`);
		else rows.push(`${a.ip},${c.mac},01:${c.mac},${valid},${expire},${a.scope.id},0,0,${host},${state},,0`);
	}
	return rows.join('\n') + '\n';
}

export async function keaSources(ctx: SourceContext): Promise<ServerSources> {
	const family = ctx.server.family;
	const confPath = join(ctx.dir, `kea-dhcp${family}.conf`);
	writeFileSync(confPath, JSON.stringify(configJson(ctx), null, 2));
	const { config } = readKeaConfig(JSON.parse(readFileSync(confPath, 'utf8')) as Record<string, unknown>, family);
	const csvPath = join(ctx.dir, `kea-leases${family}.csv`);
	writeFileSync(csvPath, journal(ctx));
	const reader = new KeaCsvReader(csvPath);
	const replay = new KeaLeaseJournal();
	const issues: FormatIssue[] = [];
	async function* events(): AsyncGenerator<LeaseEventRecord[]> {
		for await (const chunk of createReadStream(csvPath, { highWaterMark: 1 << 20 })) {
			reader.push(chunk as Buffer);
			yield replay.apply(reader.take());
		}
		reader.end();
		yield replay.apply(reader.take());
		issues.push(...reader.issues);
	}
	// Reclaimed leases stay in the memfile until flushed; the collection is what Kea would hand over.
	const leases = () => replay.current();
	return { config, events: events(), leases, snapshots: [], files: [confPath, csvPath], issues };
}
