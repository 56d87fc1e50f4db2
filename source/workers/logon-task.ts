// The logons task of a domain controller: Get-WinEvent from the server's cursor on (the newest event time and
// record id read last time), the logon rows, the moved cursor and the server's status in one transaction.
// VERIFIED AGAINST RECORDED OUTPUT ONLY: no Windows or PowerShell runs where this was written; the tests replay
// recorded/constructed Get-WinEvent output through node-powershell's NODE_POWERSHELL seam.
import type { Store } from '../../store/database.js';
import { insertLogonsFrom, logonCursor, type LogonInsertResult } from '../../store/logons.js';
import { parseEndpoint, setServerStatus, type ServerRow } from '../../store/servers.js';
import type { LogonCollection } from '../collectors/windows-logons/index.js';
import { runAgainstServer, type ServerRun, type ServerRunOptions } from './server-run.js';

/**
 * Where a DC's first read starts when it has no cursor yet: a day before it was registered (or before now, if
 * earlier), so a DC that cannot be reached at first loses nothing once it answers.
 */
export const FIRST_RUN_LOOKBACK_S = 86_400;

export interface LogonRunResult extends LogonInsertResult {
	/** Events read from the DC (including repeats and unreadable ones). */
	events: number;
	/** Logon records made from them (computer accounts included; the store drops those). */
	records: number;
	/** Events of the cursor's second already stored by the previous run. */
	repeated: number;
	/** Events that could not be read, with the reason. */
	problems: string[];
	/** The cursor after this run (epoch seconds of the newest event read). */
	cursorTs: number | null;
	/** The DC has more events than one run reads (endpoint maxPages): the task runs again at the next pass. */
	more: boolean;
}

function positive(value: unknown): number | undefined {
	const n = Number(value);
	return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Reads one domain controller from its cursor (or from `since` when given and later) and stores what came
 * back with the cursor. `now` stamps the status and the cursor row.
 */
export async function collectDomainController(
	store: Store,
	server: ServerRow,
	options: ServerRunOptions & { now: number; since?: number },
): Promise<ServerRun<LogonRunResult>> {
	const endpoint = parseEndpoint(server.endpoint);
	let since = options.since;
	const computer = String(endpoint.computerName ?? '') || server.address || server.name;
	return runAgainstServer<LogonCollection, LogonRunResult>(
		store,
		server,
		options,
		async call => {
			const after = await logonCursor(store, server.id);
			// An explicit --since wins (a backfill); otherwise the cursor, or a day back on the first run.
			since ??= after ? undefined : Math.min(options.now, server.created_at) - FIRST_RUN_LOOKBACK_S;
			const { collectLogons } = await import('../collectors/windows-logons/index.js');
			const { windowsCredential } = await import('../collectors/windows/credential.js');
			// Without a credential PowerShell reads as the collecting account (which needs Event Log Readers on the DC).
			return collectLogons(
				{ id: server.id, name: server.name, address: computer },
				{
					since,
					after: options.since === undefined ? after : null,
					signal: call.signal,
					timeoutMs: call.timeoutMs,
					pageSize: positive(endpoint.pageLimit),
					maxPages: positive(endpoint.maxPages),
					credential: windowsCredential(call.secret, server.name),
				},
			);
		},
		got =>
			store.transaction(async tx => {
				const stored = await insertLogonsFrom(tx, server.id, got.records, got.cursor ?? (since !== undefined ? { ts: since, recordId: null } : null), options.now);
				const message = got.problems.length ? `${got.problems.length} event(s) unreadable: ${got.problems[0]}` : '';
				await setServerStatus(tx, server.id, { status: got.problems.length ? 'degraded' : 'ok', message, seenAt: options.now, collectedAt: options.now });
				return {
					...stored,
					events: got.events,
					records: got.records.length,
					repeated: got.repeated,
					problems: got.problems,
					more: got.more,
					cursorTs: (await logonCursor(tx, server.id))?.ts ?? null,
				};
			}),
	);
}
