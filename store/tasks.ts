// Scheduled collection tasks (MS IPAM's model: availability, configuration, leases, events, expiry, purge, plus
// logons from domain controllers) with their intervals and last-run/next-run/last-error record, and the
// one-collector-per-store lock.
import os from 'node:os';
import type { Store } from './database.js';
import { invalid, notFound } from './errors.js';
import { DC_KINDS, serverRole } from './servers.js';
import type { CollectPart } from '../source/collectors/collector.js';

export interface TaskKindSpec {
	/** Default period in seconds. */
	interval: number;
	/** What a DHCP server's task asks its collector for ([] for a domain controller's); null = a store-wide task. */
	parts: CollectPart[] | null;
	/** Whose task it is: each DHCP server's, each domain controller's, or the store's. */
	owner: 'dhcp' | 'dc' | 'store';
	summary: string;
}

export const TASK_KINDS: Record<string, TaskKindSpec> = {
	availability: { interval: 15 * 60, parts: ['health'], owner: 'dhcp', summary: 'is the server answering, which version' },
	config: { interval: 6 * 3600, parts: ['health', 'config'], owner: 'dhcp', summary: 'scopes, pools, reservations, options → ranges and config events' },
	leases: { interval: 5 * 60, parts: ['leases'], owner: 'dhcp', summary: 'the complete lease set → current leases and lease events' },
	events: { interval: 3600, parts: ['events'], owner: 'dhcp', summary: 'audit logs / journals → lease events' },
	logons: { interval: 15 * 60, parts: [], owner: 'dc', summary: "(domain controllers) Security-log logon events since the last run's cursor → logon history" },
	expiry: { interval: 86_400, parts: null, owner: 'store', summary: 'addresses past their expiry date become inactive' },
	purge: { interval: 86_400, parts: null, owner: 'store', summary: 'history older than the retention period is deleted' },
	compact: { interval: 86_400, parts: null, owner: 'store', summary: "lease history packed: frequent collections' small chunks and pages merged, per time bucket, the newest too" },
};

export interface TaskRow {
	id: number;
	server_id: number | null;
	server: string | null;
	kind: string;
	interval_s: number;
	enabled: number;
	last_run_at: number | null;
	last_ok_at: number | null;
	next_run_at: number | null;
	last_duration_ms: number | null;
	last_error: string;
	consecutive_failures: number;
	run_count: number;
}

/**
 * Creates the default tasks of every server (a DHCP server's or a domain controller's, by its kind) and the
 * store-wide ones; existing tasks keep their settings. Tasks that no longer fit a server (its kind changed
 * between DHCP and domain controller) are removed.
 */
export async function ensureTasks(store: Store): Promise<void> {
	const perServer = Object.entries(TASK_KINDS).filter(([, s]) => s.owner !== 'store');
	const storeWide = Object.entries(TASK_KINDS).filter(([, s]) => s.owner === 'store');
	const kinds = JSON.stringify(perServer.map(([k, s]) => [k, s.interval, s.owner]));
	// A server's role as SQL: DC kinds are 'dc', every other kind 'dhcp' (serverRole in servers.ts).
	const role = `CASE WHEN s.kind IN (SELECT value FROM json_each(?)) THEN 'dc' ELSE 'dhcp' END`;
	const dcKinds = JSON.stringify(DC_KINDS);
	await store.transaction(async tx => {
		await tx.run(
			`INSERT OR IGNORE INTO task (server_id, kind, interval_s) SELECT s.id, j.value->>0, j.value->>1 FROM server s, json_each(?) j
			 WHERE j.value->>2 = ${role}`,
			[kinds, dcKinds],
		);
		await tx.run(
			`DELETE FROM task WHERE id IN (SELECT t.id FROM task t JOIN server s ON s.id = t.server_id, json_each(?) j
			 WHERE j.value->>0 = t.kind AND j.value->>2 <> ${role})`,
			[kinds, dcKinds],
		);
		await tx.run(`INSERT OR IGNORE INTO task (server_id, kind, interval_s) SELECT NULL, value->>0, value->>1 FROM json_each(?)`, [
			JSON.stringify(storeWide.map(([k, s]) => [k, s.interval])),
		]);
	});
}

const SELECT = `SELECT t.*, s.name AS server FROM task t LEFT JOIN server s ON s.id = t.server_id`;

export async function listTasks(store: Store, serverId?: number): Promise<TaskRow[]> {
	if (serverId !== undefined) return store.all<TaskRow>(`${SELECT} WHERE t.server_id = ? ORDER BY t.kind`, [serverId]);
	return store.all<TaskRow>(`${SELECT} ORDER BY s.name IS NOT NULL, s.name, t.kind`);
}

/** Enabled tasks whose time has come (never-run first), of enabled servers. */
export async function dueTasks(store: Store, now: number): Promise<TaskRow[]> {
	return store.all<TaskRow>(
		`${SELECT} WHERE t.enabled AND coalesce(t.next_run_at, 0) <= ? AND (t.server_id IS NULL OR s.enabled)
		 ORDER BY coalesce(t.next_run_at, 0), t.id`,
		[now],
	);
}

export async function nextDue(store: Store): Promise<number | null> {
	const row = await store.get<{ t: number | null }>(
		`SELECT min(coalesce(t.next_run_at, 0)) AS t FROM task t LEFT JOIN server s ON s.id = t.server_id WHERE t.enabled AND (t.server_id IS NULL OR s.enabled)`,
	);
	return row?.t ?? null;
}

