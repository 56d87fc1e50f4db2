// `ipam task list|set`: the collection tasks, their intervals and last/next run.
import { nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS } from './noun.js';
import { withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { renderRows } from './output.js';
import { taskColumns, intervalText } from '../resources/servers.js';
import { requireServer } from '../../store/servers.js';
import { ensureTasks, listTasks, parseInterval, setTask, TASK_KINDS } from '../../store/tasks.js';

const KINDS_HELP = Object.entries(TASK_KINDS)
	.map(([k, s]) => `  ${k.padEnd(13)} every ${intervalText(s.interval).padEnd(4)} ${s.parts ? '' : '(store-wide) '}${s.summary}`)
	.join('\n');

export const taskCommand = nounCommand('task', 'collection tasks: intervals, last and next run, last error', {
	list: {
		summary: 'list tasks (all, or one server’s)',
		usage: `[SERVER]\n\n${OUTPUT_HELP}\n\nTasks:\n${KINDS_HELP}`,
		options: { ...OUTPUT_OPTIONS },
		run: (ctx, { positionals, format }) =>
			withStore(ctx, async store => {
				await ensureTasks(store);
				const serverId = positionals[0] ? (await requireServer(store, positionals[0])).id : undefined;
				ctx.stdout.write(renderRows(await listTasks(store, serverId), taskColumns, format));
				return EXIT.ok;
			}),
	},
	set: {
		summary: 'change a task: --interval 10m, --disable, --enable, --now (run at the next pass)',
		usage: `[SERVER] KIND [--interval DURATION] [--disable | --enable] [--now]\n\nStore-wide tasks (expiry, purge) take no SERVER. DURATION: 90s, 10m, 6h, 1d.\n\nTasks:\n${KINDS_HELP}`,
		options: { interval: { type: 'string' }, disable: { type: 'boolean' }, enable: { type: 'boolean' }, now: { type: 'boolean' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const [a, b] = positionals;
				const kind = b ?? a;
				const server = b ? await requireServer(store, a) : null;
				if (values.disable && values.enable) throw new CommandError('--disable and --enable contradict each other', EXIT.usage);
				const interval = str(values.interval);
				const t = await setTask(store, server?.id ?? null, kind, {
					intervalS: interval ? parseInterval(interval) : undefined,
					enabled: values.disable ? false : values.enable ? true : undefined,
					runNow: !!values.now,
				});
				ctx.stdout.write(`${t.server ?? 'store'} ${t.kind}: every ${intervalText(t.interval_s)}, ${t.enabled ? 'enabled' : 'disabled'}\n`);
				return EXIT.ok;
			}),
	},
});
