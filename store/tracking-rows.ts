// Holdings into rows: client ids, host and server names resolved, and the users linked to each holding through
// logons from its address or its host name (IP → MAC → host → user), with every missing link said in words.
import type { Store } from './database.js';
import { formatKey } from '../source/domain/ip.js';
import type { Holding } from '../source/domain/timeline.js';
import { isLogoff, shortHostName } from '../source/domain/logon.js';
import type { TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackRow } from './tracking.js';

interface ClientInfo {
	mac: string | null;
	client_id: string | null;
	duid: string | null;
}

interface LogonHit {
	ts: number;
	kind: number;
	name: string;
	user_ref: number;
	logon_id: string | null;
	host_ref: number | null;
	ip: Buffer | null;
}

/** Logoff events (4634/4647 carry neither address nor workstation) matching the logons' (user, logon id). */
async function logoffsOf(store: Store, hits: LogonHit[]): Promise<LogonHit[]> {
	const pairs = [...new Set(hits.filter(h => h.logon_id && !isLogoff(h.kind)).map(h => JSON.stringify([h.user_ref, h.logon_id])))];
	if (pairs.length === 0) return [];
	return store.all<LogonHit>(
		`SELECT l.ts, l.kind, u.name, l.user_ref, l.logon_id, l.host_ref, l.ip FROM json_each(?) p
		 JOIN logon_event l ON l.user_ref = p.value->>0 AND l.logon_id = p.value->>1 AND l.kind IN (2, 4634, 4647)
		 JOIN user_account u ON u.id = l.user_ref`,
		[`[${pairs.slice(0, 500).join(',')}]`],
	);
}

/** How long before a point in time a logon may still be open. */
const LOGON_LOOKBACK = 7 * 86400;

const LOGON_COLUMNS = 'l.id, l.ts, l.kind, u.name, l.user_ref, l.logon_id, l.host_ref, l.ip';

/**
 * The first 2,000 logons of each [address hex, from, to, n] (?1) and of each [short host name, from, to, n] (?2): on
 * a host of that name or that name with a domain. One statement text whatever the number of keys, so it is prepared
 * once; the correlated IN sub-selects keep each key on its index (ip, ts) or (host_ref, ts).
 */
const LOGONS = `SELECT k.value ->> 3 AS n, ${LOGON_COLUMNS} FROM json_each(?1) k CROSS JOIN logon_event l CROSS JOIN user_account u ON u.id = l.user_ref
	WHERE l.id IN (SELECT x.id FROM logon_event x WHERE x.ip = unhex(k.value ->> 0) AND x.ts BETWEEN k.value ->> 1 AND k.value ->> 2 ORDER BY x.ts LIMIT 2000)
	UNION ALL SELECT k.value ->> 3, ${LOGON_COLUMNS} FROM json_each(?2) k CROSS JOIN logon_event l CROSS JOIN user_account u ON u.id = l.user_ref
	WHERE l.id IN (SELECT x.id FROM logon_event x WHERE x.host_ref IN (SELECT id FROM host WHERE name_lc = k.value ->> 0
			OR (name_lc >= (k.value ->> 0) || '.' AND name_lc < (k.value ->> 0) || '/'))
		AND x.ts BETWEEN k.value ->> 1 AND k.value ->> 2 ORDER BY x.ts LIMIT 2000)
	ORDER BY 1, 3, 2`;

/**
 * Users linked to each holding: logons from its address while held (first choice), else logons on a host
 * with the same short name as the lease's host name. One round trip for all addresses and hosts, one for
 * the logoffs. Fills users/userVia/missing in place.
 */
