// Tracking queries: who held an address, which addresses a client held, where a host or a user was — over time.
//
// API (used by `ipam track` and the TUI's tracking view):
//   detectKind(term)                         → 'ip' | 'mac' | 'host' | 'user' | 'name' (a bare word: host, else user)
//   track(store, { term, kind?, window, now? }) → TrackResult: a timeline of TrackRow, oldest first, plus notes
//   trackAddress / trackClient / trackHost / trackUser (store, term, window, options) → TrackResult
// A TrackRow is one holding: an address held by one client from–to, with the MAC/client id/DUID, the host
// name, the users seen logging on from that address or host while it was held, and which servers said so.
// Every link that could not be made is said in `row.missing` ("no logon seen for this host in the window").
// Reads touch only the index ranges needed: the events inside the window plus a bounded run before and after
// it (to know who held the address when the window opened, and when that holding ended).
// Strings in rows come from the network: sanitize them at display (renderRows does).
import type { Store } from './database.js';
import { bucketStart, BUCKET_BITS } from './lease-history.js';
import { parseAddress, addressKeyHex, formatKey, tryParseAddress, type Family } from '../source/domain/ip.js';
import { parseClientTerm, tryParseMac } from '../source/domain/mac.js';
import { buildHoldings, DEFAULT_SKEW, holdsAt, overlaps, type EndReason, type Holding, type TimelineEvent } from '../source/domain/timeline.js';
import { isLogoff, shortHostName } from '../source/domain/logon.js';
import { formatTime, type TimeWindow } from '../source/domain/time.js';

export type TrackKind = 'ip' | 'mac' | 'host' | 'user';

export interface TrackRow {
	ip: string;
	family: Family;
	from: number;
	/** null = still held, no end known. */
	to: number | null;
	/** False when the holding began before the history fetched (shown as "≤ from"). */
	fromExact: boolean;
	/** False when it was still held where the history fetched ends (shown as "≥ to"). */
	toExact: boolean;
	/** For holdings: release | expire | decline | delete | next-holder | lease-end | held. For user rows: logoff | seen. */
	end: EndReason | 'logoff' | 'seen';
	mac: string | null;
	clientId: string | null;
	duid: string | null;
	host: string | null;
	users: string[];
	/** How users were linked: through logons from the address, or from the host name. */
	userVia: 'ip' | 'host' | 'user' | null;
	servers: string[];
	events: number;
	duplicates: number;
	/** Links that could not be made, in words. */
	missing: string[];
}

export interface TrackResult {
	kind: TrackKind;
	term: string;
	/** The term as understood: canonical address/MAC, matched host or user names. */
	subject: string;
	window: TimeWindow;
	rows: TrackRow[];
	notes: string[];
	/** More matched than was read (caps below): narrow the window or the term. */
	truncated: boolean;
}

export interface TrackOptions {
	now?: number;
	/** Clock-skew tolerance between HA partners (seconds). */
	skew?: number;
	/** Caps: events per address inside the window, addresses per client/host, hosts per pattern. */
	maxEvents?: number;
	maxAddresses?: number;
	maxHosts?: number;
}

export interface TrackQuery extends TrackOptions {
	term: string;
	kind?: TrackKind;
	window: TimeWindow;
}

/** Events read on either side of a window so the holding across its edge is known. */
const EDGE = 16;
const FAR_FUTURE = 253402300799;

/** What a search term is: an address, a hardware address / client id / DUID, a user (DOMAIN\u, u@realm), else a name. */
export function detectKind(term: string): TrackKind | 'name' {
	const t = term.trim();
	if (tryParseAddress(t)) return 'ip';
	if (tryParseMac(t)) return 'mac';
	// Longer ids only when written as octets (aa:bb:…, aa-bb-…, 0x…): a bare word like "cafe" is a name.
	if (/^(0x[0-9a-f]+|[0-9a-f]{1,2}([:-][0-9a-f]{1,2}){3,})$/i.test(t) && parseClientTerm(t)) return 'mac';
	if (t.includes('\\') || /^[^@\s]+@[^@\s]+$/.test(t)) return 'user';
	return 'name';
}

