// Logon events from Windows domain controllers: Get-WinEvent on the Security log through node-powershell, read as
// event XML from a cursor (time + record id) on, as the collecting account or the DC's credential (a PSCredential). VERIFIED AGAINST RECORDED/CONSTRUCTED OUTPUT ONLY: no Windows
// and no PowerShell can run where this was written; the tests drive it through node-powershell's NODE_POWERSHELL
// seam with a stand-in executable (test/fixtures/windows-logons/).
import { PowerShell, InvocationError } from 'node-powershell';
import type { LogonRecord } from '../../domain/logon.js';
import type { ServerInfo } from '../collector.js';
import { parseEventXml } from './event-xml.js';
import { logonFromEvent } from './records.js';
import { CREDENTIAL_VARIABLE, credentialEnvironment, establishCredential, type WindowsCredential } from '../windows/credential.js';

export const LOGON_EVENT_IDS = [4624, 4634, 4647, 4768, 4769] as const;

export class LogonCollectError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LogonCollectError';
	}
}

/** The minimum node-powershell surface used, so tests and callers can pass their own shell. */
export interface LogonShell {
	invoke(command: string): Promise<{ raw: string }>;
	dispose(): Promise<unknown>;
}

/** Where a DC's Security log was read up to: the newest event's time and its EventRecordID. */
export interface LogonCursor {
	ts: number;
	/** EventRecordID of the newest event read at `ts` (null when the DC gave none). */
	recordId: number | null;
}

export interface LogonCollectOptions {
	/** Read events at or after this time (epoch seconds). */
	since?: number;
	/**
	 * The previous run's cursor: reading starts at its second (Get-WinEvent's StartTime has no record ids), and the
	 * events of that second up to its record id are skipped as already read. Wins over `since` when later.
	 */
	after?: LogonCursor | null;
	/** Aborts the run (deadline, shutdown): the PowerShell process is ended. */
	signal?: AbortSignal;
	/** Events per Get-WinEvent call (-MaxEvents) and calls per run. */
	pageSize?: number;
	maxPages?: number;
	timeoutMs?: number;
	shell?: LogonShell;
	/** Read as this account instead of the collecting one (-Credential); see collectors/windows/credential.ts. */
	credential?: WindowsCredential;
}

export interface LogonCollection {
	records: LogonRecord[];
	/** Where the next run starts (the newest event time read; the boundary second is re-read, the store ignores repeats). */
	since: number | null;
	/** The newest event read (time, record id), or null when none was. */
	cursor: LogonCursor | null;
	events: number;
	/** Events skipped as already read by the previous run (the cursor's second is read again). */
	repeated: number;
	/** Events that could not be read, with the reason; the rest are kept. */
	problems: string[];
	/** The run stopped at maxPages with a full last page: the DC has more, to be read from the cursor. */
	more: boolean;
}

/** A DC name or address as a PowerShell single-quoted literal; anything but host-name characters is refused. */
export function psComputerName(name: string): string {
	const t = name.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9.\-:]*$/.test(t)) throw new LogonCollectError(`"${name}" is not a computer name or address PowerShell can be given`);
	return `'${t}'`;
}

/** One line of PowerShell: the page of events as a JSON array of XML strings, or {error, id} — stdout is always JSON. */
export function logonCommand(computer: string | null, since: number, pageSize: number, withCredential = false): string {
	const target = (computer ? ` -ComputerName ${psComputerName(computer)}` : '') + (withCredential ? ` -Credential ${CREDENTIAL_VARIABLE}` : '');
	const start = `([DateTimeOffset]::FromUnixTimeSeconds(${Math.max(0, Math.floor(since))})).UtcDateTime`;
	return [
		`$ErrorActionPreference='Stop'`,
		`$ProgressPreference='SilentlyContinue'`,
		`[Console]::OutputEncoding=[Text.Encoding]::UTF8`,
		`try{$f=@{LogName='Security';Id=${LOGON_EVENT_IDS.join(',')};StartTime=${start}}` +
			`;ConvertTo-Json -Compress -InputObject @(Get-WinEvent${target} -FilterHashtable $f -MaxEvents ${Math.floor(pageSize)} -Oldest | ForEach-Object { $_.ToXml() })}` +
			`catch{ConvertTo-Json -Compress -InputObject @{error=$_.Exception.Message;id=$_.FullyQualifiedErrorId}}`,
	].join(';');
}

const NO_MATCH = 'NoMatchingEventsFound';

