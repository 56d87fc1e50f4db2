// What the demo hands to the ingest for one server, after writing the server's own files and reading them back
// through the product's format readers.
import type { DhcpConfig, LeaseEventRecord, LeaseRecord } from '../domain/dhcp.js';
import type { FormatIssue } from '../formats/format-issue.js';
import type { DemoPlan, DemoScope, DemoServer } from './enterprise.js';
import type { ServerHistory } from './history.js';

export interface ServerSources {
	config: DhcpConfig;
	/** Events read from the server's logs or lease journal, in batches. */
	events: LeaseEventRecord[][];
	/** The lease set collected at `now` (null when the server only yields snapshots). */
	leases: LeaseRecord[] | null;
	/** Lease sets collected one after another (dnsmasq keeps no history: the store diffs them), produced lazily. */
	snapshots: Iterable<{ at: number; leases: LeaseRecord[] }>;
	files: string[];
	issues: FormatIssue[];
}

export interface SourceContext {
	dir: string;
	plan: DemoPlan;
	server: DemoServer;
	scopes: DemoScope[];
	history: ServerHistory;
	now: number;
	from: number;
}

/** Splits a long list into ingest-sized batches. */
export function batches<T>(items: T[], size = 100_000): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}