export async function track(store: Store, query: TrackQuery): Promise<TrackResult> {
	const kind = query.kind ?? detectKind(query.term);
	switch (kind) {
		case 'ip':
			return trackAddress(store, query.term, query.window, query);
		case 'mac':
			return trackClient(store, query.term, query.window, query);
		case 'host':
			return trackHost(store, query.term, query.window, query);
		case 'user':
			return trackUser(store, query.term, query.window, query);
		default: {
			// A bare word: an exact host name wins, then an exact account, then host names by prefix/substring.
			const t = query.term.trim().toLowerCase();
			const exact = await store.get<{ host: number; user: number }>(
				`SELECT EXISTS (SELECT 1 FROM host WHERE name_lc = ?1) AS host, EXISTS (SELECT 1 FROM user_account WHERE name_lc = ?1) AS user`,
				[t],
			);
			if (!exact?.host && exact?.user) return trackUser(store, query.term, query.window, query);
			return trackHost(store, query.term, query.window, query);
		}
	}
}

// ---------------------------------------------------------------- raw reads

interface EventRow {
	id: number;
	ts: number;
	kind: number;
	server_id: number | null;
	client_ref: number | null;
	host_ref: number | null;
	user_ref: number | null;
	expires: number | null;
}

// The address is known per read: not selecting it saves a Buffer per row, the largest per-row cost.
const EVENT_COLUMNS = 'id, ts, kind, server_id, client_ref, host_ref, user_ref, expires';

function bounds(w: TimeWindow): [number, number] {
	return [w.from ?? 0, w.to ?? FAR_FUTURE];
}

/** A compound SELECT may have at most 500 terms (SQLITE_MAX_COMPOUND_SELECT): batches stay below it. */
const TERMS_PER_STATEMENT = 450;

/**
 * How far past a window the "next events" are looked for: a few time buckets. A lease unrenewed that long has
 * ended by its own expiry, so later events cannot change a holding's end; without the bound every later chunk
 * of a three-year history would be unpacked to find sixteen events.
 */
function afterBound(to: number): number {
	return Math.min(FAR_FUTURE, bucketStart(to) + 3 * 2 ** BUCKET_BITS);
}

/** Runs per-item sub-selects as few compound statements; each part is "SELECT * FROM (… LIMIT n)". */
async function compound<T>(store: Store, parts: { sql: string; params: unknown[] }[]): Promise<T[]> {
	const out: T[] = [];
	for (let i = 0; i < parts.length; i += TERMS_PER_STATEMENT) {
		const chunk = parts.slice(i, i + TERMS_PER_STATEMENT);
		out.push(...(await store.all<T>(chunk.map(p => p.sql).join(' UNION ALL '), chunk.flatMap(p => p.params) as never)));
	}
	return out;
}

interface AddressRead {
	key: Buffer;
	w: TimeWindow;
}

interface AddressEvents {
	events: EventRow[];
	capped: boolean;
	before: number;
	after: number;
}

/** Each address's events: inside its window (capped), plus EDGE before and EDGE after — all in one round trip. */
async function addressEvents(store: Store, reads: AddressRead[], cap: number): Promise<AddressEvents[]> {
	const parts = reads.flatMap((r, i) => {
		const [from, to] = bounds(r.w);
		const select = (part: number) => `SELECT * FROM (SELECT ${i} AS item, ${part} AS part, ${EVENT_COLUMNS} FROM lease_event WHERE ip = ?`;
		return [
			// t_first/t_last bound which chunks are unpacked (a chunk never crosses a bucket: see lease-history.ts).
			{ sql: `${select(0)} AND t_first < ? AND ts < ? ORDER BY ts DESC LIMIT ${EDGE})`, params: [r.key, from, from] },
			{ sql: `${select(1)} AND t_first BETWEEN ? AND ? AND t_last >= ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ${cap + 1})`, params: [r.key, bucketStart(from), to, from, from, to] },
			{ sql: `${select(2)} AND t_first BETWEEN ? AND ? AND t_last > ? AND ts > ? ORDER BY ts LIMIT ${EDGE})`, params: [r.key, bucketStart(to), afterBound(to), to, to] },
		];
	});
	const out: AddressEvents[] = reads.map(() => ({ events: [], capped: false, before: 0, after: 0 }));
	const inside = reads.map(() => 0);
	for (const row of await compound<EventRow & { item: number; part: number }>(store, parts)) {
		out[row.item].events.push(row);
		if (row.part === 0) out[row.item].before++;
		if (row.part === 1) inside[row.item]++;
		if (row.part === 2) out[row.item].after++;
	}
	inside.forEach((n, i) => (out[i].capped = n > cap));
	return out;
}

