// Tracking by client (MAC / client id / DUID): the addresses a set of clients held, from their own chunks.
import type { Store } from './database.js';
import { bucketStart, bucketsIn } from './lease-history.js';
import { parseClientTerm } from '../source/domain/mac.js';
import { LeaseEventKind } from '../source/domain/dhcp.js';
import { buildHoldings, DEFAULT_SKEW, type Holding, type TimelineEvent } from '../source/domain/timeline.js';
import type { TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackResult } from './tracking.js';
import { afterBound, bounds, EDGE, EVENT_COLUMNS, FAR_FUTURE, inWindow, timelineEvent, type EventRow } from './tracking-events.js';
import { finish } from './tracking-rows.js';

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
/** Events read to find a host's clients: a bound for a name carried by thousands of clients. */
const HOST_EVENTS = 20_000;

/**
 * Whose holdings to build: `ids` are read as one client (a MAC and the client ids / DUIDs that embed it); `hostIds`
 * stand for the clients whose events carried one of those host names in the window or the CLIENT_LOOKBACK before it
 * (as far back as their holdings are read from), each read as `ids: [client]` would be.
 */
export type ClientSource = { ids: number[] } | { hostIds: number[] };

// A host's clients, each the group it is read in. They come from its events (the chunk host index), in the same
// statement: by event, not by chunk, so that how a writer happened to cut chunks does not change who they are.
const BY_HOSTS = `SELECT client_ref AS client, client_ref AS grp FROM (SELECT DISTINCT client_ref FROM (
	SELECT client_ref FROM lease_event WHERE ${bucketsIn('bkt', '?5', '?3')} AND host_ref IN (SELECT value FROM json_each(?1)) AND t_first BETWEEN ?5 AND ?3 AND t_last >= ?2
		AND ts BETWEEN ?2 AND ?3 AND +client_ref IS NOT NULL LIMIT ${HOST_EVENTS}))`;

const EV_COLUMNS = EVENT_COLUMNS.split(', ').map(c => `ev.${c}`).join(', ');

/** A MAC's clients (the client ids and DUIDs that embed it): one group. */
const BY_IDS = `SELECT value AS client, 0 AS grp FROM json_each(?1)`;

/**
 * Chunks read past the window per group, in start order; the start of the next one bounds every event not read (see
 * firstAfter). A compacted bucket holds a client's few keys in a chunk each, so eight reach into the next bucket.
 */
const AFTER_CHUNKS = 8;

/** A group's chunks starting in (to, afterBound], in start order (bkt first: the index's order, no sort for one client). */
const PICK = (clients: string, skip: number) => `SELECT ${skip === 0 ? 'k.bkt, ' : ''}k.t_first FROM lease_chunk k INDEXED BY lease_chunk_client
	WHERE k.client_ref ${clients} AND ${bucketsIn('k.bkt', '?3', '?7')} AND k.t_first > ?3 AND k.t_first <= ?7 ORDER BY k.bkt, k.t_first LIMIT ${skip === 0 ? AFTER_CHUNKS : `1 OFFSET ${skip}`}`;

const CHUNK = 's.grp, c.id, c.ip, c.server_id, c.client_ref, c.host_ref, c.t_first, c.ev';

/**
 * Each group's chunks holding events in [lo, to] (part 1, capped over all groups; those of the bucket of `to` also
 * hold its events past `to` from chunks starting at or before it), the AFTER_CHUNKS chunks starting first after `to`
 * (part 3), and the start of the chunk after those (part 4, from the index alone; see firstAfter). Whole chunks, not
 * events: unpacking them in JavaScript costs a fraction of SQLite's per-event JSON extraction through lease_event.
 * CROSS JOIN keeps SQLite on the client index, one client at a time. One JSON array comes back: a few hundred rows
 * through the driver cost more than SQLite spent finding them.
 */
