// Holding intervals from lease-event history: who held an address from when to when, per (address, client).
// Pure: the store fetches the events, this folds them. Tolerates HA duplicates and clock-skewed servers.
import { LeaseEventKind } from './dhcp.js';

/** One lease event as the store hands it over (lease_event row with the address key as hex). */
export interface TimelineEvent {
	id?: number;
	ts: number;
	kind: number;
	/** Address key in hex (8 digits IPv4, 32 IPv6): groups events per address. */
	ip: string;
	serverId: number | null;
	clientRef: number | null;
	hostRef: number | null;
	userRef?: number | null;
	/** When the lease granted by this event ends; null = unknown or never. */
	expires: number | null;
}

export type EndReason = 'release' | 'expire' | 'decline' | 'delete' | 'next-holder' | 'lease-end' | 'held';

/** One client holding one address without interruption (renewals merged). */
export interface Holding {
	ip: string;
	clientRef: number | null;
	from: number;
	/** Last second held; null = still held with no known end. */
	to: number | null;
	end: EndReason;
	/** False when the history fetched starts with a renewal: the holding began at or before `from`. */
	fromExact: boolean;
	/** False when the history fetched ended while this was still held: it lasted at least until `to`. */
	toExact: boolean;
	/** Latest known lease end (expires) seen while held. */
	leaseEnd: number | null;
	/** Last host name / user reference the events carried while held. */
	hostRef: number | null;
	userRef: number | null;
	/** Servers that reported events of this holding (two for an HA pair). */
	servers: number[];
	/** Events folded into this holding after de-duplication, and how many duplicates were dropped. */
	events: number;
	duplicates: number;
}

export interface TimelineOptions {
	/** Clock-skew tolerance between servers, seconds: the same event reported within it counts once. */
	skew?: number;
	/** "Now": a lease ending after it is reported as still held. */
	now?: number;
	/** The first event of each address is known not to be the start of history (fetched from a window). */
	truncatedStart?: boolean;
	/** The last event of each address is known not to be the end of history (more events follow). */
	truncatedEnd?: boolean;
}

export const DEFAULT_SKEW = 60;

const HOLD = new Set<number>([LeaseEventKind.assign, LeaseEventKind.renew]);
const END: Record<number, EndReason> = {
	[LeaseEventKind.release]: 'release',
	[LeaseEventKind.expire]: 'expire',
	[LeaseEventKind.decline]: 'decline',
	[LeaseEventKind.delete]: 'delete',
};

function byTime(a: TimelineEvent, b: TimelineEvent): number {
	return a.ts - b.ts || a.kind - b.kind || (a.serverId ?? 0) - (b.serverId ?? 0) || (a.id ?? 0) - (b.id ?? 0);
}

/** An event after de-duplication: the servers that reported it and how many copies were folded in. */
export interface FoldedEvent extends TimelineEvent {
	servers: number[];
	copies: number;
}

/**
 * Drops copies of one event reported by another server (HA pair) within `skew` seconds.
 * Copies from the same server are kept: a client may really release and re-take an address within seconds.
 */
export function dedupe(sorted: TimelineEvent[], skew: number): FoldedEvent[] {
	const kept: FoldedEvent[] = [];
	for (const e of sorted) {
		let twin: FoldedEvent | undefined;
		for (let i = kept.length - 1; i >= 0 && e.ts - kept[i].ts <= skew; i--) {
			const k = kept[i];
			if (k.kind === e.kind && k.clientRef === e.clientRef && k.ip === e.ip && e.serverId !== null && !k.servers.includes(e.serverId)) {
				twin = k;
				break;
			}
		}
		if (!twin) {
			// Built field by field: a spread of events of several shapes is several times slower, per event.
			kept.push({
				id: e.id,
				ts: e.ts,
				kind: e.kind,
				ip: e.ip,
				serverId: e.serverId,
				clientRef: e.clientRef,
				hostRef: e.hostRef,
				userRef: e.userRef,
				expires: e.expires,
				servers: e.serverId === null ? [] : [e.serverId],
				copies: 0,
			});
			continue;
		}
		twin.copies++;
		twin.servers.push(e.serverId!);
		if (e.expires !== null && (twin.expires === null || e.expires > twin.expires)) twin.expires = e.expires;
		twin.hostRef ??= e.hostRef;
		twin.userRef ??= e.userRef ?? null;
	}
	return kept;
}

