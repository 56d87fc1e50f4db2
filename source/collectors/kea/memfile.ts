// Kea servers reachable only by file (transport file, or ssh): the memfile lease CSV replayed as a journal by the
// Kea memfile reader (lfc leaves older journal files beside the live one; they are read first, oldest first), and
// the configuration file for scopes and reservations. No statistics: those exist only in the running server.
import type { CollectionBatch } from '../../domain/dhcp.js';
import { formatIssue } from '../../formats/format-issue.js';
import { readKeaLeases } from '../../formats/kea-csv.js';
import type { CollectContext } from '../collector.js';
import { probeReadable, readSourceFile, readSourceText, sshTargetOf } from '../source-file.js';
import { KeaError } from './answer.js';
import { endpointFamily } from './channel.js';
import { readKeaConfigFile } from './config-file.js';

export async function collectMemfile(ctx: CollectContext): Promise<CollectionBatch> {
	const { server } = ctx;
	const leaseFile = server.endpoint.leaseFile;
	if (typeof leaseFile !== 'string' || leaseFile === '') {
		throw new KeaError(`server ${server.name}: transport ${server.transport} needs endpoint.leaseFile (the memfile CSV path)`);
	}
	const batch: CollectionBatch = {};
	const target = sshTargetOf(server);
	const options = { signal: ctx.signal, timeoutMs: ctx.timeoutMs };
	const notes: string[] = [];
	if (ctx.parts.includes('leases')) {
		const extra = Array.isArray(server.endpoint.journalFiles) ? (server.endpoint.journalFiles as unknown[]).filter((f): f is string => typeof f === 'string') : [];
		const files = [...extra, leaseFile];
		const { journal, issues } = await readKeaLeases(files.map(file => ({ file, source: readSourceFile(target, file, options) })));
		batch.leases = journal.current();
		if (issues.length > 0) notes.push(`${issues.length} problem(s) in the lease file: ${issues.slice(0, 3).map(formatIssue).join('; ')}`);
	} else if (ctx.parts.includes('health')) {
		await probeReadable(target, leaseFile, options);
	}
	const configFile = server.endpoint.configFile;
	if (ctx.parts.includes('config') && typeof configFile === 'string' && configFile !== '') {
		const text = await readSourceText(target, configFile, options);
		batch.config = (await readKeaConfigFile(text, configFile, endpointFamily(server.endpoint), file => readSourceText(target, file, options))).config;
	}
	batch.health = { ok: true, message: notes.join('; ') || (batch.leases ? `${batch.leases.length} leases in ${leaseFile}` : '') };
	return batch;
}
