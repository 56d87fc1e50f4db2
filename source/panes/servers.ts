// The servers pane: DHCP servers with status, version and how fresh their collected data is.
import type { PaneSpec, Row } from './pane-spec.js';
import { textMatches } from './conditions.js';
import { age } from './format.js';

/** Stale when the last collection is older than twice the server's shortest task interval, or it is down. */
export function isStale(r: Row, now = Date.now() / 1000): boolean {
	if (r.status === 'down') return true;
	if (r.collected_at == null) return true;
	const interval = Number(r.interval_s) || 300;
	return now - Number(r.collected_at) > 2 * interval;
}

export const serversPane: PaneSpec = {
	id: 'servers',
	title: 'Servers',
	aliases: ['server', 'srv', 's'],
	source: {
		select: `sv.id, sv.name, sv.kind, sv.address, sv.status, sv.status_message, sv.version, sv.collected_at, sv.last_seen_at, sv.ha_group,
			sv.description, (SELECT min(interval_s) FROM task t WHERE t.server_id = sv.id AND t.enabled) AS interval_s,
			(SELECT count(*) FROM range r WHERE r.server_id = sv.id) AS scopes`,
		from: 'server sv',
		key: ['sv.id'],
	},
	defaultSort: { column: 'name', descending: false },
	columns: [
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name as string, sortSql: 'sv.name' },
		{ key: 'kind', header: 'KIND', width: 8, value: r => r.kind as string, sortSql: 'sv.kind' },
		{ key: 'address', header: 'ADDRESS', width: 16, value: r => r.address as string, sortSql: 'sv.address' },
		{
			key: 'status',
			header: 'STATUS',
			width: 9,
			value: r => r.status as string,
			color: r => (r.status === 'ok' ? 'green' : r.status === 'down' ? 'red' : 'yellow'),
			sortSql: 'sv.status',
		},
		{ key: 'collected', header: 'COLLECTED', width: 16, value: r => (r.collected_at as number | null) ?? null, text: r => (r.collected_at == null ? 'never' : age(r.collected_at)) + (isStale(r) ? ' STALE' : ''), color: r => (isStale(r) ? 'red' : undefined), sortSql: 'coalesce(sv.collected_at, 0)' },
		{ key: 'scopes', header: 'SCOPES', width: 6, align: 'right', value: r => Number(r.scopes), sortSql: '(SELECT count(*) FROM range r WHERE r.server_id = sv.id)' },
		{ key: 'version', header: 'VERSION', width: 10, value: r => r.version as string, sortSql: 'sv.version' },
		{ key: 'message', header: 'MESSAGE', width: 'flex', value: r => r.status_message as string, sortSql: 'sv.status_message' },
	],
	filter(term) {
		return [textMatches(['sv.name', 'sv.kind', 'sv.address', 'sv.status'], term.text)];
	},
	drill: r => ({
		pane: 'ranges',
		scope: { label: String(r.name), where: [{ sql: 'r.server_id = ?', params: [Number(r.id)] }] },
	}),
	describe: r => ({ kind: 'server', id: Number(r.id), row: r }),
	copyValue: r => String(r.address || r.name),
};
