// The ISC dhcpd 4.x collector: dhcpd.conf (with includes) and dhcpd.leases / dhcpd6.leases, from local paths or over
// SSH, read by the dhcpd format readers. The lease journal streams through a reducer: the last block per address wins.
import type { CollectionBatch, LeaseRecord, ReservationRecord } from '../../domain/dhcp.js';
import { readDhcpdConf } from '../../formats/dhcpd-conf.js';
import { DhcpdLeaseReducer, readDhcpdLeases } from '../../formats/dhcpd-leases.js';
import type { FormatIssue } from '../../formats/format-issue.js';
import type { CollectContext, Collector } from '../collector.js';
import { issuesLine, probeReadable, readSourceFile, readSourceText, SourceFileError, sshTargetOf } from '../source-file.js';

export const dhcpdCollector: Collector = {
	kind: 'dhcpd',
	collect: collectDhcpd,
};

function paths(value: unknown): string[] {
	if (typeof value === 'string' && value !== '') return [value];
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

export async function collectDhcpd(ctx: CollectContext): Promise<CollectionBatch> {
	const { server } = ctx;
	const target = sshTargetOf(server);
	const options = { signal: ctx.signal, timeoutMs: ctx.timeoutMs };
	const configFile = typeof server.endpoint.configFile === 'string' ? server.endpoint.configFile : '';
	// dhcpd -4 and dhcpd -6 keep separate journals; a server entry may name both.
	const leaseFiles = [...paths(server.endpoint.leaseFile), ...paths(server.endpoint.leaseFile6)];
	const wantConfig = ctx.parts.includes('config') && configFile !== '';
	const wantLeases = ctx.parts.includes('leases');
	if (ctx.parts.includes('config') && configFile === '' && !ctx.parts.includes('leases')) {
		throw new SourceFileError(`server ${server.name}: endpoint.configFile (the dhcpd.conf path) is not set`);
	}
	if ((wantLeases || ctx.parts.includes('health')) && leaseFiles.length === 0) throw new SourceFileError(`server ${server.name}: endpoint.leaseFile (the dhcpd.leases path) is not set`);

	const batch: CollectionBatch = {};
	const issues: FormatIssue[] = [];
	let leaseReservations: ReservationRecord[] = [];
	// The journal records each failover peer's state; the last record per peer is the current one.
	const failover = new Map<string, string>();
	if (wantLeases) {
		const leases: LeaseRecord[] = [];
		for (const file of leaseFiles) {
			const reducer = new DhcpdLeaseReducer();
			const read = await readDhcpdLeases(
				readSourceFile(target, file, options),
				entries => {
					reducer.add(entries);
					for (const e of entries) if (e.type === 'failover') failover.set(e.peer, `failover peer "${e.peer}": ${e.myState ?? '?'}, partner ${e.partnerState ?? '?'}`);
				},
				{ file },
			);
			issues.push(...read.issues);
			for (const lease of reducer.current()) leases.push(lease);
			leaseReservations = leaseReservations.concat(reducer.reservations());
		}
		batch.leases = leases;
	} else if (ctx.parts.includes('health')) {
		await probeReadable(target, leaseFiles[0], options);
	}
	if (wantConfig) {
		const conf = await readDhcpdConf(configFile, { load: file => readSourceText(target, file, options) });
		issues.push(...conf.issues);
		// Hosts created over OMAPI live only in the lease journal; the configuration's own hosts come first.
		const known = new Set(conf.config.reservations.map(r => r.ip));
		batch.config = { ...conf.config, reservations: [...conf.config.reservations, ...leaseReservations.filter(r => !known.has(r.ip))] };
	}
	const states = [...failover.values()];
	const message = [issuesLine(issues), ...states].filter(Boolean).join('; ');
	// A failover peer not in "normal" state is worth a look; the leases are still current.
	const degraded = [...failover.values()].some(s => !/: normal, partner normal$/.test(s));
	batch.health = { ok: !degraded, message: message || (batch.leases ? `${batch.leases.length} lease entries read` : '') };
	return batch;
}

