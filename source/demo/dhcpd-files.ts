// An ISC dhcpd server's demo sources: dhcpd.conf (with an included hosts file) and the dhcpd.leases journal,
// read back by the dhcpd.conf reader and the streaming lease reader replayed as a journal.
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeaseEventRecord, LeaseRecord } from '../domain/dhcp.js';
import { formatPrefix, formatValue, lengthToMask } from '../domain/ip.js';
import { readDhcpdConf } from '../formats/dhcpd-conf.js';
import { DhcpdLeaseJournal } from '../formats/dhcpd-journal.js';
import { DhcpdLeaseParser } from '../formats/dhcpd-leases.js';
import { DHCPD_LEASES_HEADER, formatDhcpdIa, formatDhcpdLease } from '../formats/dhcpd-leases-writer.js';
import { scopeRange } from './enterprise.js';
import type { LeaseAction } from './history.js';
import type { ServerSources, SourceContext } from './sources.js';

function confText(ctx: SourceContext): { main: string; hosts: string } {
	const v6 = ctx.server.family === 6;
	const site = ctx.server.site;
	const lines = [
		`# ${v6 ? 'dhcpd6.conf' : 'dhcpd.conf'} for ${ctx.server.name} (${site.city})`,
		'ddns-update-style none;',
		'authoritative;',
		'option domain-name "corp.example";',
		v6 ? 'option dhcp6.name-servers 2001:db8:40::53;' : 'option domain-name-servers 10.40.250.53, 10.40.250.54;',
		'default-lease-time 86400;',
		'max-lease-time 172800;',
		'',
		`shared-network "${site.code}-campus" {`,
	];
	for (const s of ctx.scopes) {
		const r = scopeRange(s);
		if (v6) {
			lines.push(`  subnet6 ${formatPrefix(s.subnet.prefix)} {`, `    # ${s.name}`, `    range6 ${r.start} ${r.end};`, `    default-lease-time ${s.leaseSeconds};`, '  }');
		} else {
			const network = formatValue(4, s.subnet.prefix.network);
			lines.push(
				`  subnet ${network} netmask ${lengthToMask(s.subnet.prefix.length)} {`,
				`    # ${s.name}`,
				`    option routers ${formatValue(4, s.subnet.prefix.network + 1n)};`,
				`    default-lease-time ${s.leaseSeconds};`,
				'    pool {',
				`      range ${r.start} ${r.end};`,
				'    }',
				'  }',
			);
		}
	}
	lines.push('}', '', 'include "hosts.conf";', '');
	const hosts = ctx.history.current
		.filter(l => l.scope.kind === 'printer')
		.map(l =>
			v6
				? `host ${l.client.hostname} {\n  host-identifier option dhcp6.client-id ${l.client.duid};\n  fixed-address6 ${l.ip};\n}\n`
				: `host ${l.client.hostname} {\n  hardware ethernet ${l.client.mac};\n  fixed-address ${l.ip};\n}\n`,
		)
		.join('');
	return { main: lines.join('\n'), hosts };
}

function block(a: LeaseAction): string {
	const c = a.client;
	const held = a.kind === 'assign' || a.kind === 'renew';
	const lease: LeaseRecord = {
		family: a.scope.family,
		ip: a.ip,
		// dhcpd rewrites an ended lease as free (expiry) or released, keeping the last client.
		state: held ? 'active' : a.kind === 'release' ? 'released' : 'free',
		starts: held ? a.ts : a.since,
		ends: held ? a.ends : a.ts,
		cltt: held ? a.ts : a.kind === 'release' ? a.ts : undefined,
		mac: c.mac,
	};
	if (a.scope.family === 6) {
		return formatDhcpdIa({ ...lease, state: held ? 'active' : a.kind === 'release' ? 'released' : 'expired', leaseType: 'na', duid: c.duid, iaid: c.iaid, cltt: lease.cltt ?? a.since });
	}
	lease.clientId = `01:${c.mac}`;
	if (held) {
		lease.hostname = c.hostname;
		lease.vendorClass = c.vendorClass;
	}
	return formatDhcpdLease(lease);
}

export async function dhcpdSources(ctx: SourceContext): Promise<ServerSources> {
	const v6 = ctx.server.family === 6;
	const conf = confText(ctx);
	const confPath = join(ctx.dir, v6 ? 'dhcpd6.conf' : 'dhcpd.conf');
	writeFileSync(confPath, conf.main);
	writeFileSync(join(ctx.dir, 'hosts.conf'), conf.hosts);
	const parsed = await readDhcpdConf(confPath);
	const leasePath = join(ctx.dir, v6 ? 'dhcpd6.leases' : 'dhcpd.leases');
	const parts: string[] = [DHCPD_LEASES_HEADER];
	if (v6) parts.push('server-duid "\\000\\001\\000\\001-\\023\\216\\200\\000PV\\266\\020\\001";\n\n');
	for (const a of ctx.history.actions) parts.push(block(a));
	writeFileSync(leasePath, parts.join(''), 'latin1');
	const journal = new DhcpdLeaseJournal();
	const parser = new DhcpdLeaseParser({ file: leasePath });
	const issues = [...parsed.issues];
	async function* events(): AsyncGenerator<LeaseEventRecord[]> {
		for await (const chunk of createReadStream(leasePath, { highWaterMark: 1 << 20 })) {
			parser.push(chunk as Buffer);
			yield journal.apply(parser.take());
		}
		parser.end();
		yield journal.apply(parser.take());
		issues.push(...parser.issues);
	}
	// What the collector hands over: leases some client holds (free pool entries are not leases).
	const leases = () => journal.current().filter(l => l.state === 'active');
	return { config: parsed.config, events: events(), leases, snapshots: [], files: [confPath, leasePath, ...parsed.files.slice(1)], issues };
}
