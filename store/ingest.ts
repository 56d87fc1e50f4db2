// The ingest path: one collection of one server (a CollectionBatch) into the store in ONE transaction —
// configuration → discovered ranges, reservations and config events; leases → current set and lease events;
// log events → history; cursors; then utilization and the server's status. A throw leaves nothing behind.
//
//   ingestBatch(store: Store, serverId: number, batch: CollectionBatch, now?: number, options?: { signal?: AbortSignal }): Promise<IngestResult>
// The signal (shutdown) is checked between chunks: an aborted ingest rolls back whole, so a stopping collector
// never waits for a million-lease transaction to finish.
import type { Store } from './database.js';
import { dropInternCache } from './interning.js';
import { appendLeaseEvents, type RejectedRecord } from './lease-events.js';
import { leaseSource, replaceLeases } from './leases.js';
import { applyConfig } from './dhcp-config.js';
import { requireServer } from './servers.js';
import { refreshUtilization } from './utilization.js';
import type { CollectionBatch } from '../source/domain/dhcp.js';

export interface IngestResult {
	serverId: number;
	scopes: number;
	reservations: number;
	configChanges: number;
	leases: number;
	/** lease_event rows written: from the lease-set difference plus from logs. */
	leaseEvents: number;
	logEvents: number;
	/** Records skipped as invalid, with where and why; the rest of the batch landed. */
	rejected: { part: 'config' | 'leases' | 'events'; index: number; message: string }[];
	durationMs: number;
}

function tag(part: IngestResult['rejected'][number]['part'], list: RejectedRecord[]): IngestResult['rejected'] {
	return list.map(r => ({ part, index: r.index, message: r.message }));
}

export async function ingestBatch(
	store: Store,
	serverId: number,
	batch: CollectionBatch,
	now = Math.floor(Date.now() / 1000),
	options: { signal?: AbortSignal } = {},
): Promise<IngestResult> {
	const { signal } = options;
	const started = performance.now();
	const result: IngestResult = { serverId, scopes: 0, reservations: 0, configChanges: 0, leases: 0, leaseEvents: 0, logEvents: 0, rejected: [], durationMs: 0 };
	try {
		await store.transaction(async tx => {
			const server = await requireServer(tx, serverId);
			const ranges = new Set<number>();
			if (batch.config) {
				const c = await applyConfig(tx, { id: server.id, name: server.name, kind: server.kind, spaceId: server.space_id }, batch.config, now);
				result.scopes = c.scopes;
				result.reservations = c.reservations;
				result.configChanges = c.changes;
				result.rejected.push(...tag('config', c.rejected));
				for (const id of c.rangeIds) ranges.add(id);
			}
			if (batch.leases) {
				const l = await replaceLeases(tx, { serverId: server.id, spaceId: server.space_id, source: leaseSource(server) }, batch.leases, now, signal);
				result.leases = l.leases;
				result.leaseEvents += l.events;
				result.rejected.push(...tag('leases', l.rejected));
				for (const id of l.rangeIds) ranges.add(id);
			}
			if (batch.events?.length) {
				const e = await appendLeaseEvents(tx, { serverId: server.id, spaceId: server.space_id }, batch.events, signal);
				result.logEvents = e.inserted;
				result.leaseEvents += e.inserted;
				result.rejected.push(...tag('events', e.rejected));
			}
			if (batch.cursors) {
				const rows = Object.entries(batch.cursors).map(([source, position]) => [server.id, source, JSON.stringify(position ?? null), now]);
				await tx.insertMany('collect_cursor', ['server_id', 'source', 'position', 'updated_at'], rows, {
					upsert: 'ON CONFLICT (server_id, source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
				});
			}
			if (ranges.size) await refreshUtilization(tx, { ranges: [...ranges], subnets: await subnetsOf(tx, [...ranges]) });
			const health = batch.health;
			const collected = batch.config || batch.leases || batch.events;
			await tx.run(
				`UPDATE server SET status = ?, status_message = ?, version = coalesce(?, version), last_seen_at = ?,
					collected_at = CASE WHEN ? THEN ? ELSE collected_at END WHERE id = ?`,
				[
					health && !health.ok ? 'degraded' : result.rejected.length ? 'degraded' : 'ok',
					health?.message ?? (result.rejected.length ? `${result.rejected.length} record(s) rejected: ${result.rejected[0].message}` : ''),
					health?.version ?? null,
					now,
					collected ? 1 : 0,
					now,
					server.id,
				],
			);
		});
	} catch (err) {
		// Ids interned inside the rolled-back transaction are gone.
		dropInternCache(store);
		throw err;
	}
	result.durationMs = Math.round(performance.now() - started);
	return result;
}

async function subnetsOf(tx: Store, rangeIds: number[]): Promise<number[]> {
	const rows = await tx.all<{ id: number }>('SELECT DISTINCT subnet_id AS id FROM range WHERE id IN (SELECT value FROM json_each(?)) AND subnet_id IS NOT NULL', [
		JSON.stringify(rangeIds),
	]);
	return rows.map(r => r.id);
}

/** Where incremental readers of a server stopped (collect_cursor), by source name. */
export async function loadCursors(store: Store, serverId: number): Promise<Record<string, unknown>> {
	const rows = await store.all<{ source: string; position: string }>('SELECT source, position FROM collect_cursor WHERE server_id = ?', [serverId]);
	const out: Record<string, unknown> = {};
	for (const r of rows) {
		try {
			out[r.source] = JSON.parse(r.position);
		} catch {
			// A corrupt cursor restarts that reader from the beginning; INSERT OR IGNORE keeps history unduplicated.
		}
	}
	return out;
}
