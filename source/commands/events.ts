// `ipam events`: lease, logon and configuration-change events and the audit trail, newest first, with before/after diffs.
import type { Command } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { outputFormat, renderRows } from './output.js';
import { EVENT_KINDS, EventFilterError, listEvents, type EventKind } from '../../store/events.js';
import { eventColumns, eventTableColumns } from '../resources/events.js';
import { parseWindow, TimeError } from '../domain/time.js';
import { renderDiff } from '../domain/diff.js';
import { sanitize } from '../domain/sanitize.js';

const usage = `Usage: ipam events [--kind lease|logon|config|audit]… [--server NAME] [--match TEXT] [--from TIME] [--to TIME]
                   [--limit N] [--diff] [--json|--csv]

Lists events newest first. --kind may repeat or take a comma list; --server keeps one DHCP server's
lease/logon/config events (the audit trail has no server). --match narrows to an address, a MAC, a
user, a host-name prefix, or text in a config object key or audit summary. --diff prints the before/after difference under
each configuration-change and audit event. TIME as for \`ipam track\` ("yesterday 14:00", "2h ago", ISO).`;

export const eventsCommand: Command = {
	name: 'events',
	summary: 'list lease, logon, config-change and audit events',
	async run(ctx) {
		const { values } = parseOptions(
			ctx.args,
			{
				kind: { type: 'string', multiple: true },
				server: { type: 'string' },
				match: { type: 'string' },
				from: { type: 'string' },
				to: { type: 'string' },
				limit: { type: 'string' },
				diff: { type: 'boolean' },
				json: { type: 'boolean' },
				csv: { type: 'boolean' },
			},
			usage,
		);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		const kinds = (values.kind ?? []).flatMap(k => k.split(',')).map(k => k.trim()).filter(Boolean);
		for (const k of kinds) if (!EVENT_KINDS.includes(k as EventKind)) throw new CommandError(`--kind "${k}" is not one of ${EVENT_KINDS.join(', ')}`, EXIT.usage);
		const limit = values.limit === undefined ? 100 : Number(values.limit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new CommandError(`--limit "${values.limit}" is not a number from 1 to 1000000`, EXIT.usage);
		let window;
		try {
			window = parseWindow({ from: values.from, to: values.to });
		} catch (err) {
			if (err instanceof TimeError) throw new CommandError(err.message, EXIT.invalid);
			throw err;
		}
		const rows = await withStore(
			ctx,
			async store => {
				try {
					return await listEvents(store, { kinds: kinds as EventKind[], server: values.server, match: values.match, from: window.from, to: window.to }, { limit });
				} catch (err) {
					if (err instanceof EventFilterError) throw new CommandError(err.message, EXIT.notFound);
					throw err;
				}
			},
			{ readonly: true },
		);
		const format = outputFormat(values);
		if (format !== 'table') {
			ctx.stdout.write(renderRows(rows, eventColumns, format));
			return EXIT.ok;
		}
		if (!values.diff) {
			ctx.stdout.write(rows.length ? renderRows(rows, eventTableColumns, 'table') : 'no events\n');
			return EXIT.ok;
		}
		// With --diff: each row, then its changes indented.
		const lines = renderRows(rows, eventTableColumns, 'table').trimEnd().split('\n');
		let out = lines[0] + '\n';
		rows.forEach((row, i) => {
			out += lines[i + 1] + '\n';
			if (row.before !== null || row.after !== null) for (const d of renderDiff(row.before, row.after)) out += `    ${sanitize(d)}\n`;
		});
		ctx.stdout.write(out);
		return EXIT.ok;
	},
};
