// The contract between the scheduler (workers/) and each source kind (kea/, dhcpd/, dnsmasq/, windows/):
// a collector talks to one server and returns a typed CollectionBatch; it never touches SQL or the UI.
import type { CollectionBatch } from '../domain/dhcp.js';

/** A server as the collector sees it (from the store's `server` row; never includes secrets itself). */
export interface ServerInfo {
	id: number;
	name: string;
	kind: string;
	address: string;
	transport: string;
	/** Parsed `server.endpoint` JSON: url, socket path, lease/config file paths, ssh host/user/port … */
	endpoint: Record<string, unknown>;
	credentialRef: string;
}

/** What to collect this run: each scheduled task asks for some of these. */
export type CollectPart = 'health' | 'config' | 'leases' | 'events';

export interface CollectContext {
	server: ServerInfo;
	parts: CollectPart[];
	/** The credential named by `credentialRef`, resolved from the secrets file or environment; never log it. */
	secret?: string;
	/** Aborted on timeout or shutdown: every network call must honour it. */
	signal: AbortSignal;
	timeoutMs: number;
	/** Where incremental readers stopped last time, by source name (from collect_cursor). */
	cursors: Record<string, unknown>;
}

export interface Collector {
	kind: string;
	collect(ctx: CollectContext): Promise<CollectionBatch>;
}
