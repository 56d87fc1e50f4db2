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
//
// One module per question: tracking-address.ts, tracking-clients.ts (MAC / client id / DUID), tracking-hosts.ts,
// tracking-users.ts; tracking-rows.ts turns holdings into rows and links users; tracking-events.ts holds what
// the lease-event reads share.
import type { Store } from './database.js';
import { tryParseAddress, type Family } from '../source/domain/ip.js';
import { parseClientTerm, tryParseMac } from '../source/domain/mac.js';
import type { EndReason } from '../source/domain/timeline.js';
import type { TimeWindow } from '../source/domain/time.js';
import { trackAddress } from './tracking-address.js';
import { trackClient } from './tracking-clients.js';
import { trackHost } from './tracking-hosts.js';
import { trackUser } from './tracking-users.js';

export { trackAddress, trackClient, trackHost, trackUser };
export { matchHosts } from './tracking-hosts.js';

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