/** After `failures` failures in a row the next try waits interval·2^(failures−1), at most max(interval, 1 h). */
export function backoffSeconds(interval: number, failures: number): number {
	if (failures <= 0) return interval;
	return Math.min(interval * 2 ** Math.min(failures - 1, 20), Math.max(interval, 3600));
}

export async function recordRun(store: Store, task: Pick<TaskRow, 'id' | 'interval_s' | 'consecutive_failures'>, run: { startedAt: number; durationMs: number; error?: string }): Promise<void> {
	const failures = run.error ? task.consecutive_failures + 1 : 0;
	const next = run.startedAt + backoffSeconds(task.interval_s, failures);
	await store.run(
		`UPDATE task SET last_run_at = ?, last_ok_at = CASE WHEN ? THEN ? ELSE last_ok_at END, next_run_at = ?, last_duration_ms = ?,
			last_error = ?, consecutive_failures = ?, run_count = run_count + 1 WHERE id = ?`,
		[run.startedAt, run.error ? 0 : 1, run.startedAt, next, Math.round(run.durationMs), run.error ?? '', failures, task.id],
	);
}

/** Makes a task due again at `at` (a run that could not read everything continues at the next pass). */
export async function dueAgain(store: Store, taskId: number, at: number): Promise<void> {
	await store.run('UPDATE task SET next_run_at = ? WHERE id = ?', [at, taskId]);
}

/** "10m", "6h", "90s", "1d" or plain seconds. */
export function parseInterval(text: string): number {
	const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
	if (!m) throw invalid(`interval "${text}" is not a duration such as 90s, 10m, 6h or 1d`);
	const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's'];
	if (n < 10 || n > 30 * 86_400) throw invalid(`interval "${text}" must be between 10s and 30d`);
	return n;
}

export async function setTask(store: Store, serverId: number | null, kind: string, changes: { intervalS?: number; enabled?: boolean; runNow?: boolean }): Promise<TaskRow> {
	if (!TASK_KINDS[kind]) throw invalid(`task "${kind}" is not one of ${Object.keys(TASK_KINDS).join(', ')}`);
	const owner = TASK_KINDS[kind].owner;
	if ((serverId === null) !== (owner === 'store')) {
		throw invalid(owner !== 'store' ? `task "${kind}" belongs to a server: name one` : `task "${kind}" is store-wide: name no server`);
	}
	if (serverId !== null) {
		const server = await store.get<{ name: string; kind: string }>('SELECT name, kind FROM server WHERE id = ?', [serverId]);
		if (server && serverRole(server.kind) !== owner) {
			throw invalid(owner === 'dc' ? `task "${kind}" belongs to domain controllers; ${server.name} is a ${server.kind} server` : `task "${kind}" belongs to DHCP servers; ${server.name} is a domain controller`);
		}
	}
	await ensureTasks(store);
	const r = await store.run(
		`UPDATE task SET interval_s = coalesce(?, interval_s), enabled = coalesce(?, enabled),
			next_run_at = CASE WHEN ? THEN 0 WHEN ? IS NOT NULL AND last_run_at IS NOT NULL THEN last_run_at + ? ELSE next_run_at END
		 WHERE coalesce(server_id, 0) = ? AND kind = ?`,
		[
			changes.intervalS ?? null,
			changes.enabled === undefined ? null : changes.enabled ? 1 : 0,
			changes.runNow ? 1 : 0,
			changes.intervalS ?? null,
			changes.intervalS ?? null,
			serverId ?? 0,
			kind,
		],
	);
	if (r.changes === 0) throw notFound(`no task "${kind}"${serverId ? ` for server ${serverId}` : ''}`);
	return (await store.get<TaskRow>(`${SELECT} WHERE coalesce(t.server_id, 0) = ? AND t.kind = ?`, [serverId ?? 0, kind]))!;
}

// ---------------------------------------------------------------- the collector lock

export interface LockRow {
	holder: string;
	pid: number;
	hostname: string;
	acquired_at: number;
	heartbeat_at: number;
}

export function lockHolderId(): string {
	return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Takes the store's collector lock for `holder`, or renews it when already held. A lock whose heartbeat is
 * older than `staleAfterS` is taken over (its holder died or hung). Returns false when another live holder has it.
 */
export async function acquireLock(store: Store, holder: string, now: number, staleAfterS: number): Promise<boolean> {
	return store.transaction(async tx => {
		const row = await tx.get<LockRow>('SELECT * FROM collector_lock WHERE id = 1');
		if (row && row.holder !== holder && now - row.heartbeat_at <= staleAfterS) return false;
		await tx.run(
			`INSERT INTO collector_lock (id, holder, pid, hostname, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)
			 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, hostname = excluded.hostname,
				acquired_at = CASE WHEN collector_lock.holder = excluded.holder THEN collector_lock.acquired_at ELSE excluded.acquired_at END,
				heartbeat_at = excluded.heartbeat_at`,
			[holder, process.pid, os.hostname(), now, now],
		);
		return true;
	});
}

/** Renews the heartbeat; false when the lock was taken over meanwhile (then stop collecting). */
export async function heartbeat(store: Store, holder: string, now: number): Promise<boolean> {
	const r = await store.run('UPDATE collector_lock SET heartbeat_at = ? WHERE id = 1 AND holder = ?', [now, holder]);
	return r.changes === 1;
}

export async function releaseLock(store: Store, holder: string): Promise<void> {
	await store.run('DELETE FROM collector_lock WHERE id = 1 AND holder = ?', [holder]);
}

export async function lockInfo(store: Store): Promise<LockRow | undefined> {
	return store.get<LockRow>('SELECT holder, pid, hostname, acquired_at, heartbeat_at FROM collector_lock WHERE id = 1');
}