const CHUNKS_OF = (source: string, oneGroup: boolean) => `WITH src(client, grp) AS MATERIALIZED (${source})
	SELECT json_group_array(json_array(part, grp, id, lower(hex(ip)), server_id, client_ref, host_ref, t_first, json(ev))) AS chunks FROM (
		SELECT * FROM (SELECT 1 AS part, ${CHUNK} FROM src s CROSS JOIN lease_chunk c INDEXED BY lease_chunk_client ON c.client_ref = s.client
			WHERE ${bucketsIn('c.bkt', '?5', '?3')} AND c.t_first BETWEEN ?5 AND ?3 AND c.t_last >= ?2 ORDER BY c.t_first LIMIT ?4)
		UNION ALL SELECT 3, ${CHUNK} FROM src s CROSS JOIN lease_chunk c INDEXED BY lease_chunk_client ON c.client_ref = s.client
			WHERE (c.bkt, c.t_first) IN (${PICK(oneGroup ? 'IN (SELECT client FROM src)' : '= s.client', 0)})
		UNION ALL SELECT 4, s.grp, NULL, NULL, NULL, NULL, NULL, (${PICK(oneGroup ? 'IN (SELECT client FROM src)' : '= s.client', AFTER_CHUNKS)}), NULL
			FROM ${oneGroup ? '(SELECT 0 AS grp) s' : 'src s'})`;

// A host's clients are a group each (grp = client); a MAC's are one group.
const CHUNKS_BY_HOSTS = CHUNKS_OF(BY_HOSTS, false);
const CHUNKS_BY_IDS = CHUNKS_OF(BY_IDS, true);

/** A group's first EDGE events after the window, read whole: when firstAfter cannot vouch for its shortcut. */
const AFTER = `SELECT 2 AS part, 0 AS grp, lower(hex(ip)) AS hex, ${EVENT_COLUMNS}, t_first FROM lease_event
	WHERE client_ref IN (SELECT value FROM json_each(?1)) AND ${bucketsIn('bkt', '?2', '?3')} AND t_first BETWEEN ?2 AND ?3 AND t_last > ?4 AND ts > ?4 ORDER BY ts LIMIT ${EDGE}`;

interface ClientEvent extends EventRow {
	part: number;
	grp: number;
	hex: string;
	t_first: number;
}

/** A chunk as CHUNKS_OF returns it; its events are [ts, kind, user_ref, expires] (the lease_event view's reading). */
type ChunkTuple = [number, number, number, string, number | null, number | null, number | null, number | null, [number, number, number | null, number | null][] | null];

/**
 * The chunks' events: part 1 those in [lo, to], part 2 those past `to` of the same chunks, part 3 those of the chunks
 * past the window; and each group's part-4 bound. Event ids are the view's: chunk id << 12 | position.
 */
function unpack(json: string, lo: number, to: number): { events: ClientEvent[]; next: Map<number, number | null>; windowChunks: number } {
	const events: ClientEvent[] = [];
	const next = new Map<number, number | null>();
	let windowChunks = 0;
	for (const [part, grp, id, hex, server, client, host, tFirst, list] of JSON.parse(json) as ChunkTuple[]) {
		if (part === 4) {
			next.set(grp, tFirst);
			continue;
		}
		if (part === 1) windowChunks++;
		for (let k = 0; k < list!.length; k++) {
			const [ts, kind, user, expires] = list![k];
			const p = ts > to ? (part === 3 ? 3 : 2) : part === 1 && ts >= lo ? 1 : 0;
			if (p === 0) continue;
			events.push({ part: p, grp, hex, id: id * 4096 + k, ts, kind, server_id: server, client_ref: client, host_ref: host, user_ref: user, expires, t_first: tFirst! });
		}
	}
	return { events, next, windowChunks };
}

/**
 * A group's first EDGE events after the window from the candidates, or null when they may not be all. Every event of a
 * chunk lies at or after its t_first, and every chunk not read starts at or after `next` (the first chunk past those
 * read, in start order; null when none is left before the bound): so an EDGE-th candidate before `next` vouches for
 * the cut. How a writer cut its chunks changes what is read, never the answer.
 */
function firstAfter(candidates: ClientEvent[], next: number | null): ClientEvent[] | null {
	candidates.sort((a, b) => a.ts - b.ts || a.id - b.id);
	if (next !== null && (candidates.length < EDGE || candidates[EDGE - 1].ts >= next)) return null;
	return candidates.slice(0, EDGE);
}

