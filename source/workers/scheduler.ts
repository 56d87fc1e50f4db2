// The collection scheduler: runs due tasks server by server (a DHCP server's parts merged into one collector
// call; a domain controller's logons task read from its cursor), each server under its own deadline so a slow or dead one never holds up the others; failures back off
// exponentially and mark the server down with the reason. Every outcome is written to the store.
import type { Store } from '../../store/database.js';
import { ingestBatch, loadCursors, type IngestResult } from '../../store/ingest.js';
import { getServer, serverInfo, serverRole, type ServerRow } from '../../store/servers.js';
import { dueAgain, dueTasks, ensureTasks, listTasks, recordRun, TASK_KINDS, type TaskRow } from '../../store/tasks.js';
import { purgeExpired } from '../../store/retention.js';
import { compactHistory } from '../../store/lease-compaction.js';
import { expireAddresses } from '../../store/expiry.js';
import type { CollectPart } from '../collectors/collector.js';
import { collectorFor } from '../collectors/index.js';
import { collectDomainController, type LogonRunResult } from './logon-task.js';
import { runAgainstServer } from './server-run.js';

export interface SchedulerOptions {
	env?: NodeJS.ProcessEnv;
	/** Seconds since the epoch (tests pass a fake clock). */
	now?: () => number;
	/** Per-server deadline for one collection (ms); an endpoint's timeoutMs overrides it. Default 120 s. */
	timeoutMs?: number;
	/** Servers collected at the same time. Default 4. */
	concurrency?: number;
	/** Stop early: in-flight collections are aborted, nothing half-written stays. */
	signal?: AbortSignal;
	log?: (line: string) => void;
}

export interface ServerOutcome {
	server: string;
	serverId: number;
	tasks: string[];
	ok: boolean;
	error?: string;
	/** Stopped by shutdown (or a lost lock), not by the server: no status change, no backoff. */
	cancelled?: boolean;
	/** A DHCP server's collection. */
	result?: IngestResult;
	/** A domain controller's logon read. */
	logons?: LogonRunResult;
	durationMs: number;
}

export interface TaskOutcome {
	task: string;
	ok: boolean;
	error?: string;
	detail?: string;
	durationMs: number;
}

export interface PassResult {
	servers: ServerOutcome[];
	tasks: TaskOutcome[];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One collection of one DHCP server for the parts its due tasks ask for, ingested in one transaction. */
export async function collectServer(store: Store, server: ServerRow, parts: CollectPart[], options: SchedulerOptions = {}): Promise<ServerOutcome> {
	const now = options.now ?? nowSeconds;
	const run = await runAgainstServer(
		store,
		server,
		options,
		async call => {
			const collector = await collectorFor(server.kind);
			if (!collector) throw new Error(`no collector for servers of kind "${server.kind}"`);
			const cursors = await loadCursors(store, server.id);
			return collector.collect({ server: serverInfo(server), parts, ...call, cursors });
		},
		batch => ingestBatch(store, server.id, batch, now(), { signal: options.signal }),
	);
	return { server: server.name, serverId: server.id, tasks: [], ...run };
}

/** The logons task of one domain controller: its Security log from the stored cursor on. */
export async function collectLogonServer(store: Store, server: ServerRow, options: SchedulerOptions = {}): Promise<ServerOutcome> {
	const { result, ...run } = await collectDomainController(store, server, { ...options, now: (options.now ?? nowSeconds)() });
	return { server: server.name, serverId: server.id, tasks: [], ...run, logons: result };
}

async function runStoreTask(store: Store, task: TaskRow, options: SchedulerOptions): Promise<TaskOutcome> {
	const started = performance.now();
	const now = (options.now ?? nowSeconds)();
	try {
		let detail = '';
		if (task.kind === 'expiry') detail = `${await expireAddresses(store, now)} address(es) expired`;
		else if (task.kind === 'purge') {
			const r = await purgeExpired(store, now, { signal: options.signal });
			detail = Object.entries(r.deleted)
				.map(([t, n]) => `${t} ${n}`)
				.join(', ');
		} else if (task.kind === 'compact') {
			const r = await compactHistory(store, { signal: options.signal });
			detail = `${r.buckets} bucket(s): ${r.chunksBefore} → ${r.chunksAfter} chunks, ${r.pagesBefore} → ${r.pagesAfter} pages`;
		} else throw new Error(`unknown store task "${task.kind}"`);
		return { task: task.kind, ok: true, detail, durationMs: Math.round(performance.now() - started) };
	} catch (err) {
		return { task: task.kind, ok: false, error: (err as Error).message, durationMs: Math.round(performance.now() - started) };
	}
}

function summary(o: ServerOutcome): string {
	if (o.logons) return `${o.logons.events} events read, ${o.logons.inserted} new logons`;
	return `${o.result?.leases ?? 0} leases, ${o.result?.leaseEvents ?? 0} events, ${o.result?.scopes ?? 0} scopes`;
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await job(items[i]);
		}
	});
	await Promise.all(lanes);
	return out;
}