async function correlateUsers(store: Store, rows: TrackRow[], holdings: Holding[], w: TimeWindow, now: number): Promise<void> {
	if (rows.length === 0) return;
	// Users in the part of each holding the question is about: up to a point (a logon up to a week before it may
	// still be open), or the window (with a day before it); never the whole multi-month holding.
	const span = (h: Holding): [number, number] => {
		const hi = h.to ?? now;
		if (w.at !== undefined) return [Math.max(h.from, w.at - LOGON_LOOKBACK), Math.min(hi, w.at)];
		return [Math.max(h.from, (w.from ?? 0) - 86400), Math.min(hi, w.to ?? hi)];
	};
	const ranges = new Map<string, [number, number]>();
	const widen = (key: string, h: Holding) => {
		const [lo, hi] = span(h);
		const r = ranges.get(key);
		ranges.set(key, r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi]);
	};
	holdings.forEach((h, i) => {
		widen(`i${h.ip}`, h);
		if (rows[i].host) widen(`h${shortHostName(rows[i].host!)}`, h);
	});
	const keys = [...ranges];
	const items = (kind: string) => JSON.stringify(keys.flatMap(([key, [lo, hi]], n) => (key[0] === kind ? [[key.slice(1), lo, hi, n]] : [])));
	const found = await store.all<LogonHit & { n: number }>(LOGONS, [items('i'), items('h')]);
	const hits = found.map(h => Object.assign(h, { k: keys[h.n][0] }));
	const offs = await logoffsOf(store, hits);
	const byKey = new Map<string, LogonHit[]>();
	for (const h of hits) {
		let list = byKey.get(h.k);
		if (!list) byKey.set(h.k, (list = []));
		list.push(h);
	}
	if (offs.length > 0) {
		// A logoff belongs to every list holding its logon.
		for (const list of byKey.values()) {
			const ids = new Set(list.filter(h => h.logon_id).map(h => `${h.user_ref}|${h.logon_id}`));
			const mine = offs.filter(o => ids.has(`${o.user_ref}|${o.logon_id}`));
			if (mine.length) list.push(...mine), list.sort((a, b) => a.ts - b.ts);
		}
	}
	rows.forEach((row, i) => {
		const [lo, hi] = span(holdings[i]);
		const point = w.at;
		const pick = (list: LogonHit[] | undefined) => usersIn(list ?? [], lo, point !== undefined ? Math.min(point, hi) : hi, point);
		const fromIp = pick(byKey.get(`i${holdings[i].ip}`));
		const fromHost = row.host ? pick(byKey.get(`h${shortHostName(row.host)}`)) : [];
		if (fromIp.length > 0) {
			row.users = fromIp;
			row.userVia = 'ip';
		} else if (fromHost.length > 0) {
			row.users = fromHost;
			row.userVia = 'host';
		} else {
			const where = row.host ? 'this address or host' : 'this address';
			row.missing.push(point !== undefined ? `no logon seen from ${where} in the week before that moment` : `no logon seen from ${where} while it was held in the window`);
		}
	});
}

/** Distinct users with a logon in [lo, hi]; at a point, only those not logged off again before it. */
function usersIn(hits: LogonHit[], lo: number, hi: number, point: number | undefined): string[] {
	const state = new Map<string, boolean>();
	for (const h of hits) {
		if (h.ts < lo || h.ts > hi) continue;
		const off = isLogoff(h.kind);
		if (point === undefined) {
			if (!off) state.set(h.name, true);
		} else {
			state.set(h.name, !off);
		}
	}
	return [...state].filter(([, on]) => on).map(([name]) => name);
}

const ids = (list: (number | null)[]) => JSON.stringify([...new Set(list.filter((i): i is number => i !== null))]);

/** Turns holdings into rows: client ids, host and server names resolved in one batched lookup. */
export async function rowsOf(store: Store, holdings: Holding[]): Promise<TrackRow[]> {
	if (holdings.length === 0) return [];
	const found = await store.all<{ t: string; id: number; a: string | null; b: string | null; c: string | null }>(
		`SELECT 'c' AS t, id, mac AS a, client_id AS b, duid AS c FROM client WHERE id IN (SELECT value FROM json_each(?1))
		 UNION ALL SELECT 'h', id, name, NULL, NULL FROM host WHERE id IN (SELECT value FROM json_each(?2))
		 UNION ALL SELECT 's', id, name, NULL, NULL FROM server WHERE id IN (SELECT value FROM json_each(?3))`,
		[ids(holdings.map(h => h.clientRef)), ids(holdings.map(h => h.hostRef)), ids(holdings.flatMap(h => h.servers))],
	);
	const clients = new Map<number, ClientInfo>();
	const hosts = new Map<number, { name: string }>();
	const servers = new Map<number, { name: string }>();
	for (const f of found) {
		if (f.t === 'c') clients.set(f.id, { mac: f.a, client_id: f.b, duid: f.c });
		else if (f.t === 'h') hosts.set(f.id, { name: f.a ?? '' });
		else servers.set(f.id, { name: f.a ?? '' });
	}
	return holdings.map(h => {
		const c = h.clientRef !== null ? clients.get(h.clientRef) : undefined;
		const host = h.hostRef !== null ? hosts.get(h.hostRef)?.name ?? null : null;
		const missing: string[] = [];
		if (!c) missing.push('no MAC, client id or DUID in the lease events');
		else if (!c.mac) missing.push('the client id/DUID carries no MAC');
		if (!host) missing.push('no host name in the lease events');
		const row: TrackRow = {
			ip: formatKey(h.ip),
			family: h.ip.length === 8 ? 4 : 6,
			from: h.from,
			to: h.to,
			fromExact: h.fromExact,
			toExact: h.toExact,
			end: h.end,
			mac: c?.mac ?? null,
			clientId: c?.client_id ?? null,
			duid: c?.duid ?? null,
			host,
			users: [],
			userVia: null,
			servers: h.servers.map(s => servers.get(s)?.name ?? `server ${s}`),
			events: h.events,
			duplicates: h.duplicates,
			missing,
		};
		return row;
	});
}

export async function finish(store: Store, holdings: Holding[], w: TimeWindow, o: TrackOptions): Promise<TrackRow[]> {
	holdings.sort((a, b) => a.from - b.from || a.ip.localeCompare(b.ip));
	const rows = await rowsOf(store, holdings);
	await correlateUsers(store, rows, holdings, w, o.now ?? Math.floor(Date.now() / 1000));
	return rows;
}
