// Column spec for current leases (CLI lists; the TUI's leases pane may reuse it).
import type { Column } from './column.js';
import { formatKey } from '../domain/ip.js';

export interface LeaseListRow {
	ip: Buffer;
	state: string;
	mac: string | null;
	client_id: string | null;
	duid: string | null;
	hostname: string | null;
	server: string | null;
	starts: number | null;
	ends: number | null;
	lease_type: string;
	prefix_len: number | null;
}

function when(t: number | null | undefined): string {
	return t == null ? '' : new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

export const leaseColumns: Column<LeaseListRow>[] = [
	{ key: 'ip', header: 'IP', width: 18, value: r => formatKey(r.ip) + (r.lease_type === 'pd' && r.prefix_len != null ? `/${r.prefix_len}` : ''), sortSql: 'l.ip' },
	{ key: 'client', header: 'MAC / CLIENT', width: 17, value: r => r.mac ?? r.client_id ?? r.duid ?? '' },
	{ key: 'hostname', header: 'HOSTNAME', width: 'flex', value: r => r.hostname ?? '' },
	{ key: 'state', header: 'STATE', width: 8, value: r => r.state },
	{ key: 'starts', header: 'STARTS', width: 20, value: r => r.starts, text: r => when(r.starts) },
	{ key: 'ends', header: 'ENDS', width: 20, value: r => r.ends, text: r => (r.ends == null ? 'never' : when(r.ends)) },
	{ key: 'server', header: 'SERVER', width: 12, value: r => r.server ?? '' },
];