/** Folds the events of ONE address (any order) into holdings, oldest first. */
export function holdingsOfAddress(events: TimelineEvent[], options: TimelineOptions = {}): Holding[] {
	const skew = options.skew ?? DEFAULT_SKEW;
	const now = options.now ?? Math.floor(Date.now() / 1000);
	const kept = dedupe([...events].sort(byTime), skew);
	const out: Holding[] = [];
	let open: Holding | null = null;

	const close = (to: number | null, end: EndReason) => {
		if (!open) return;
		open.to = to;
		open.end = end;
		out.push(open);
		open = null;
	};
	/** The open holding ran out before `t` (lease end passed, beyond the skew allowance). */
	const lapsedBefore = (t: number) => open !== null && open.leaseEnd !== null && t > open.leaseEnd + skew;

	kept.forEach((e, index) => {
		if (lapsedBefore(e.ts)) close(open!.leaseEnd, 'lease-end');
		if (HOLD.has(e.kind)) {
			if (open && open.clientRef === e.clientRef) {
				if (e.expires !== null && (open.leaseEnd === null || e.expires > open.leaseEnd)) open.leaseEnd = e.expires;
			} else {
				if (open) close(open.leaseEnd !== null && open.leaseEnd < e.ts ? open.leaseEnd : e.ts, 'next-holder');
				open = {
					ip: e.ip,
					clientRef: e.clientRef,
					from: e.ts,
					to: null,
					end: 'held',
					fromExact: !(options.truncatedStart && index === 0 && e.kind !== LeaseEventKind.assign),
					toExact: true,
					leaseEnd: e.expires,
					hostRef: null,
					userRef: null,
					servers: [],
					events: 0,
					duplicates: 0,
				};
			}
			const h: Holding = open!;
			h.events++;
			h.duplicates += e.copies;
			if (e.hostRef !== null) h.hostRef = e.hostRef;
			if (e.userRef != null) h.userRef = e.userRef;
			for (const s of e.servers) if (!h.servers.includes(s)) h.servers.push(s);
			return;
		}
		const reason = END[e.kind];
		// An end event for someone other than the holder (a late HA copy, a stale expiry) changes nothing.
		if (reason && open && (e.clientRef === null || e.clientRef === open.clientRef)) {
			const h: Holding = open;
			h.events++;
			h.duplicates += e.copies;
			for (const s of e.servers) if (!h.servers.includes(s)) h.servers.push(s);
			// An expiry is logged when the server gets round to it; the lease itself ended at its end time.
			close(reason === 'expire' && h.leaseEnd !== null && h.leaseEnd < e.ts ? h.leaseEnd : e.ts, reason);
		}
	});
	if (open) {
		const h: Holding = open;
		h.toExact = !options.truncatedEnd;
		if (h.leaseEnd !== null && h.leaseEnd < now) close(h.leaseEnd, 'lease-end');
		else close(h.leaseEnd, 'held');
	}
	return out;
}

/** Groups events by address and folds each; result sorted by start time. */
export function buildHoldings(events: TimelineEvent[], options: TimelineOptions = {}): Holding[] {
	const perAddress = new Map<string, TimelineEvent[]>();
	for (const e of events) {
		let list = perAddress.get(e.ip);
		if (!list) perAddress.set(e.ip, (list = []));
		list.push(e);
	}
	const out: Holding[] = [];
	for (const list of perAddress.values()) out.push(...holdingsOfAddress(list, options));
	return out.sort((a, b) => a.from - b.from || a.ip.localeCompare(b.ip));
}

/** Whether a holding covers the point `t` (a still-held holding runs on). */
export function holdsAt(h: Holding, t: number): boolean {
	return h.from <= t && (h.to === null || t <= h.to);
}

/** Whether a holding overlaps the window [from, to] (null = unbounded). */
export function overlaps(h: Holding, from: number | null, to: number | null): boolean {
	if (to !== null && h.from > to) return false;
	if (from !== null && h.to !== null && h.to < from) return false;
	return true;
}
