// Column specs for the event list (lease, logon, config, audit) and the tracking timeline, shared by the CLI and the TUI.
import type { Column } from './column.js';
import type { EventRow } from '../../store/events.js';
import type { TrackRow } from '../../store/tracking.js';
import { formatTime } from '../domain/time.js';
import { diffValues, parseStoredJson, summariseDiff } from '../domain/diff.js';

const iso = (ts: number | null) => (ts === null ? null : new Date(ts * 1000).toISOString());

export const eventColumns: Column<EventRow>[] = [
	{ key: 'time', header: 'TIME', width: 19, value: r => iso(r.ts), text: r => formatTime(r.ts), sortSql: 'ts' },
	{ key: 'kind', header: 'KIND', width: 6, value: r => r.kind },
	{ key: 'action', header: 'ACTION', width: 14, value: r => r.action },
	{ key: 'server', header: 'SERVER', width: 10, value: r => r.server },
	{ key: 'subject', header: 'SUBJECT', width: 'flex', value: r => r.subject },
	{ key: 'who', header: 'WHO', width: 17, value: r => r.who },
	{
		key: 'detail',
		header: 'DETAIL',
		width: 'flex',
		value: r => r.detail,
		// Config and audit rows without a summary say what changed.
		text: r => r.detail || (r.before !== null || r.after !== null ? summariseDiff(diffValues(parseStoredJson(r.before), parseStoredJson(r.after))) : ''),
	},
	{ key: 'before', header: 'BEFORE', width: 0, value: r => r.before },
	{ key: 'after', header: 'AFTER', width: 0, value: r => r.after },
];

/** The columns shown in a table (before/after JSON only in --json/--csv and the diff view). */
export const eventTableColumns = eventColumns.filter(c => c.key !== 'before' && c.key !== 'after');

/** A client as one string: the MAC when known, else the client id or DUID. */
export function clientText(r: TrackRow): string {
	return r.mac ?? r.clientId ?? (r.duid ? `duid ${r.duid}` : '');
}

function untilText(r: TrackRow): string {
	if (r.to === null) return 'still held';
	const t = `${r.toExact === false ? '≥ ' : ''}${formatTime(r.to)}`;
	return r.end === 'held' ? `${t} (lease end, held)` : t;
}

export const trackColumns: Column<TrackRow>[] = [
	{ key: 'from', header: 'FROM', width: 21, value: r => iso(r.from), text: r => `${r.fromExact ? '' : '≤ '}${formatTime(r.from)}` },
	{ key: 'to', header: 'TO', width: 21, value: r => iso(r.to), text: untilText },
	{ key: 'end', header: 'END', width: 11, value: r => r.end },
	{ key: 'ip', header: 'IP', width: 15, value: r => r.ip },
	{ key: 'mac', header: 'MAC / CLIENT', width: 17, value: r => clientText(r) || null },
	{ key: 'host', header: 'HOST', width: 'flex', value: r => r.host },
	{ key: 'users', header: 'USER', width: 'flex', value: r => r.users.join(' '), text: r => (r.users.length ? r.users.join(', ') : '—') },
	{ key: 'servers', header: 'SERVER', width: 10, value: r => r.servers.join(' '), text: r => r.servers.join(', ') },
	{ key: 'events', header: 'EVENTS', width: 6, align: 'right', value: r => r.events, text: r => (r.duplicates ? `${r.events}+${r.duplicates}` : String(r.events)) },
];
