// The leases pane: current DHCP leases with client, host name, state and expiry, in address order.
import type { PaneSpec } from './pane-spec.js';
import { addressIn, argumentSpan } from './conditions.js';
import { singleAddress } from './conditions.js';
import { age, ipText } from './format.js';

const STATE_COLOR: Record<string, string> = { active: 'green', expired: 'gray', released: 'gray', declined: 'red', offered: 'yellow', reserved: 'cyan' };
/** What a typed text may also mean: a lease state. */
const STATES = new Set(['active', 'expired', 'released', 'declined', 'offered', 'reserved', 'free', 'abandoned', 'backup']);
/** Up to this many matching host names, a text filter reads leases by host (measured: 10 hosts 1 ms, 100 hosts 5 ms). */
const FEW_HOSTS = 300;

export const leasesPane: PaneSpec = {
	id: 'leases',
	title: 'Leases',
	aliases: ['lease', 'l'],
	source: {
		select: `l.space_id, l.ip, l.source, l.family, l.server_id, l.range_id, l.state, l.lease_type, l.prefix_len, l.starts, l.ends, l.cltt,
			l.collected_at, c.mac, c.client_id, c.duid, c.vendor_class, h.name AS hostname, s.name AS server`,
		from: 'lease l LEFT JOIN client c ON c.id = l.client_ref LEFT JOIN host h ON h.id = l.host_ref LEFT JOIN server s ON s.id = l.server_id',
		key: ['l.space_id', 'l.ip', 'l.source'],
	},
	defaultSort: { column: 'ip', descending: false },
	columns: [
		{ key: 'ip', header: 'IP', width: 18, value: r => ipText(r.ip), sortSql: 'l.space_id', sortKeys: ['l.space_id', 'l.ip'] },
		{ key: 'mac', header: 'MAC / CLIENT', width: 17, value: r => (r.mac ?? r.client_id ?? r.duid ?? '') as string, sortSql: "coalesce(c.mac, c.client_id, c.duid, '')" },
		{ key: 'hostname', header: 'HOSTNAME', width: 'flex', value: r => (r.hostname as string | null) ?? '', sortSql: "coalesce(h.name_lc, '')" },
		{ key: 'state', header: 'STATE', width: 8, value: r => r.state as string, color: r => STATE_COLOR[String(r.state)], sortSql: 'l.state' },
		{ key: 'ends', header: 'EXPIRES', width: 11, value: r => (r.ends as number | null) ?? null, text: r => (r.ends == null ? 'never' : age(r.ends)), sortSql: 'coalesce(l.ends, 9e18)' },
		{ key: 'server', header: 'SERVER', width: 12, value: r => (r.server as string | null) ?? '', sortSql: "coalesce(s.name, '')" },
		{ key: 'vendor', header: 'VENDOR CLASS', width: 14, value: r => (r.vendor_class as string | null) ?? '', sortSql: "coalesce(c.vendor_class, '')" },
	],
	filter(term) {
		if (term.kind === 'span') return [addressIn('l.family', 'l.ip', term.span)];
		if (term.kind === 'mac') return [{ sql: 'l.client_ref IN (SELECT id FROM client WHERE mac = ?)', params: [term.mac] }];
		if (term.kind === 'mac-prefix') return [{ sql: 'l.client_ref IN (SELECT id FROM client WHERE mac >= ? AND mac < ?)', params: [term.prefix, term.prefix + ';'] }];
		const t = term.text.toLowerCase();
		return [{ sql: 'l.host_ref IN (SELECT id FROM host WHERE instr(name_lc, ?) > 0) OR l.state = ?', params: [t, t] }];
	},
	async planFilter(store, term) {
		if (term.kind !== 'text') return this.filter(term);
		const t = term.text.toLowerCase();
		const state = STATES.has(t) ? { sql: ' OR l.state = ?', params: [t] } : { sql: '', params: [] };
		// A text in few host names: those hosts' leases through the host index, then sorted (a few rows).
		// In many: test each lease's host name in address order, which finds a screen's worth early.
		const hosts = await store.all<{ id: number }>('SELECT id FROM host WHERE instr(name_lc, ?) > 0 LIMIT ?', [t, FEW_HOSTS + 1]);
		if (hosts.length > FEW_HOSTS) return [{ sql: `instr(h.name_lc, ?) > 0${state.sql}`, params: [t, ...state.params] }];
		const ids = hosts.map(h => h.id);
		return [{ sql: `l.host_ref IN (${ids.map(() => '?').join(', ') || 'NULL'})${state.sql}`, params: [...ids, ...state.params] }];
	},
	argument(arg) {
		const span = argumentSpan(arg);
		return span ? { label: arg, where: [addressIn('l.family', 'l.ip', span)] } : null;
	},
	drill: r => ({
		pane: 'events',
		scope: { label: ipText(r.ip), where: [], term: singleAddress(r) },
	}),
	describe: r => ({ kind: 'lease', family: Number(r.family), start: r.ip as Uint8Array, end: r.ip as Uint8Array, row: r }),
	copyValue: r => ipText(r.ip),
	trackTerm: r => ipText(r.ip),
};
