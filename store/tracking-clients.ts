// Tracking by client (MAC / client id / DUID): the addresses a set of clients held, from their own chunks.
import type { Store } from './database.js';
import { bucketStart } from './lease-history.js';
import { parseClientTerm } from '../source/domain/mac.js';
import { buildHoldings, DEFAULT_SKEW, type Holding, type TimelineEvent } from '../source/domain/timeline.js';
import type { TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackResult } from './tracking.js';
import { afterBound, bounds, compound, EDGE, EVENT_COLUMNS, FAR_FUTURE, inWindow, toTimeline, type EventRow } from './tracking-events.js';
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

export async function holdingsOfClients(store: Store, ids: number[], w: TimeWindow, o: TrackOptions): Promise<{ holdings: Holding[]; capped: boolean }> {
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
