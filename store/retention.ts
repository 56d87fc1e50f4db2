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
		deleted[table] = (await store.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ts < ?`, [cutoff]))?.n ?? 0;
	}
	return { cutoff, deleted };
}

/**
 * Deletes lease, logon and config events older than the retention period, oldest first, `batch` rows per
 * transaction through the ts index; other writers get the store between batches. Exposed to the scheduler
 * as the 'purge' task. Returns what was deleted.
 */
export async function purgeExpired(store: Store, now: number, options: PurgeOptions = {}): Promise<PurgeResult> {
	const batch = options.batch ?? 20_000;
	const cutoff = now - (options.days ?? (await retentionDays(store))) * 86400;
	const deleted = { lease_event: 0, logon_event: 0, config_event: 0 } as Record<PurgedTable, number>;
	for (const table of PURGED_TABLES) {
		for (;;) {
			if (options.signal?.aborted) return { cutoff, deleted };
			const { changes } = await store.transaction(tx =>
				tx.run(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ts < ? ORDER BY ts LIMIT ?)`, [cutoff, batch]),
			);
			deleted[table] += changes;
			if (changes > 0) await options.onBatch?.(table, changes);
			if (changes < batch) break;
			// Let queued transactions of other callers in this process run between batches.
			await new Promise(resolve => setImmediate(resolve));
		}
	}
	return { cutoff, deleted };
}