export interface PassSelection {
	/** Run every task of the chosen servers now, due or not (`ipam collect --once`). */
	all?: boolean;
	/** Only this server (name or id); store-wide tasks are then skipped. */
	server?: string;
	/** Only these task kinds. */
	kinds?: string[];
}

/** One scheduling pass: the due (or selected) tasks, grouped per server, run in parallel lanes. */
export async function runPass(store: Store, options: SchedulerOptions = {}, selection: PassSelection = {}): Promise<PassResult> {
	const now = options.now ?? nowSeconds;
	await ensureTasks(store);
	// --once runs every server task now; store-wide housekeeping (expiry, purge) still only when due, so a cron
	// job calling --once every few minutes does not purge every few minutes.
	const due = await dueTasks(store, now());
	let tasks = selection.all ? [...(await listTasks(store)).filter(t => t.enabled && t.server_id !== null), ...due.filter(t => t.server_id === null)] : due;
	if (selection.kinds) tasks = tasks.filter(t => selection.kinds!.includes(t.kind));
	if (selection.server) {
		const s = await getServer(store, selection.server);
		if (!s) throw new Error(`no server named "${selection.server}"`);
		tasks = tasks.filter(t => t.server_id === s.id);
	}
	const byServer = new Map<number, TaskRow[]>();
	const storeWide: TaskRow[] = [];
	for (const t of tasks) {
		if (t.server_id === null) storeWide.push(t);
		else byServer.set(t.server_id, [...(byServer.get(t.server_id) ?? []), t]);
	}
	const servers = await pool([...byServer.entries()], options.concurrency ?? 4, async ([serverId, due]) => {
		const server = await getServer(store, serverId);
		if (!server || !server.enabled) return null;
		const parts = [...new Set(due.flatMap(t => TASK_KINDS[t.kind]?.parts ?? []))];
		const startedAt = now();
		const outcome = serverRole(server.kind) === 'dc' ? await collectLogonServer(store, server, options) : await collectServer(store, server, parts, options);
		outcome.tasks = due.map(t => t.kind);
		if (outcome.cancelled) return outcome;
		await store.transaction(async tx => {
			for (const t of due) {
				await recordRun(tx, t, { startedAt, durationMs: outcome.durationMs, error: outcome.error });
				// A DC with more events than one run reads catches up pass after pass instead of once an interval.
				if (outcome.logons?.more) await dueAgain(tx, t.id, startedAt);
			}
		});
		options.log?.(outcome.ok ? `${server.name}: ${outcome.tasks.join('+')} ok in ${outcome.durationMs} ms (${summary(outcome)})` : `${server.name}: ${outcome.tasks.join('+')} failed: ${outcome.error}`);
		return outcome;
	});
	const storeOutcomes: TaskOutcome[] = [];
	for (const t of storeWide) {
		const startedAt = now();
		const o = await runStoreTask(store, t, options);
		await store.transaction(tx => recordRun(tx, t, { startedAt, durationMs: o.durationMs, error: o.error }));
		options.log?.(o.ok ? `${t.kind}: ${o.detail}` : `${t.kind} failed: ${o.error}`);
		storeOutcomes.push(o);
	}
	return { servers: servers.filter((s): s is ServerOutcome => s !== null), tasks: storeOutcomes };
}
