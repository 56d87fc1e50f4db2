// What the demo hands to the ingest for one server, after writing the server's own files and reading them back
// through the product's format readers.
import type { DhcpConfig, LeaseEventRecord, LeaseRecord } from '../domain/dhcp.js';
import type { FormatIssue } from '../formats/format-issue.js';
import type { DemoPlan, DemoScope, DemoServer } from './enterprise.js';
import type { ServerHistory } from './history.js';

export interface ServerSources {
	config: DhcpConfig;
	/** Events read from the server's logs or lease journal, in batches, as the files are read (not all held at once). */
	events: AsyncIterable<LeaseEventRecord[]> | Iterable<LeaseEventRecord[]>;
	/** The lease set collected at `now`, once the events are read (null when the server only yields snapshots). */
	leases: () => LeaseRecord[] | null;
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

