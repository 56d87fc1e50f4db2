// What tracking's lease-event reads share: the event row as read, the window bounds, and how far around a window
// events are read. Layout facts used (001_initial.sql, 003_lease_chunk_bucket_keys.sql, store/lease-history.ts):
// lease_event's columns, chunks found by bucket (bucketsIn) and then ip, client_ref or host_ref with t_first bounds,
// every event of a chunk lying between its t_first and t_last inside the time bucket of its t_first; and, where
// tracking-clients.ts unpacks whole chunks itself, a chunk's ev as the view reads it ([ts, kind, user_ref, expires]
// per event, id = chunk id << 12 | position).
import type { Store } from './database.js';
import { bucketStart, BUCKET_BITS } from './lease-history.js';
import { holdsAt, overlaps, type Holding, type TimelineEvent } from '../source/domain/timeline.js';
import type { TimeWindow } from '../source/domain/time.js';

/** Events read on either side of a window so the holding across its edge is known. */
export const EDGE = 16;
export const FAR_FUTURE = 253402300799;

export interface EventRow {
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
export const EVENT_COLUMNS = 'id, ts, kind, server_id, client_ref, host_ref, user_ref, expires';

export function bounds(w: TimeWindow): [number, number] {
	return [w.from ?? 0, w.to ?? FAR_FUTURE];
}

/**
 * How far past a window the "next events" are looked for: a few time buckets. A lease unrenewed that long has
 * ended by its own expiry, so later events cannot change a holding's end; without the bound every later chunk
 * of a three-year history would be unpacked to find sixteen events.
 */
export function afterBound(to: number): number {
	return Math.min(FAR_FUTURE, bucketStart(to) + 3 * 2 ** BUCKET_BITS);
}

export function toTimeline(rows: EventRow[], ip: string): TimelineEvent[] {
	return rows.map(r => timelineEvent(r, ip));
}

export function timelineEvent(r: EventRow, ip: string): TimelineEvent {
	return { id: r.id, ts: r.ts, kind: r.kind, ip, serverId: r.server_id, clientRef: r.client_ref, hostRef: r.host_ref, userRef: r.user_ref, expires: r.expires };
}

export function inWindow(h: Holding, w: TimeWindow): boolean {
	return w.at !== undefined ? holdsAt(h, w.at) : overlaps(h, w.from, w.to);
}

/** A compound SELECT may have at most 500 terms (SQLITE_MAX_COMPOUND_SELECT): batches stay below it. */
const TERMS_PER_STATEMENT = 450;

/** Runs per-item sub-selects as few compound statements; each part is "SELECT * FROM (… LIMIT n)". */
export async function compound<T>(store: Store, parts: { sql: string; params: unknown[] }[]): Promise<T[]> {
	const out: T[] = [];
	for (let i = 0; i < parts.length; i += TERMS_PER_STATEMENT) {
		const chunk = parts.slice(i, i + TERMS_PER_STATEMENT);
		out.push(...(await store.all<T>(chunk.map(p => p.sql).join(' UNION ALL '), chunk.flatMap(p => p.params) as never)));
	}
	return out;
}
