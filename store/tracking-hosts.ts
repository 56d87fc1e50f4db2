// Tracking by host name (exact, prefix, substring): the holdings that carried the names.
import type { Store } from './database.js';
import type { TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackResult } from './tracking.js';
import { holdingsOfClients } from './tracking-clients.js';
import { finish } from './tracking-rows.js';

/** Host names matching: "name" exact (else as a prefix), "name*" prefix, "*part*" substring; case-insensitive. */
export async function matchHosts(store: Store, term: string, cap: number): Promise<{ hosts: { id: number; name: string }[]; capped: boolean; mode: string }> {
	const t = term.trim().toLowerCase();
	const run = (sql: string, params: unknown[]) => store.all<{ id: number; name: string }>(`${sql} ORDER BY name_lc LIMIT ${cap + 1}`, params as never);
	let mode = 'exact';
	let hosts: { id: number; name: string }[] = [];
	if (t.startsWith('*') && t.endsWith('*') && t.length > 2) {
		mode = 'substring';
		hosts = await run(`SELECT id, name FROM host WHERE instr(name_lc, ?) > 0`, [t.slice(1, -1)]);
	} else {
		const bare = t.replace(/\*$/, '');
		if (!t.endsWith('*')) hosts = await run(`SELECT id, name FROM host WHERE name_lc = ?`, [bare]);
		if (hosts.length === 0) {
			mode = 'prefix';
			hosts = await run(`SELECT id, name FROM host WHERE name_lc >= ? AND name_lc < ?`, [bare, bare + '\u{10ffff}']);
		}
	}
	return { hosts: hosts.slice(0, cap), capped: hosts.length > cap, mode };
}

export async function trackHost(store: Store, term: string, w: TimeWindow, o: TrackOptions = {}): Promise<TrackResult> {
	const { hosts, capped: hostsCapped, mode } = await matchHosts(store, term, o.maxHosts ?? 50);
	const subject = hosts.map(h => h.name).join(', ');
	const notes: string[] = [];
	if (hosts.length === 0) return { kind: 'host', term, subject: '', window: w, rows: [], notes: [`no host name matches "${term}"`], truncated: false };
	if (mode !== 'exact') notes.push(`${hosts.length}${hostsCapped ? '+' : ''} host name(s) match "${term}" by ${mode}`);
	const hostIds = new Set(hosts.map(h => h.id));
	// The clients that carried these names around the window, each read as its MAC would be.
	const { holdings, capped } = await holdingsOfClients(store, { hostIds: [...hostIds] }, w, o);
	// A client may have used other names on other addresses: keep the holdings that carried one of these names.
	const mine = holdings.filter(h => h.hostRef === null || hostIds.has(h.hostRef));
	const rows = await finish(store, mine, w, o);
	if (rows.length === 0) notes.push('no lease carried this host name in the window (logons by host: ipam track USER)');
	if (capped || hostsCapped) notes.push('more matched than was read: narrow the term or the window');
	return { kind: 'host', term, subject, window: w, rows, notes, truncated: capped || hostsCapped };
}
