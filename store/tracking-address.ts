// Tracking by address: who held an address in a window or at a point, from the address's own chunks, and who
// held it just before and after when nobody did.
import type { Store } from './database.js';
import { bucketStart, bucketsIn } from './lease-history.js';
import { parseAddress, addressKeyHex, formatKey } from '../source/domain/ip.js';
import { buildHoldings, type Holding } from '../source/domain/timeline.js';
import { formatTime, type TimeWindow } from '../source/domain/time.js';
import type { TrackOptions, TrackResult, TrackRow } from './tracking.js';
import { afterBound, bounds, compound, EDGE, EVENT_COLUMNS, inWindow, toTimeline, type EventRow } from './tracking-events.js';
import { finish, rowsOf } from './tracking-rows.js';

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
		// The buckets' bounds come first: the statements' parameters are positional.
		const select = (part: number) => `SELECT * FROM (SELECT ${i} AS item, ${part} AS part, ${EVENT_COLUMNS} FROM lease_event WHERE ${bucketsIn('bkt', '?', '?')} AND ip = ?`;
		return [
			// t_first/t_last bound which chunks are unpacked (a chunk never crosses a bucket: see lease-history.ts).
			{ sql: `${select(0)} AND t_first < ? AND ts < ? ORDER BY ts DESC LIMIT ${EDGE})`, params: [-(2 ** 52), from, r.key, from, from] },
			{ sql: `${select(1)} AND t_first BETWEEN ? AND ? AND t_last >= ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ${cap + 1})`, params: [from, to, r.key, bucketStart(from), to, from, from, to] },
			{ sql: `${select(2)} AND t_first BETWEEN ? AND ? AND t_last > ? AND ts > ? ORDER BY ts LIMIT ${EDGE})`, params: [to, afterBound(to), r.key, bucketStart(to), afterBound(to), to, to] },
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

/** Holdings of each address that touch its window (or hold at `w.at`). */
export async function addressHoldings(store: Store, reads: AddressRead[], o: TrackOptions): Promise<{ holdings: Holding[][]; around: Holding[][]; capped: boolean }> {
	const read = await addressEvents(store, reads, o.maxEvents ?? 5000);
	// `around` keeps the holdings just outside the window too (from the edge reads): context for "free at T".
	const around = read.map((r, i) => buildHoldings(toTimeline(r.events, reads[i].key.toString('hex')), { now: o.now, skew: o.skew, truncatedStart: r.before >= EDGE, truncatedEnd: r.after >= EDGE || r.capped }));
	const holdings = around.map((list, i) => list.filter(h => inWindow(h, reads[i].w)));
	return { holdings, around, capped: read.some(r => r.capped) };
}

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
