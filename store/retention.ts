// Retention of the event history: the `retention.days` setting and the purge that enforces it in bounded batches.
import type { Store } from './database.js';
import { audit } from './audit.js';

export const RETENTION_SETTING = 'retention.days';
/** Three years: the Microsoft IPAM forensics horizon. */
export const DEFAULT_RETENTION_DAYS = 1095;

/** The tables purged, each by its ts index. */
export const PURGED_TABLES = ['lease_event', 'logon_event', 'config_event'] as const;
export type PurgedTable = (typeof PURGED_TABLES)[number];

export class RetentionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RetentionError';
	}
}

export async function retentionDays(store: Store): Promise<number> {
	const text = await store.setting(RETENTION_SETTING, String(DEFAULT_RETENTION_DAYS));
	const days = Number(text);
	return Number.isInteger(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS;
}

/** Validates and stores the retention period (whole days, 1 … 36500). */
export async function setRetentionDays(store: Store, text: string): Promise<number> {
	const days = Number(text);
	if (!/^\d+$/.test(text.trim()) || !Number.isInteger(days) || days < 1 || days > 36500) {
		throw new RetentionError(`retention "${text}" is not a number of days from 1 to 36500`);
	}
	await store.transaction(async tx => {
		const before = await tx.setting(RETENTION_SETTING, String(DEFAULT_RETENTION_DAYS));
		await tx.setSetting(RETENTION_SETTING, String(days));
		await audit(tx, {
			action: 'update',
			kind: 'setting',
			id: null,
			summary: `${RETENTION_SETTING} ${before} → ${days}`,
			before: { [RETENTION_SETTING]: Number(before) },
			after: { [RETENTION_SETTING]: days },
		});
	});
	return days;
}

export interface PurgeOptions {
	/** Rows deleted per transaction: small enough that the single writer is never held long. */
	batch?: number;
	/** Override the setting (days). */
	days?: number;
	/** Called after each batch (progress, and a chance to yield). */
	onBatch?: (table: PurgedTable, deleted: number) => void | Promise<void>;
	/** Stop early (e.g. the scheduler is shutting down); what was deleted stays deleted. */
	signal?: AbortSignal;
}

export interface PurgeResult {
	cutoff: number;
	deleted: Record<PurgedTable, number>;
}

/** Events older than `now − retention.days` that a purge would delete, per table (index counts, no scan of the rest). */
export async function purgeCandidates(store: Store, now: number, days?: number): Promise<PurgeResult> {
	const cutoff = now - (days ?? (await retentionDays(store))) * 86400;
	const deleted = {} as Record<PurgedTable, number>;
	for (const table of PURGED_TABLES) {
		const sql =
			table === 'lease_event'
				? // Whole pages by their counts; only a page straddling the cutoff is unpacked.
					`SELECT (SELECT coalesce(sum(n), 0) FROM lease_page WHERE t_first < ?1 AND t_last < ?1)
						+ (SELECT count(*) FROM lease_page p, jsonb_each(p.ev) e WHERE p.t_first < ?1 AND p.t_last >= ?1 AND e.value ->> 0 < ?1) AS n`
				: `SELECT count(*) AS n FROM ${table} WHERE ts < ?1`;
		deleted[table] = (await store.get<{ n: number }>(sql, [cutoff]))?.n ?? 0;
	}
	return { cutoff, deleted };
}

/**
 * Deletes lease, logon and config events older than the retention period, oldest first, `batch` rows per
 * transaction through the ts index (lease history: whole chunks and pages, then the few straddling the cutoff
 * rewritten without their old events); other writers get the store between batches. Exposed to the scheduler
 * as the 'purge' task. Returns what was deleted.
 */
export async function purgeExpired(store: Store, now: number, options: PurgeOptions = {}): Promise<PurgeResult> {
	const batch = options.batch ?? 20_000;
	const cutoff = now - (options.days ?? (await retentionDays(store))) * 86400;
	const deleted = { lease_event: 0, logon_event: 0, config_event: 0 } as Record<PurgedTable, number>;
	for (const table of PURGED_TABLES) {
		for (;;) {
			if (options.signal?.aborted) return { cutoff, deleted };
			const changes = await store.transaction(tx => (table === 'lease_event' ? purgeHistoryBatch(tx, cutoff, batch) : purgeRows(tx, table, cutoff, batch)));
			deleted[table] += changes.events;
			if (changes.events > 0) await options.onBatch?.(table, changes.events);
			if (!changes.more) break;
			// Let queued transactions of other callers in this process run between batches.
			await new Promise(resolve => setImmediate(resolve));
		}
	}
	return { cutoff, deleted };
}

async function purgeRows(tx: Store, table: string, cutoff: number, batch: number): Promise<{ events: number; more: boolean }> {
	const { changes } = await tx.run(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ts < ? ORDER BY ts LIMIT ?)`, [cutoff, batch]);
	return { events: changes, more: changes === batch };
}

/**
 * One batch of lease-history purge: up to `batch` whole chunks older than the cutoff (with the pages as old), or,
 * once none is left, the chunks and pages straddling the cutoff, rewritten to keep only their events at or after it.
 */
async function purgeHistoryBatch(tx: Store, cutoff: number, batch: number): Promise<{ events: number; more: boolean }> {
	const gone = await tx.all<{ n: number }>(
		`DELETE FROM lease_chunk WHERE id IN (SELECT id FROM lease_chunk WHERE t_first < ?1 AND t_last < ?1 ORDER BY t_first LIMIT ?2) RETURNING n`,
		[cutoff, batch],
	);
	if (gone.length > 0) {
		// Pages hold up to 1024 events each: a proportionate share of them goes with each batch of chunks.
		await tx.run(`DELETE FROM lease_page WHERE id IN (SELECT id FROM lease_page WHERE t_first < ?1 AND t_last < ?1 ORDER BY t_first LIMIT ?2)`, [
			cutoff,
			Math.max(1, Math.ceil(batch / 64)),
		]);
		return { events: gone.reduce((sum, r) => sum + r.n, 0), more: true };
	}
	await tx.run('DELETE FROM lease_page WHERE t_first < ?1 AND t_last < ?1', [cutoff]);
	// What is left older than the cutoff straddles it (t_first < cutoff <= t_last): within one bucket of it.
	const keepNewer = (table: string) => [
		`UPDATE ${table} SET ev = (SELECT jsonb_group_array(jsonb(e.value)) FROM jsonb_each(${table}.ev) e WHERE e.value ->> 0 >= ?1) WHERE t_first < ?1`,
		`UPDATE ${table} SET n = json_array_length(ev), t_first = ev ->> '$[0][0]' WHERE t_first < ?1`,
	];
	const removed = (await tx.get<{ n: number }>(
		'SELECT count(*) AS n FROM lease_chunk c, jsonb_each(c.ev) e WHERE c.t_first < ?1 AND e.value ->> 0 < ?1',
		[cutoff],
	))!.n;
	for (const sql of [...keepNewer('lease_chunk'), ...keepNewer('lease_page')]) await tx.run(sql, [cutoff]);
	return { events: removed, more: false };
}
