// Generic logon-record files (CSV with a header, or JSON lines) from non-Windows sources: VPN, RADIUS, SSO logs.
// Header names are matched loosely (case, spaces, _ and - ignored); bad rows are reported by line and field.
import fs from 'node:fs';
import readline from 'node:readline';
import { headerKey, readCsvFile } from './csv.js';
import { IssueLog } from './format-issue.js';
import { LogonKind, logonAddress, logonHost, normaliseAccount, type LogonRecord } from '../domain/logon.js';
import { parseTime } from '../domain/time.js';

export type LogonFileFormat = 'csv' | 'jsonl';

/** Accepted names per field (after headerKey). */
const FIELDS: Record<string, string[]> = {
	time: ['time', 'timestamp', 'ts', 'date', 'datetime', 'when', 'eventtime'],
	user: ['user', 'username', 'account', 'login', 'userprincipalname', 'upn', 'targetusername'],
	domain: ['domain', 'userdomain', 'targetdomainname'],
	host: ['host', 'hostname', 'workstation', 'workstationname', 'computer', 'device', 'client'],
	ip: ['ip', 'ipaddress', 'address', 'clientip', 'sourceip', 'srcip', 'framedip'],
	kind: ['event', 'kind', 'action', 'type', 'eventid'],
	logonId: ['logonid', 'sessionid', 'session'],
};

export const LOGON_FILE_FIELDS = FIELDS;

function fieldOf(name: string): string | undefined {
	const key = headerKey(name);
	return Object.keys(FIELDS).find(f => FIELDS[f].includes(key));
}

/** "logon"/"login"/"start", "logoff"/"logout"/"stop", or a Windows event id. */
function parseKind(text: string): number | string {
	const t = text.trim().toLowerCase();
	if (t === '' || ['logon', 'login', 'start', 'connect', 'auth', 'authenticated'].includes(t)) return LogonKind.logon;
	if (['logoff', 'logout', 'stop', 'disconnect'].includes(t)) return LogonKind.logoff;
	if (/^(4624|4634|4647|4768|4769)$/.test(t)) return Number(t);
	return `"${text}" is not logon, logoff or a Windows logon event id`;
}

/** File times: ISO 8601 (local unless it has a zone) or epoch seconds/milliseconds; no relative forms. */
function parseFileTime(text: string): number | string {
	const t = text.trim();
	if (/^\d{13}$/.test(t)) return Math.floor(Number(t) / 1000);
	if (/^\d{9,11}$/.test(t) || /^\d{4}-\d{2}-\d{2}/.test(t)) {
		try {
			return parseTime(t);
		} catch (err) {
			return (err as Error).message;
		}
	}
	return `"${text}" is not an ISO date/time or epoch seconds`;
}

/** Builds one record from named values; returns the problem (field: message) instead when a field is bad. */
export function logonFromFields(values: Record<string, string | undefined>, source: string): LogonRecord | { field: string; message: string } {
	const timeText = values.time;
	if (!timeText) return { field: 'time', message: 'missing' };
	const ts = parseFileTime(timeText);
	if (typeof ts === 'string') return { field: 'time', message: ts };
	const userText = values.user?.trim();
	if (!userText) return { field: 'user', message: 'missing' };
	const kind = parseKind(values.kind ?? '');
	if (typeof kind === 'string') return { field: 'event', message: kind };
	let address = null;
	if (values.ip && values.ip.trim() !== '' && values.ip.trim() !== '-') {
		address = logonAddress(values.ip);
		if (!address && !/^(::1|127\.)/.test(values.ip.trim())) return { field: 'ip', message: `"${values.ip}" is not an IPv4 or IPv6 address` };
	}
	const account = normaliseAccount(userText, values.domain ?? '');
	return {
		ts,
		kind,
		user: account.user,
		domain: account.domain,
		host: logonHost(values.host),
		ip: address?.ip ?? null,
		family: address?.family ?? null,
		logonId: values.logonId?.trim() || null,
		source,
	};
}

export interface LogonBatch {
	records: LogonRecord[];
	issues: IssueLog;
}

/** The format from the option, else from the extension, else from the first non-blank character. */
export function detectLogonFormat(file: string, head: string): LogonFileFormat {
	if (/\.(jsonl|ndjson|json)$/i.test(file)) return 'jsonl';
	if (/\.(csv|tsv|txt)$/i.test(file)) return 'csv';
	return head.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * Streams a logon file in batches of good records; every bad row goes to `issues` (file, line, field) and is
 * skipped. Memory stays bounded by the batch size.
 */
export async function* readLogonFile(file: string, format: LogonFileFormat, issues: IssueLog, batch = 50_000): AsyncGenerator<LogonRecord[]> {
	const source = `import:${file.split(/[\\/]/).pop()}`;
	let out: LogonRecord[] = [];
	const take = (line: number, values: Record<string, string | undefined>) => {
		const r = logonFromFields(values, source);
		if ('field' in r) issues.add(line, `${r.field}: ${r.message}`);
		else out.push(r);
	};
	if (format === 'csv') {
		let header: (string | undefined)[] | null = null;
		for await (const records of readCsvFile(file)) {
			for (const rec of records) {
				if (rec.error) {
					issues.add(rec.line, rec.error);
					continue;
				}
				if (!header) {
					header = rec.fields.map(fieldOf);
					for (const need of ['time', 'user']) {
						if (!header.includes(need)) {
							issues.add(rec.line, `header has no ${need} column (accepted: ${FIELDS[need].join(', ')})`);
							return;
						}
					}
					continue;
				}
				const values: Record<string, string | undefined> = {};
				header.forEach((f, i) => f && (values[f] = rec.fields[i]));
				take(rec.line, values);
				if (out.length >= batch) {
					yield out;
					out = [];
				}
			}
		}
	} else {
		const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
		let n = 0;
		for await (const text of lines) {
			n++;
			if (text.trim() === '') continue;
			let obj: unknown;
			try {
				obj = JSON.parse(text);
			} catch (err) {
				issues.add(n, `not a JSON object: ${(err as Error).message}`);
				continue;
			}
			if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
				issues.add(n, 'not a JSON object');
				continue;
			}
			const values: Record<string, string | undefined> = {};
			for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
				const f = fieldOf(k);
				if (f && v !== null && v !== undefined) values[f] = String(v);
			}
			take(n, values);
			if (out.length >= batch) {
				yield out;
				out = [];
			}
		}
	}
	if (out.length > 0) yield out;
}
