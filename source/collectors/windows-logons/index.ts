// Logon events from Windows domain controllers: Get-WinEvent on the Security log through node-powershell, read as
// event XML. Verified against recorded/constructed output only (no PowerShell can run here): see the fixtures.
import { PowerShell, InvocationError } from 'node-powershell';
import type { LogonRecord } from '../../domain/logon.js';
import type { ServerInfo } from '../collector.js';
import { parseEventXml } from './event-xml.js';
import { logonFromEvent } from './records.js';

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

export interface LogonCollectOptions {
	/** Read events at or after this time (epoch seconds); the cursor of the previous run. */
	since?: number;
	/** Events per Get-WinEvent call (-MaxEvents) and calls per run. */
	pageSize?: number;
	maxPages?: number;
	timeoutMs?: number;
	shell?: LogonShell;
}

export interface LogonCollection {
	records: LogonRecord[];
	/** Where the next run starts (the newest event time read; the boundary second is re-read, the store ignores repeats). */
	since: number | null;
	events: number;
	/** Events that could not be read, with the reason; the rest are kept. */
	problems: string[];
}

/** A DC name or address as a PowerShell single-quoted literal; anything but host-name characters is refused. */
export function psComputerName(name: string): string {
	const t = name.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9.\-:]*$/.test(t)) throw new LogonCollectError(`"${name}" is not a computer name or address PowerShell can be given`);
	return `'${t}'`;
}

/** One line of PowerShell: the page of events as a JSON array of XML strings, or {error, id} — stdout is always JSON. */
export function logonCommand(computer: string | null, since: number, pageSize: number): string {
	const target = computer ? ` -ComputerName ${psComputerName(computer)}` : '';
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

/** Collects logon events of one domain controller since the cursor, page by page (oldest first). */
export async function collectLogons(server: Pick<ServerInfo, 'id' | 'name' | 'address'>, options: LogonCollectOptions = {}): Promise<LogonCollection> {
	const pageSize = options.pageSize ?? 5000;
	const maxPages = options.maxPages ?? 20;
	const shell: LogonShell =
		options.shell ??
		new PowerShell({ invocationTimeout: options.timeoutMs ?? 60_000, executableOptions: { '-NoProfile': true, '-NonInteractive': true } });
	const computer = server.address || server.name;
	const out: LogonCollection = { records: [], since: options.since ?? null, events: 0, problems: [] };
	let since = options.since ?? 0;
	try {
		for (let page = 0; page < maxPages; page++) {
			let raw: string;
			try {
				raw = (await shell.invoke(logonCommand(computer, since, pageSize))).raw;
			} catch (err) {
				const message = err instanceof InvocationError || err instanceof Error ? err.message : String(err);
				// An ErrorView that writes to stderr still names the error id.
				if (message.includes(NO_MATCH)) break;
				throw new LogonCollectError(`Get-WinEvent on ${server.name}: ${message.split(/\r?\n/)[0] || 'no answer (timeout)'}`);
			}
			const xmls = parsePage(raw);
			let newest = since;
			for (const xml of xmls) {
				out.events++;
				try {
					const event = parseEventXml(xml);
					newest = Math.max(newest, event.ts);
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
		}
	} finally {
		if (!options.shell) await shell.dispose().catch(() => undefined);
	}
	return out;
}