/** Past the skew allowance: a late HA copy of the previous holder's last renewal is not a new holder. */
function probe(h: Holding, o: TrackOptions): unknown[] {
	const after = h.from + (o.skew ?? DEFAULT_SKEW);
	return [h.ip, bucketStart(after), h.to ?? FAR_FUTURE, after, h.clientRef ?? 0];
}

/** Per [ip hex, t_first from, until, after, client ids]: the clients' events on the address in (after, until]. */
const GAP = `SELECT p.key AS item, lower(hex(ev.ip)) AS hex, ${EV_COLUMNS} FROM json_each(?1) p CROSS JOIN lease_event ev
	WHERE ${bucketsIn('ev.bkt', 'p.value ->> 1', 'p.value ->> 2')} AND ev.ip = unhex(p.value ->> 0) AND ev.t_first BETWEEN p.value ->> 1 AND p.value ->> 2 AND ev.t_last > p.value ->> 3
		AND ev.ts > p.value ->> 3 AND ev.ts <= p.value ->> 2 AND ev.client_ref IN (SELECT value FROM json_each(p.value -> 4))`;

/** Stands for the next holder a probe found (row ids start at 1). */
const NEXT_HOLDER_REF = -1;

/** Per open-ended holding [ip hex, t_first from, until, after, holder]: the first assign or renewal by anyone else. */
const NEXT_HOLDER = `SELECT p.key AS item, (SELECT ts FROM lease_event WHERE ${bucketsIn('bkt', 'p.value ->> 1', 'p.value ->> 2')} AND ip = unhex(p.value ->> 0) AND t_first BETWEEN p.value ->> 1 AND p.value ->> 2
		AND t_last > p.value ->> 3 AND ts > p.value ->> 3 AND ts <= p.value ->> 2 AND kind IN (1, 2) AND coalesce(client_ref, 0) <> p.value ->> 4
		ORDER BY ts LIMIT 1) AS ts
	FROM json_each(?1) p`;

/**
 * Holdings of clients from their own events (the client index), not from every event of every address they used:
 * a laptop's three years cost its own few hundred events. The one thing a client's events cannot say — that another
 * client took the address before its lease ran out (a lost release) — is asked per open-ended holding with one
 * index probe, all in one statement.
 */
