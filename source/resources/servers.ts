// Column specs for DHCP servers and their collection tasks (CLI lists; the TUI's servers pane may reuse them).
import type { Column } from './column.js';

export interface ServerListRow {
	id: number;
	name: string;
	kind: string;
	address: string;
	transport: string;
	ha_group: string | null;
	status: string;
	status_message: string;
	version: string;
	collected_at: number | null;
	enabled: number;
}

function when(t: number | null | undefined): string {
	return t == null ? '' : new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

export const serverColumns: Column<ServerListRow>[] = [
	{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name, sortSql: 'name' },
	{ key: 'kind', header: 'KIND', width: 8, value: r => r.kind, sortSql: 'kind' },
	{ key: 'address', header: 'ADDRESS', width: 16, value: r => r.address, sortSql: 'address' },
	{ key: 'transport', header: 'VIA', width: 10, value: r => r.transport, sortSql: 'transport' },
	{ key: 'ha_group', header: 'HA', width: 8, value: r => r.ha_group ?? '' },
	{ key: 'enabled', header: 'ON', width: 3, value: r => !!r.enabled, text: r => (r.enabled ? 'yes' : 'no') },
	{ key: 'status', header: 'STATUS', width: 9, value: r => r.status, sortSql: 'status' },
	{ key: 'collected_at', header: 'COLLECTED', width: 20, value: r => r.collected_at, text: r => when(r.collected_at) || 'never', sortSql: 'coalesce(collected_at, 0)' },
	{ key: 'version', header: 'VERSION', width: 10, value: r => r.version },
	{ key: 'message', header: 'MESSAGE', width: 'flex', value: r => r.status_message },
];

export interface TaskListRow {
	id: number;
	server: string | null;
	kind: string;
	interval_s: number;
	enabled: number;
	last_run_at: number | null;
	next_run_at: number | null;
	last_duration_ms: number | null;
	last_error: string;
	consecutive_failures: number;
}

/** Seconds as the shortest of 90s / 15m / 6h / 1d. */
export function intervalText(s: number): string {
	if (s % 86_400 === 0) return `${s / 86_400}d`;
	if (s % 3600 === 0) return `${s / 3600}h`;
	if (s % 60 === 0) return `${s / 60}m`;
	return `${s}s`;
}

export const taskColumns: Column<TaskListRow>[] = [
	{ key: 'server', header: 'SERVER', width: 'flex', value: r => r.server ?? '(store)' },
	{ key: 'kind', header: 'TASK', width: 12, value: r => r.kind },
	{ key: 'interval_s', header: 'EVERY', width: 6, align: 'right', value: r => r.interval_s, text: r => intervalText(r.interval_s) },
	{ key: 'enabled', header: 'ON', width: 3, value: r => !!r.enabled, text: r => (r.enabled ? 'yes' : 'no') },
	{ key: 'last_run_at', header: 'LAST RUN', width: 20, value: r => r.last_run_at, text: r => when(r.last_run_at) || 'never' },
	{ key: 'next_run_at', header: 'NEXT RUN', width: 20, value: r => r.next_run_at, text: r => when(r.next_run_at) },
	{ key: 'last_duration_ms', header: 'MS', width: 6, align: 'right', value: r => r.last_duration_ms },
	{ key: 'consecutive_failures', header: 'FAILS', width: 5, align: 'right', value: r => r.consecutive_failures },
	{ key: 'last_error', header: 'LAST ERROR', width: 'flex', value: r => r.last_error },
];
