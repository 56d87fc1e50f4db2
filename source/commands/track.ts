// `ipam track <ip|mac|host|user>`: who had an address, which addresses a device had, where a host or user was — when.
import type { Command } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { outputFormat, renderRows } from './output.js';
import { track, type TrackKind, type TrackResult } from '../../store/tracking.js';
import { describeWindow, formatTime, parseWindow, TimeError } from '../domain/time.js';
import { clientText, trackColumns } from '../resources/events.js';
import { sanitize } from '../domain/sanitize.js';
import { AddressError } from '../domain/ip.js';

const usage = `Usage: ipam track TERM [--at TIME | --from TIME --to TIME] [--kind ip|mac|host|user] [--json|--csv]

Answers "who had 10.1.2.34 at 14:23 yesterday?" from the lease and logon history of every server.
TERM is an IPv4/IPv6 address, a MAC / client id / DUID (any notation), a host name (exact; "pc-1*" prefix;
"*lab*" substring) or a user (alice, CORP\\alice, alice@corp.example). --kind overrides the guess.
TIME: ISO (2026-11-24 14:23), "yesterday 14:23", "today 9:00", "2h ago", "3 days ago", "last monday", epoch seconds.

Prints the timeline: each holding with from–to, address, MAC, host, the users seen, the reporting servers,
and what could not be linked. Exit 4 when nothing is found.`;

const KINDS = new Set<TrackKind>(['ip', 'mac', 'host', 'user']);

export const trackCommand: Command = {
	name: 'track',
	summary: 'who had an IP, MAC, host or user, and when',
	async run(ctx) {
		const { values, positionals } = parseOptions(
			ctx.args,
			{
				at: { type: 'string' },
				from: { type: 'string' },
				to: { type: 'string' },
				kind: { type: 'string' },
				json: { type: 'boolean' },
				csv: { type: 'boolean' },
			},
			usage,
		);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		const term = positionals.join(' ').trim();
		if (!term) throw new CommandError(`what to track is missing\n\n${usage}`, EXIT.usage);
		if (values.kind !== undefined && !KINDS.has(values.kind as TrackKind)) {
			throw new CommandError(`--kind "${values.kind}" is not one of ip, mac, host, user`, EXIT.usage);
		}
		let window;
		try {
			window = parseWindow({ at: values.at, from: values.from, to: values.to });
		} catch (err) {
			if (err instanceof TimeError) throw new CommandError(err.message, EXIT.invalid);
			throw err;
		}
		const result = await withStore(
			ctx,
			async store => {
				try {
					return await track(store, { term, kind: values.kind as TrackKind | undefined, window });
				} catch (err) {
					if (err instanceof AddressError || (err as Error).name === 'ClientIdError' || /is not a MAC/.test((err as Error).message)) {
						throw new CommandError((err as Error).message, EXIT.invalid);
					}
					throw err;
				}
			},
			{ readonly: true },
		);
		const format = outputFormat(values);
		if (format === 'json') ctx.stdout.write(JSON.stringify(jsonResult(result), null, 2) + '\n');
		else if (format === 'csv') ctx.stdout.write(renderRows(result.rows, trackColumns, 'csv'));
		else ctx.stdout.write(readable(result));
		return result.rows.length === 0 ? EXIT.notFound : EXIT.ok;
	},
};

function jsonResult(r: TrackResult) {
	const iso = (ts: number | null) => (ts === null ? null : new Date(ts * 1000).toISOString());
	return {
		kind: r.kind,
		term: r.term,
		subject: r.subject,
		window: { from: iso(r.window.from), to: iso(r.window.to), at: r.window.at === undefined ? null : iso(r.window.at) },
		rows: r.rows.map(row => ({ ...row, from: iso(row.from), to: iso(row.to), fromTs: row.from, toTs: row.to })),
		notes: r.notes,
		truncated: r.truncated,
	};
}

/** The one-line answer to "who had X at T" before the table. */
function answer(r: TrackResult): string {
	if (r.window.at === undefined || r.rows.length === 0) return '';
	const when = formatTime(r.window.at);
	if (r.kind === 'ip') {
		return r.rows
			.map(row => {
				const who = [clientText(row) || 'an unknown client', row.host ? `(${row.host})` : ''].filter(Boolean).join(' ');
				const user = row.users.length ? `, user ${row.users.join(', ')}` : ', no user seen';
				return `At ${when}, ${row.ip} was held by ${who}${user}.`;
			})
			.join('\n') + '\n\n';
	}
	return `At ${when}: ${r.rows.length} match${r.rows.length === 1 ? '' : 'es'}.\n\n`;
}

function readable(r: TrackResult): string {
	const head = `${r.kind} ${r.subject || r.term} — ${describeWindow(r.window)}: ${r.rows.length} ${r.kind === 'user' ? 'session' : 'holding'}${r.rows.length === 1 ? '' : 's'}`;
	let out = sanitize(head) + '\n\n';
	if (r.rows.length > 0) out += answer(r).replace(/[^\n]+/g, line => sanitize(line)) + renderRows(r.rows, trackColumns, 'table');
	const missing = r.rows.flatMap(row => row.missing.map(m => `  ${row.ip || row.host || ''} ${formatTime(row.from)}: ${m}`));
	if (missing.length > 0) out += '\nNot linked:\n' + missing.map(sanitize).join('\n') + '\n';
	if (r.notes.length > 0) out += '\n' + r.notes.map(n => sanitize(`note: ${n}`)).join('\n') + '\n';
	return out;
}