export async function holdingsOfClients(store: Store, source: ClientSource, w: TimeWindow, o: TrackOptions): Promise<{ holdings: Holding[]; capped: boolean }> {
	const [from, to] = bounds(w);
	const cap = o.maxEvents ?? 20_000;
	const lo = from - CLIENT_LOOKBACK;
	const params: unknown[] = [JSON.stringify('ids' in source ? source.ids : source.hostIds), lo, to, cap + 1, bucketStart(lo), bucketStart(to), afterBound(to)];
	const read = await store.get<{ chunks: string }>('ids' in source ? CHUNKS_BY_IDS : CHUNKS_BY_HOSTS, params as never);
	const { events, next, windowChunks } = unpack(read?.chunks ?? '[]', lo, to);
	// The first cap + 1 events in the window, as a capped read by time would have returned them; a read cut at cap + 1
	// chunks may have left events out too.
	let inside = events.filter(r => r.part === 1);
	const capped = inside.length > cap || windowChunks > cap;
	if (capped) inside = inside.sort((a, b) => a.ts - b.ts).slice(0, cap + 1);
	const rows = capped ? [...inside, ...events.filter(r => r.part !== 1)] : events;
	const groups = new Map<number, { inside: ClientEvent[]; after: ClientEvent[] }>();
	for (const r of rows) {
		let g = groups.get(r.grp);
		if (!g) groups.set(r.grp, (g = { inside: [], after: [] }));
		(r.part === 1 ? g.inside : g.after).push(r);
	}
	// One fold per group and address: its events, and the holdings folded from them.
	const folds: { events: TimelineEvent[]; truncatedEnd: boolean; holdings: Holding[] }[] = [];
	const fold = (events: TimelineEvent[], truncatedEnd: boolean) =>
		buildHoldings(events, { now: o.now, skew: o.skew, truncatedStart: lo > 0, truncatedEnd }).filter(h => h.clientRef !== NEXT_HOLDER_REF);
	for (const [grp, g] of groups) {
		const after =
			firstAfter(g.after, next.get(grp) ?? null) ??
			(await store.all<ClientEvent>(AFTER, [JSON.stringify('ids' in source ? source.ids : [grp]), bucketStart(to), afterBound(to), to]));
		const truncatedEnd = after.length >= EDGE || capped;
		const byAddress = new Map<string, TimelineEvent[]>();
		for (const r of [...g.inside, ...after]) {
			let events = byAddress.get(r.hex);
			if (!events) byAddress.set(r.hex, (events = []));
			events.push(timelineEvent(r, r.hex));
		}
		for (const events of byAddress.values()) folds.push({ events, truncatedEnd, holdings: fold(events, truncatedEnd) });
	}
	// Open-ended holdings (no release/expiry of their own): did another client take the address first? Only those in
	// the window are asked: a next holder can only end a holding sooner, never bring one into the window. The next
	// holder goes into the fold as an event: the client's own events cannot tell a renewal from its return to the
	// address after someone else held it, and the fold then splits the two; a holding so split off is asked in turn.
	const asked = new Set<string>();
	for (;;) {
		const open = folds.flatMap((f, i) =>
			f.holdings.filter(h => (h.end === 'held' || h.end === 'lease-end') && inWindow(h, w) && !asked.has(`${i} ${h.from}`)).map(h => ({ h, i })),
		);
		if (open.length === 0) break;
		for (const { h, i } of open) asked.add(`${i} ${h.from}`);
		const hits = (await store.all<{ item: number; ts: number | null }>(NEXT_HOLDER, [JSON.stringify(open.map(({ h }) => probe(h, o)))])).filter(hit => hit.ts !== null);
		// Where the events after the window were cut short, the client's own events on the address up to the next
		// holder are read first: it may have released the address before the next holder came.
		const gaps = hits.flatMap(hit => {
			const { h, i } = open[hit.item];
			const last = Math.max(...folds[i].events.map(e => e.ts));
			return folds[i].truncatedEnd && last < hit.ts! ? [{ i, params: [h.ip, bucketStart(last), hit.ts, last, 'ids' in source ? source.ids : [h.clientRef]] }] : [];
		});
		if (gaps.length > 0) {
			for (const r of await store.all<ClientEvent & { item: number }>(GAP, [JSON.stringify(gaps.map(g => g.params))])) folds[gaps[r.item].i].events.push(timelineEvent(r, r.hex));
		}
		for (const hit of hits) {
			const { h, i } = open[hit.item];
			folds[i].events.push({ ts: hit.ts!, kind: LeaseEventKind.assign, ip: h.ip, serverId: null, clientRef: NEXT_HOLDER_REF, hostRef: null, expires: null });
		}
		for (const i of new Set(hits.map(hit => open[hit.item].i))) folds[i].holdings = fold(folds[i].events, folds[i].truncatedEnd);
	}
	const holdings = folds.flatMap(f => f.holdings);
	return { holdings: holdings.filter(h => inWindow(h, w)), capped };
}

export async function trackClient(store: Store, term: string, w: TimeWindow, o: TrackOptions = {}): Promise<TrackResult> {
	const { ids, subject } = await clientRefs(store, term);
	const notes: string[] = [];
	if (ids.length === 0) {
		return { kind: 'mac', term, subject, window: w, rows: [], notes: [`no lease event was ever seen for ${subject}`], truncated: false };
	}
	const { holdings, capped } = await holdingsOfClients(store, { ids }, w, o);
	const rows = await finish(store, holdings, w, o);
	if (rows.length === 0) notes.push(`${subject} held no address in the window`);
	if (capped) notes.push('more addresses or events than were read: narrow the window');
	return { kind: 'mac', term, subject, window: w, rows, notes, truncated: capped };
}
