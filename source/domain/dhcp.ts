// The typed records every DHCP source is read into (lease files, control APIs, PowerShell, audit logs),
// and that the store's ingest path takes. Collectors and formats produce these; nothing here does I/O.
import type { Family } from './ip.js';

export type LeaseState =
	| 'active'
	| 'offered'
	| 'declined'
	| 'expired'
	| 'released'
	| 'reserved'
	| 'free'
	| 'backup'
	| 'abandoned';

/** One lease as a server reports it now. Addresses and ids are canonical (ip.ts / mac.ts); times are epoch seconds. */
export interface LeaseRecord {
	family: Family;
	/** Canonical address text (for prefix delegations, the prefix's first address). */
	ip: string;
	leaseType?: 'na' | 'ta' | 'pd';
	prefixLen?: number | null;
	mac?: string | null;
	clientId?: string | null;
	duid?: string | null;
	iaid?: number | null;
	/** As sent by the client: untrusted, sanitized only at display. */
	hostname?: string | null;
	vendorClass?: string | null;
	state: LeaseState;
	starts?: number | null;
	/** null = never expires. */
	ends?: number | null;
	cltt?: number | null;
	/** The server's own id of the scope/subnet this lease belongs to, when it says. */
	scopeKey?: string | null;
}

/** Event kinds, as stored in lease_event.kind. */
export const LeaseEventKind = {
	assign: 1,
	renew: 2,
	release: 3,
	expire: 4,
	decline: 5,
	delete: 6,
	offer: 7,
	conflict: 8,
	other: 9,
} as const;
export type LeaseEventKindName = keyof typeof LeaseEventKind;

export function leaseEventKindName(kind: number): LeaseEventKindName {
	return (Object.keys(LeaseEventKind) as LeaseEventKindName[]).find(k => LeaseEventKind[k] === kind) ?? 'other';
}

/** One lease-history event (from an audit log, or from comparing successive collections). */
export interface LeaseEventRecord {
	ts: number;
	kind: LeaseEventKindName;
	family: Family;
	ip: string;
	mac?: string | null;
	clientId?: string | null;
	duid?: string | null;
	hostname?: string | null;
	user?: string | null;
	/** When the lease granted by this event ends, if known. */
	expires?: number | null;
	vendorClass?: string | null;
}

/** A DHCP scope / Kea subnet+pool / dhcpd range / dnsmasq dhcp-range. */
export interface ScopeRecord {
	/** Stable id of the scope on its server (Kea subnet id + pool index, Windows ScopeId, dhcpd network…). */
	key: string;
	family: Family;
	/** The subnet the scope sits in, as a CIDR, when known. */
	subnet?: string | null;
	start: string;
	end: string;
	name?: string;
	description?: string;
	/** Active / inactive as the server says. */
	state?: string;
	leaseSeconds?: number | null;
	options?: Record<string, unknown>;
	/** Server-reported utilization, when it has statistics. */
	reportedUsed?: number | null;
}

export interface ReservationRecord {
	scopeKey?: string | null;
	family: Family;
	ip: string;
	mac?: string | null;
	clientId?: string | null;
	duid?: string | null;
	iaid?: number | null;
	name?: string;
	description?: string;
	options?: Record<string, unknown>;
}

/** A server's configuration as collected: what config-change events are computed from. */
export interface DhcpConfig {
	scopes: ScopeRecord[];
	reservations: ReservationRecord[];
	/** Server-wide options and settings, normalised to plain JSON. */
	options?: Record<string, unknown>;
}

/** What one collection run of one server hands to the store. Absent parts were not collected this time. */
export interface CollectionBatch {
	config?: DhcpConfig;
	/** The complete set of current leases (the store diffs it against the previous set). */
	leases?: LeaseRecord[];
	/** History events read directly from the server's logs/journal. */
	events?: LeaseEventRecord[];
	health?: { ok: boolean; version?: string; message?: string };
	/** New positions of incremental readers (audit-log offsets…), stored in the same transaction as the events. */
	cursors?: Record<string, unknown>;
}
