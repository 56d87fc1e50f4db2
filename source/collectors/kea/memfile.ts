// Kea servers reachable only by file: the memfile lease CSV (local or over SSH), replayed as a journal by the
// Kea memfile reader. lfc leaves older journal files beside the live one; they are read first, oldest first.
import type { CollectionBatch } from '../../domain/dhcp.js';
import { formatIssue } from '../../formats/format-issue.js';
import { readKeaLeases } from '../../formats/kea-csv.js';
import type { CollectContext } from '../collector.js';
import { readSourceFile, sshTargetOf } from '../source-file.js';
import { KeaError } from './answer.js';

export async function collectMemfile(ctx: CollectContext): Promise<CollectionBatch> {
	const { server } = ctx;
	const leaseFile = server.endpoint.leaseFile;
	if (typeof leaseFile !== 'string' || leaseFile === '') {
		throw new KeaError(`server ${server.name}: transport file needs endpoint.leaseFile (the memfile CSV path)`);
	}
	const batch: CollectionBatch = {};
	if (!ctx.parts.includes('leases') && !ctx.parts.includes('health')) return batch;
	const target = sshTargetOf(server);
	const extra = Array.isArray(server.endpoint.journalFiles) ? (server.endpoint.journalFiles as unknown[]).filter((f): f is string => typeof f === 'string') : [];
	const files = [...extra, leaseFile];
	const options = { signal: ctx.signal, timeoutMs: ctx.timeoutMs };
	const { journal, issues } = await readKeaLeases(files.map(file => ({ file, source: readSourceFile(target, file, options) })));
	if (ctx.parts.includes('leases')) batch.leases = journal.current();
	const message = issues.length > 0 ? `${issues.length} problem(s) in the lease file: ${issues.slice(0, 3).map(formatIssue).join('; ')}` : `${journal.size} leases in ${leaseFile}`;
	batch.health = { ok: true, message };
	return batch;
}
