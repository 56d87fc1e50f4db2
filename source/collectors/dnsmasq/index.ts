// The dnsmasq collector: its leases file (IPv4 lines, then IPv6 after the `duid` line) and dhcp-range / dhcp-host
// from its configuration (conf-file, conf-dir, dhcp-hostsfile followed), local or over SSH.
import type { CollectionBatch } from '../../domain/dhcp.js';
import { readDnsmasqConf, type DnsmasqFs } from '../../formats/dnsmasq-conf.js';
import { parseDnsmasqLeases } from '../../formats/dnsmasq-leases.js';
import type { FormatIssue } from '../../formats/format-issue.js';
import type { CollectContext, Collector } from '../collector.js';
import type { ReadOptions, SshTarget } from '../source-file.js';
import { issuesLine, probeReadable, readSourceText, SourceFileError, sshRun, sshTargetOf } from '../source-file.js';

export const dnsmasqCollector: Collector = {
	kind: 'dnsmasq',
	collect: collectDnsmasq,
};

/** The configuration's file system seen through SSH: cat, ls and test -d on the server. */
function remoteFs(target: SshTarget, options: ReadOptions): DnsmasqFs {
	return {
		readFile: file => readSourceText(target, file, options),
		readDir: async dir => {
			const r = await sshRun(target, ['ls', '-1A', '--', dir], options);
			if (r.code !== 0) throw new SourceFileError(`ssh ${target.host}: cannot list ${dir}: ${r.stderr.trim()}`);
			return r.stdout.split('\n').filter(name => name !== '');
		},
		isDir: async file => (await sshRun(target, ['test', '-d', file], options)).code === 0,
	};
}

export async function collectDnsmasq(ctx: CollectContext): Promise<CollectionBatch> {
	const { server } = ctx;
	const target = sshTargetOf(server);
	const options = { signal: ctx.signal, timeoutMs: ctx.timeoutMs };
	const leaseFile = typeof server.endpoint.leaseFile === 'string' ? server.endpoint.leaseFile : '';
	const configFile = typeof server.endpoint.configFile === 'string' ? server.endpoint.configFile : '';
	const batch: CollectionBatch = {};
	const issues: FormatIssue[] = [];
	if (ctx.parts.includes('leases') || ctx.parts.includes('health')) {
		if (leaseFile === '') throw new SourceFileError(`server ${server.name}: endpoint.leaseFile (dhcp-leasefile) is not set`);
	}
	if (ctx.parts.includes('leases')) {
		// dnsmasq rewrites the whole file on each change and it stays small (one line per lease): read it whole.
		const text = await readSourceText(target, leaseFile, options);
		const read = parseDnsmasqLeases(text, { file: leaseFile });
		issues.push(...read.issues);
		batch.leases = read.leases;
	} else if (ctx.parts.includes('health')) {
		await probeReadable(target, leaseFile, options);
	}
	if (ctx.parts.includes('config') && configFile !== '') {
		const prefixes = server.endpoint.interfacePrefixes;
		const conf = await readDnsmasqConf(configFile, {
			fs: target ? remoteFs(target, options) : undefined,
			interfacePrefixes: prefixes && typeof prefixes === 'object' ? (prefixes as Record<string, string>) : undefined,
		});
		issues.push(...conf.issues);
		batch.config = conf.config;
	}
	batch.health = { ok: true, message: issuesLine(issues) || (batch.leases ? `${batch.leases.length} leases read` : '') };
	return batch;
}
