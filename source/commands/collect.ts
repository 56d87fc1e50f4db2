// `ipam collect --once | --daemon`: headless collection for cron or a service. --once collects every
// (or one) server now and exits; --daemon keeps the schedule until SIGINT/SIGTERM. Only one collector
// runs per store: both refuse while another live collector holds the lock.
import { plainCommand, str, intOption } from './noun.js';
import { withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { renderRows } from './output.js';
import type { Column } from '../resources/column.js';
import { acquireLock, lockHolderId, lockInfo, releaseLock } from '../../store/tasks.js';
import { runPass, type ServerOutcome } from '../workers/scheduler.js';
import { runDaemon } from '../workers/daemon.js';
import { TASK_KINDS } from '../../store/tasks.js';

const columns: Column<ServerOutcome>[] = [
	{ key: 'server', header: 'SERVER', width: 'flex', value: r => r.server },
	{ key: 'tasks', header: 'TASKS', width: 12, value: r => r.tasks.join('+') },
	{ key: 'ok', header: 'OK', width: 3, value: r => r.ok, text: r => (r.ok ? 'yes' : 'NO') },
	{ key: 'scopes', header: 'SCOPES', width: 6, align: 'right', value: r => r.result?.scopes ?? null },
	{ key: 'leases', header: 'LEASES', width: 7, align: 'right', value: r => r.result?.leases ?? null },
	{ key: 'events', header: 'EVENTS', width: 7, align: 'right', value: r => r.result?.leaseEvents ?? null },
	{ key: 'logons', header: 'LOGONS', width: 6, align: 'right', value: r => r.logons?.inserted ?? null },
	{ key: 'rejected', header: 'REJECTED', width: 8, align: 'right', value: r => r.result?.rejected.length ?? null },
	{ key: 'ms', header: 'MS', width: 6, align: 'right', value: r => r.durationMs },
	{ key: 'error', header: 'ERROR', width: 'flex', value: r => r.error ?? r.result?.rejected[0]?.message ?? r.logons?.problems[0] ?? '' },
];

const HEARTBEAT_S = 30;

export const collectCommand = plainCommand('collect', 'collect from DHCP servers now (--once) or on schedule (--daemon)', {
	summary: 'collect from DHCP servers',
	usage: `--once [--server NAME] [--task KIND]… [--timeout SECONDS] [--json|--csv]
       ipam collect --daemon [--timeout SECONDS]

  --once            collect every enabled server now (all its tasks), then exit: 0 when all succeeded, 1 otherwise
  --server NAME     only this server
  --task KIND       only these tasks (${Object.keys(TASK_KINDS).join(', ')})
  --daemon          run the schedule until interrupted (see \`ipam task list\`); log lines go to standard error
  --timeout SECONDS per-server deadline for one collection (default 120)

Only one collector runs per store: while another one (a TUI session or a daemon) holds the collector lock,
this command says so and exits 1.`,
	options: {
		once: { type: 'boolean' },
		daemon: { type: 'boolean' },
		server: { type: 'string' },
		task: { type: 'string', multiple: true },
		timeout: { type: 'string' },
		json: { type: 'boolean' },
		csv: { type: 'boolean' },
	},
	run: (ctx, { values, format }) => {
		if (!values.once === !values.daemon) throw new CommandError('say --once or --daemon', EXIT.usage);
		const timeoutS = intOption(values.timeout, '--timeout', 1, 86_400);
		const timeoutMs = timeoutS ? timeoutS * 1000 : undefined;
		const log = (line: string) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`);
		return withStore(
			ctx,
			async store => {
				if (values.daemon) {
					const stop = new AbortController();
					const onSignal = () => stop.abort();
					process.once('SIGINT', onSignal);
					process.once('SIGTERM', onSignal);
					try {
						await runDaemon(store, {
							env: ctx.env,
							timeoutMs,
							signal: stop.signal,
							heartbeatS: HEARTBEAT_S,
							log,
							onLock: (held, other) =>
								log(held ? 'holding the collector lock' : `another collector holds the lock (${other ? `${other.hostname} pid ${other.pid}` : 'unknown'}); waiting`),
						});
					} finally {
						process.off('SIGINT', onSignal);
						process.off('SIGTERM', onSignal);
					}
					return EXIT.ok;
				}
				const holder = lockHolderId();
				const now = Math.floor(Date.now() / 1000);
				if (!(await acquireLock(store, holder, now, 3 * HEARTBEAT_S))) {
					const other = await lockInfo(store);
					throw new CommandError(
						`another collector is running on this store (${other?.hostname} pid ${other?.pid}, last heartbeat ${other ? now - other.heartbeat_at : '?'} s ago); not collecting`,
						EXIT.failure,
					);
				}
				try {
					const kinds = values.task as string[] | undefined;
					for (const k of kinds ?? []) if (!TASK_KINDS[k]) throw new CommandError(`task "${k}" is not one of ${Object.keys(TASK_KINDS).join(', ')}`, EXIT.usage);
					const result = await runPass(store, { env: ctx.env, timeoutMs }, { all: true, server: str(values.server), kinds });
					if (result.servers.length === 0 && format === 'table') ctx.stderr.write('no enabled servers to collect from: add one with `ipam server add`\n');
					ctx.stdout.write(renderRows(result.servers, columns, format));
					for (const t of result.tasks) ctx.stderr.write(`${t.task}: ${t.ok ? t.detail : `failed: ${t.error}`}\n`);
					return result.servers.every(s => s.ok) && result.tasks.every(t => t.ok) ? EXIT.ok : EXIT.failure;
				} finally {
					await releaseLock(store, holder);
				}
			},
			{ cacheMiB: 256 },
		);
	},
});
