// Tracking by user: a user's logon sessions (host, address, from–to) and the device that held each address then.
import type { Store } from './database.js';
import { formatKey } from '../source/domain/ip.js';
import type { Holding } from '../source/domain/timeline.js';
import { isLogoff } from '../source/domain/logon.js';
import type { TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackResult, TrackRow } from './tracking.js';
import { addressHoldings } from './tracking-address.js';
import { bounds } from './tracking-events.js';
import { rowsOf } from './tracking-rows.js';

interface UserLogon {
	ts: number;
	kind: number;
	name: string;
	host: string | null;
	ip: Buffer | null;
	logon_id: string | null;
}

export async function trackUser(store: Store, term: string, w: TimeWindow, o: TrackOptions = {}): Promise<TrackResult> {
	const t = term.trim();
	let bare = t.toLowerCase();
	let domain = '';
	if (t.includes('\\')) [domain, bare] = [t.split('\\')[0].toUpperCase(), t.split('\\').slice(1).join('\\').toLowerCase()];
	else if (t.includes('@')) [bare, domain] = [t.split('@')[0].toLowerCase(), t.split('@')[1].split('.')[0].toUpperCase()];
	const users = await store.all<{ id: number; name: string }>(
		`SELECT id, name FROM user_account WHERE name_lc = ? ${domain ? 'AND domain = ?' : ''} LIMIT 20`,
		domain ? [bare, domain] : [bare],
	);
	if (users.length === 0) return { kind: 'user', term, subject: '', window: w, rows: [], notes: [`no logon was ever seen for user "${term}"`], truncated: false };
	const [from, to] = bounds(w);
	const cap = 5000;
	const logons: UserLogon[] = [];
	for (const u of users) {
		// At a point: the logons of the day before it (who was on then); in a window: the window.
		const lo = w.at !== undefined ? w.at - 86400 : from;
		logons.push(
			...(await store.all<UserLogon>(
				`SELECT l.ts, l.kind, ?4 AS name, h.name AS host, l.ip, l.logon_id FROM logon_event l LEFT JOIN host h ON h.id = l.host_ref
				 WHERE l.user_ref = ?1 AND l.ts BETWEEN ?2 AND ?3 ORDER BY l.ts LIMIT ${cap + 1}`,
				[u.id, lo, to, u.name],
			)),
		);
	}
	const truncated = logons.length > cap;
	logons.sort((a, b) => a.ts - b.ts);
	const sessions = userSessions(logons, w).slice(-(o.maxAddresses ?? 100));
	// The device behind each address at logon time: the holding of that address then — one read for all sessions.
	const withIp = sessions.filter(s => s.ip !== null);
	const { holdings } = await addressHoldings(store, withIp.map(s => ({ key: s.ip!, w: { from: s.from, to: s.from, at: s.from } })), o);
	const leaseRows = await rowsOf(store, holdings.map(list => list.at(-1)).filter((h): h is Holding => h !== undefined));
	const leaseOf = new Map<Session, TrackRow>();
	let next = 0;
	holdings.forEach((list, i) => {
		if (list.length > 0) leaseOf.set(withIp[i], leaseRows[next++]);
	});
	const rows: TrackRow[] = sessions.map(s => {
		const row: TrackRow = {
			ip: s.ip ? formatKey(s.ip) : '',
			family: s.ip && s.ip.length === 16 ? 6 : 4,
			from: s.from,
			to: s.to,
			fromExact: true,
			toExact: true,
			end: s.loggedOff ? 'logoff' : 'seen',
			mac: null,
			clientId: null,
			duid: null,
			host: s.host,
			users: [s.user],
			userVia: 'user',
			servers: [],
			events: s.events,
			duplicates: 0,
			missing: [],
		};
		const lease = leaseOf.get(s);
		if (lease) {
			row.mac = lease.mac;
			row.clientId = lease.clientId;
			row.duid = lease.duid;
			row.host ??= lease.host;
			row.servers = lease.servers;
		} else if (s.ip) row.missing.push('no lease held this address at logon time (static address, or not collected)');
		else row.missing.push('the logon events carry no address');
		if (!row.host) row.missing.push('the logon events carry no workstation name');
		return row;
	});
	const notes = rows.length === 0 ? ['no logon by this user in the window'] : [];
	if (truncated) notes.push(`more than ${cap} logons in the window: only the first were read; narrow the window`);
	return { kind: 'user', term, subject: users.map(u => u.name).join(', '), window: w, rows, notes, truncated };
}

interface Session {
	user: string;
	host: string | null;
	ip: Buffer | null;
	from: number;
	to: number | null;
	loggedOff: boolean;
	events: number;
}

/** Groups a user's logons into one row per (host, address) run; a logoff closes the run. */
function userSessions(logons: UserLogon[], w: TimeWindow): Session[] {
	const open = new Map<string, Session>();
	const done: Session[] = [];
	const byLogonId = new Map<string, string>();
	for (const l of logons) {
		const ipHex = l.ip ? Buffer.from(l.ip).toString('hex') : '';
		let key = `${l.name}|${(l.host ?? '').toLowerCase()}|${ipHex}`;
		if (isLogoff(l.kind)) {
			// 4634/4647 carry no address: find the session by logon id, else by host.
			const k = (l.logon_id && byLogonId.get(l.logon_id)) || [...open.keys()].find(k => k.startsWith(`${l.name}|${(l.host ?? '').toLowerCase()}|`)) || [...open.keys()].find(k => k.startsWith(`${l.name}|`));
			const s = k ? open.get(k) : undefined;
			if (s) {
				s.to = l.ts;
				s.loggedOff = true;
				s.events++;
				done.push(s);
				open.delete(k!);
			}
			continue;
		}
		if (!l.host && !l.ip) continue;
		let s = open.get(key);
		if (!s) {
			s = { user: l.name, host: l.host, ip: l.ip ? Buffer.from(l.ip) : null, from: l.ts, to: l.ts, loggedOff: false, events: 0 };
			open.set(key, s);
		}
		s.to = l.ts;
		s.events++;
		if (l.logon_id) byLogonId.set(l.logon_id, key);
		key = '';
	}
	done.push(...open.values());
	const inside = done.filter(s => (w.at !== undefined ? s.from <= w.at && (!s.loggedOff || (s.to ?? 0) >= w.at) : true));
	return inside.sort((a, b) => a.from - b.from);
}