/** Reads one page's output: an array of XML strings; "no events" (an error in Get-WinEvent) is an empty page. */
export function parsePage(raw: string): string[] {
	const text = raw.trim();
	if (text === '') return [];
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new LogonCollectError(`Get-WinEvent output is not JSON: ${text.slice(0, 120)}`);
	}
	if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
	if (typeof value === 'string') return [value];
	const err = value as { error?: string; id?: string };
	if (err && typeof err === 'object' && (err.error !== undefined || err.id !== undefined)) {
		if (String(err.id ?? '').startsWith(NO_MATCH)) return [];
		throw new LogonCollectError(`Get-WinEvent failed: ${err.error ?? 'unknown error'}${err.id ? ` (${err.id})` : ''}`);
	}
	throw new LogonCollectError('Get-WinEvent output is neither a list of events nor an error');
}

/** True when `a` lies past `b` in the log (later second, or the same second and a higher record id). */
function isBeyond(a: LogonCursor, b: LogonCursor | null): boolean {
	if (!b) return true;
	return a.ts !== b.ts ? a.ts > b.ts : (a.recordId ?? -1) > (b.recordId ?? -1);
}

/** True when `event` was read by the run that left `after` (same second, record id not beyond the cursor's). */
function alreadyRead(event: { ts: number; recordId: number | null }, after: LogonCursor | null | undefined): boolean {
	if (!after || event.ts !== after.ts || after.recordId === null || event.recordId === null) return false;
	return event.recordId <= after.recordId;
}

/** Collects logon events of one domain controller since the cursor, page by page (oldest first). */
export async function collectLogons(server: Pick<ServerInfo, 'id' | 'name' | 'address'>, options: LogonCollectOptions = {}): Promise<LogonCollection> {
	const pageSize = options.pageSize ?? 5000;
	const maxPages = options.maxPages ?? 20;
	const shell: LogonShell =
		options.shell ??
		new PowerShell({
			invocationTimeout: options.timeoutMs ?? 60_000,
			executableOptions: { '-NoProfile': true, '-NonInteractive': true },
			...(options.credential ? { spawnOptions: { env: credentialEnvironment(options.credential) } } : {}),
		});
	// Ending the PowerShell process fails the pending invocation: that is how a deadline or shutdown stops a read.
	const onAbort = () => void shell.dispose().catch(() => undefined);
	options.signal?.addEventListener('abort', onAbort, { once: true });
	const computer = server.address || server.name;
	const after = options.after ?? null;
	let since = Math.max(options.since ?? 0, after?.ts ?? 0);
	const out: LogonCollection = { records: [], since: options.since ?? after?.ts ?? null, cursor: null, events: 0, repeated: 0, problems: [], more: false };
	// Within a run, pages overlap at their boundary second too: the newest event so far is the skip point.
	let seen: LogonCursor | null = after;
	try {
		if (options.credential) await establishCredential(shell, server.name);
		for (let page = 0; page < maxPages; page++) {
			if (options.signal?.aborted) throw new LogonCollectError(`Get-WinEvent on ${server.name}: cancelled`);
			let raw: string;
			try {
				raw = (await shell.invoke(logonCommand(computer, since, pageSize, !!options.credential))).raw;
			} catch (err) {
				if (options.signal?.aborted) throw new LogonCollectError(`Get-WinEvent on ${server.name}: cancelled`);
				const message = err instanceof InvocationError || err instanceof Error ? err.message : String(err);
				// An ErrorView that writes to stderr still names the error id.
				if (message.includes(NO_MATCH)) break;
				throw new LogonCollectError(`Get-WinEvent on ${server.name}: ${message.split(/\r?\n/)[0] || 'no answer (timeout)'}`);
			}
			const xmls = parsePage(raw);
			let newest = since;
			const skipPoint = seen;
			for (const xml of xmls) {
				out.events++;
				try {
					const event = parseEventXml(xml);
					newest = Math.max(newest, event.ts);
					if (alreadyRead(event, skipPoint)) {
						out.repeated++;
						continue;
					}
					const position = { ts: event.ts, recordId: event.recordId };
					if (isBeyond(position, seen)) seen = position;
					if (isBeyond(position, out.cursor)) out.cursor = position;
					const record = logonFromEvent(event, server.id, `dc:${server.name}`);
					if (record) out.records.push(record);
				} catch (err) {
					out.problems.push(`event ${out.events} from ${server.name}: ${(err as Error).message}`);
				}
			}
			out.since = newest;
			// A short page is the end; a full page whose events all share one second cannot advance: stop.
			if (xmls.length < pageSize || newest === since) break;
			since = newest;
			out.more = page === maxPages - 1;
		}
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
		if (!options.shell) await shell.dispose().catch(() => undefined);
	}
	return out;
}