function toTimeline(rows: EventRow[], ip: string): TimelineEvent[] {
	return rows.map(r => ({
		id: r.id,
		ts: r.ts,
		kind: r.kind,
		ip,
		serverId: r.server_id,
		clientRef: r.client_ref,
		hostRef: r.host_ref,
		userRef: r.user_ref,
		expires: r.expires,
	}));
}

/** Holdings of each address that touch its window (or hold at `w.at`). */
async function addressHoldings(store: Store, reads: AddressRead[], o: TrackOptions): Promise<{ holdings: Holding[][]; around: Holding[][]; capped: boolean }> {
	const read = await addressEvents(store, reads, o.maxEvents ?? 5000);
	// `around` keeps the holdings just outside the window too (from the edge reads): context for "free at T".
	const around = read.map((r, i) => buildHoldings(toTimeline(r.events, reads[i].key.toString('hex')), { now: o.now, skew: o.skew, truncatedStart: r.before >= EDGE, truncatedEnd: r.after >= EDGE || r.capped }));
	const holdings = around.map((list, i) => list.filter(h => inWindow(h, reads[i].w)));
	return { holdings, around, capped: read.some(r => r.capped) };
}

function inWindow(h: Holding, w: TimeWindow): boolean {
	return w.at !== undefined ? holdsAt(h, w.at) : overlaps(h, w.from, w.to);
}

// ---------------------------------------------------------------- correlation

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

const LOGON_COLUMNS = 'l.ts, l.kind, u.name, l.user_ref, l.logon_id, l.host_ref, l.ip';

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
	const parts = [...ranges].map(([key, [lo, hi]]) => {
		if (key[0] === 'i') {
			return {
				sql: `SELECT * FROM (SELECT ? AS k, ${LOGON_COLUMNS} FROM logon_event l JOIN user_account u ON u.id = l.user_ref
					WHERE l.ip = ? AND l.ts BETWEEN ? AND ? ORDER BY l.ts LIMIT 2000)`,
				params: [key, Buffer.from(key.slice(1), 'hex'), lo, hi],
			};
		}
		const short = key.slice(1);
		return {
			// The IN sub-select keeps the plan on logon_event_host (host_ref, ts), never a scan of the time range.
			sql: `SELECT * FROM (SELECT ? AS k, ${LOGON_COLUMNS} FROM logon_event l JOIN user_account u ON u.id = l.user_ref
				WHERE l.host_ref IN (SELECT id FROM host WHERE name_lc = ? OR (name_lc >= ? AND name_lc < ?)) AND l.ts BETWEEN ? AND ?
				ORDER BY l.ts LIMIT 2000)`,
			params: [key, short, `${short}.`, `${short}/`, lo, hi],
		};
	});
	const hits = await compound<LogonHit & { k: string }>(store, parts);
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
async function rowsOf(store: Store, holdings: Holding[]): Promise<TrackRow[]> {
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

async function finish(store: Store, holdings: Holding[], w: TimeWindow, o: TrackOptions): Promise<TrackRow[]> {
	holdings.sort((a, b) => a.from - b.from || a.ip.localeCompare(b.ip));
	const rows = await rowsOf(store, holdings);
	await correlateUsers(store, rows, holdings, w, o.now ?? Math.floor(Date.now() / 1000));
	return rows;
}

// ---------------------------------------------------------------- by address

export async function trackAddress(store: Store, term: string, w: TimeWindow, o: TrackOptions = {}): Promise<TrackResult> {
	const address = parseAddress(term);
	const key = Buffer.from(addressKeyHex(address), 'hex');
	const { holdings: [holdings], around: [around], capped } = await addressHoldings(store, [{ key, w }], o);
	const rows = await finish(store, holdings, w, o);
	const notes: string[] = [];
	if (rows.length === 0) notes.push('no lease held this address in the window');
	if (rows.length === 0 && w.at !== undefined) notes.push(...(await neighbours(store, around, w.at)));
	if (capped) notes.push(`more than ${o.maxEvents ?? 5000} events in the window: only the first were read; narrow the window`);
	return { kind: 'ip', term, subject: formatKey(key), window: w, rows, notes, truncated: capped };
}

/** "Free at T" context: who held the address last before T and first after it. */
async function neighbours(store: Store, around: Holding[], at: number): Promise<string[]> {
	const before = around.filter(h => h.to !== null && h.to < at).at(-1);
	const after = around.find(h => h.from > at);
	const picked = [before, after].filter((h): h is Holding => h !== undefined);
	const rows = await rowsOf(store, picked);
	const who = (r: TrackRow) => [r.mac ?? r.clientId ?? r.duid ?? 'an unknown client', r.host ? `(${r.host})` : ''].filter(Boolean).join(' ');
	const out: string[] = [];
	rows.forEach((r, i) => {
		const stamp = formatTime(picked[i] === before ? r.to : r.from);
		out.push(picked[i] === before ? `before: held by ${who(r)} until ${stamp} (${r.end})` : `after: held by ${who(r)} from ${stamp}`);
	});
	return out;
}

// ---------------------------------------------------------------- by client (MAC / client id / DUID)

/** Interned clients a term stands for: a MAC also finds client ids and DUIDs that embed it. */
async function clientRefs(store: Store, term: string): Promise<{ ids: number[]; subject: string }> {
	const parsed = parseClientTerm(term);
	if (!parsed) throw new Error(`"${term}" is not a MAC address, client id or DUID`);
	const v = parsed.value;
	const rows = await store.all<{ id: number }>(
		parsed.kind === 'mac'
			? `SELECT id FROM client WHERE mac = ?1 UNION SELECT id FROM client WHERE key IN ('mac:' || ?1, 'cid:01:' || ?1)`
			: `SELECT id FROM client WHERE key IN ('cid:' || ?1, 'duid:' || ?1) UNION SELECT id FROM client WHERE client_id = ?1 OR duid = ?1`,
		[v],
	);
	return { ids: rows.map(r => r.id), subject: v };
}

/** How far before a window a client's lease may have started and still be running (renewals come at half-life). */
const CLIENT_LOOKBACK = 10 * 86400;

/**
 * Holdings of a set of clients from their own events (the client index), not from every event of every address
 * they used: a laptop's three years cost its own few hundred events. The one thing a client's events cannot say —
 * that another client took the address before its lease ran out (a lost release) — is asked per open-ended
 * holding with one covering-index probe.
 */
/** Past the skew allowance: a late HA copy of the previous holder's last renewal is not a new holder. */
function probeParams(h: Holding, o: TrackOptions): unknown[] {
	const after = h.from + (o.skew ?? DEFAULT_SKEW);
	const until = h.to ?? FAR_FUTURE;
	return [Buffer.from(h.ip, 'hex'), bucketStart(after), until, after, after, until, h.clientRef ?? 0];
}

async function holdingsOfClients(store: Store, ids: number[], w: TimeWindow, o: TrackOptions): Promise<{ holdings: Holding[]; capped: boolean }> {
	const [from, to] = bounds(w);
	const cap = o.maxEvents ?? 20_000;
	const list = JSON.stringify(ids);
	const rows = await store.all<EventRow & { ip: Buffer; part: number }>(
		`SELECT * FROM (SELECT 1 AS part, ip, ${EVENT_COLUMNS} FROM lease_event WHERE client_ref IN (SELECT value FROM json_each(?1))
			AND t_first BETWEEN ?5 AND ?3 AND t_last >= ?2 AND ts BETWEEN ?2 AND ?3 ORDER BY ts LIMIT ?4)
		 UNION ALL SELECT * FROM (SELECT 2 AS part, ip, ${EVENT_COLUMNS} FROM lease_event WHERE client_ref IN (SELECT value FROM json_each(?1))
			AND t_first BETWEEN ?6 AND ?7 AND t_last > ?3 AND ts > ?3 ORDER BY ts LIMIT ${EDGE})`,
		[list, from - CLIENT_LOOKBACK, to, cap + 1, bucketStart(from - CLIENT_LOOKBACK), bucketStart(to), afterBound(to)],
	);
	const capped = rows.filter(r => r.part === 1).length > cap;
	const truncatedEnd = rows.filter(r => r.part === 2).length >= EDGE || capped;
	const byAddress = new Map<string, TimelineEvent[]>();
	for (const r of rows) {
		const hex = Buffer.from(r.ip).toString('hex');
		let events = byAddress.get(hex);
		if (!events) byAddress.set(hex, (events = []));
		events.push(...toTimeline([r], hex));
	}
	const holdings: Holding[] = [];
	for (const events of byAddress.values()) {
		holdings.push(...buildHoldings(events, { now: o.now, skew: o.skew, truncatedStart: from - CLIENT_LOOKBACK > 0, truncatedEnd }));
	}
	// Open-ended holdings (no release/expiry of their own): did another client take the address first?
	const open = holdings.filter(h => h.end === 'held' || h.end === 'lease-end');
	const probes = open.map((h, i) => ({
		sql: `SELECT * FROM (SELECT ${i} AS item, ts FROM lease_event WHERE ip = ? AND t_first BETWEEN ? AND ? AND t_last > ?
			AND ts > ? AND ts <= ? AND kind IN (1, 2) AND coalesce(client_ref, 0) <> ? ORDER BY ts LIMIT 1)`,
		params: probeParams(h, o),
	}));
	for (const hit of await compound<{ item: number; ts: number }>(store, probes)) {
		const h = open[hit.item];
		h.to = h.leaseEnd !== null && h.leaseEnd < hit.ts ? h.leaseEnd : hit.ts;
		h.end = 'next-holder';
		h.toExact = true;
	}
	return { holdings: holdings.filter(h => inWindow(h, w)), capped };
}

export async function trackClient(store: Store, term: string, w: TimeWindow, o: TrackOptions = {}): Promise<TrackResult> {
	const { ids, subject } = await clientRefs(store, term);
	const notes: string[] = [];
	if (ids.length === 0) {
		return { kind: 'mac', term, subject, window: w, rows: [], notes: [`no lease event was ever seen for ${subject}`], truncated: false };
	}
	const { holdings, capped } = await holdingsOfClients(store, ids, w, o);
	const rows = await finish(store, holdings, w, o);
	if (rows.length === 0) notes.push(`${subject} held no address in the window`);
	if (capped) notes.push('more addresses or events than were read: narrow the window');
	return { kind: 'mac', term, subject, window: w, rows, notes, truncated: capped };
}

// ---------------------------------------------------------------- by host name

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
	const [from, to] = bounds(w);
	// The clients that used these names: their holdings are the host's addresses.
	const clients = await store.all<{ client_ref: number }>(
		`SELECT DISTINCT client_ref FROM (
		   SELECT client_ref FROM lease_chunk WHERE host_ref IN (SELECT value FROM json_each(?1)) AND t_first BETWEEN ?4 AND ?3 AND t_last >= ?2
			AND client_ref IS NOT NULL LIMIT 20000)`,
		[JSON.stringify(hosts.map(h => h.id)), from - 7 * 86400, to, bucketStart(from - 7 * 86400)],
	);
	const ids = clients.map(c => c.client_ref);
	const hostIds = new Set(hosts.map(h => h.id));
	const { holdings, capped } = ids.length ? await holdingsOfClients(store, ids, w, o) : { holdings: [], capped: false };
	// A client may have used other names on other addresses: keep the holdings that carried one of these names.
	const mine = holdings.filter(h => h.hostRef === null || hostIds.has(h.hostRef));
	const rows = await finish(store, mine, w, o);
	if (rows.length === 0) notes.push('no lease carried this host name in the window (logons by host: ipam track USER)');
	if (capped || hostsCapped) notes.push('more matched than was read: narrow the term or the window');
	return { kind: 'host', term, subject, window: w, rows, notes, truncated: capped || hostsCapped };
}

// ---------------------------------------------------------------- by user

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
