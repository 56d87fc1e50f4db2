// Windows DHCP Server audit logs (DhcpSrvLog-*.log, DhcpV6SrvLog-*.log) read into lease events.
// Data rows are found by shape (`<id>,MM/DD/YY,HH:MM:SS,`), never by the localized header words.
import type { LeaseEventKindName, LeaseEventRecord } from '../domain/dhcp.js';
import { canonicalClientId, canonicalIp } from './canonical-fast.js';
import { macFromClientId, tryParseClientId } from '../domain/mac.js';
import { IssueLog, type FormatIssue } from './format-issue.js';
import { LocalClock, type ServerClock } from './local-time.js';

/** v4 event IDs that change a lease (others — DNS, cleanup, rogue detection — are not lease history). */
const V4_KINDS: Record<number, LeaseEventKindName> = {
	10: 'assign',
	11: 'renew',
	12: 'release',
	13: 'conflict',
	15: 'other', // lease denied (NAK)
	16: 'delete',
	17: 'expire',
	18: 'expire',
	20: 'assign', // BOOTP
	21: 'assign', // dynamic BOOTP
	23: 'delete', // BOOTP address deleted after the in-use check
};

const V6_KINDS: Record<number, LeaseEventKindName> = {
	11001: 'offer', // Advertise
	11002: 'assign', // Request
	11003: 'renew', // Confirm
	11004: 'renew',
	11005: 'renew', // Rebind
	11006: 'decline',
	11007: 'release',
	11014: 'conflict', // bad address
	11015: 'conflict', // address in use
	11016: 'delete',
	11018: 'expire',
	11019: 'expire', // expired and deleted
};

const ROW = /^(\d+),(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d),/;

export interface AuditLogOptions {
	file?: string;
	/** The server's clock: the log has local wall-clock times without a zone. */
	clock: ServerClock;
	/** Resume from this byte offset (a cursor from a previous read). */
	startOffset?: number;
	/** Leave a last line without its newline for the next read (tailing a live log). Default: read it. */
	leaveUnterminated?: boolean;
}

export interface AuditLogResult {
	events: LeaseEventRecord[];
	/** Byte offset after the last complete line: the cursor for the next incremental read. */
	nextOffset: number;
	/** Rows with a known lease event ID (also those skipped with an issue). */
	leaseRows: number;
	/** Data rows seen in all (lease events, DNS, rogue detection, service start/stop …). */
	dataRows: number;
	issues: FormatIssue[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/** One line's bytes as text: UTF-8 when valid, else the server's ANSI code page (windows-1252). */
function decodeLine(bytes: Uint8Array): string {
	for (let i = 0; i < bytes.length; i++) {
		if (bytes[i] >= 0x80) {
			try {
				return utf8.decode(bytes);
			} catch {
				return cp1252.decode(bytes);
			}
		}
	}
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function nullIfEmpty(s: string | undefined): string | null {
	const t = (s ?? '').trim();
	return t === '' ? null : t;
}

/** Bare hex hardware address / client id column; all zeros means "none" in these logs. */
function hardware(text: string | undefined): { mac: string | null; clientId: string | null } {
	const t = nullIfEmpty(text);
	if (t === null || /^0+$/.test(t)) return { mac: null, clientId: null };
	const id = /^[0-9A-Fa-f]{12}$/.test(t) ? t.toLowerCase().replace(/(..)(?!$)/g, '$1:') : tryParseClientId(t);
	if (id === null) return { mac: null, clientId: null };
	return id.length === 17 ? { mac: id, clientId: null } : { mac: macFromClientId(id), clientId: id };
}

/** Parses a whole log (or its tail from `startOffset`); incomplete last lines are left for the next read. */
export function parseWindowsAuditLog(input: Buffer, options: AuditLogOptions): AuditLogResult {
	const log = new IssueLog(options.file ?? 'DhcpSrvLog.log');
	const clock = new LocalClock(options.clock);
	const events: LeaseEventRecord[] = [];
	let leaseRows = 0;
	let dataRows = 0;
	let pos = options.startOffset ?? 0;
	// Line numbers are only exact when reading from the start; from a cursor they count from there.
	let lineNo = 0;
	if (pos === 0 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) pos = 3;
	let nextOffset = pos;
	while (pos < input.length) {
		let nl = input.indexOf(10, pos);
		if (nl < 0) {
			// Logs copied off a server often lack the final newline; a live log being tailed may be mid-write.
			if (options.leaveUnterminated) break;
			nl = input.length;
		}
		lineNo++;
		let end = nl;
		if (end > pos && input[end - 1] === 13) end--;
		const line = decodeLine(input.subarray(pos, end));
		pos = nl + 1;
		nextOffset = Math.min(pos, input.length);
		const m = ROW.exec(line);
		if (!m) continue;
		dataRows++;
		const id = Number(m[1]);
		const v6 = id >= 11000;
		const kind = v6 ? V6_KINDS[id] : V4_KINDS[id];
		if (kind === undefined) continue;
		leaseRows++;
		const f = line.split(',');
		const mo = Number(m[2]);
		const d = Number(m[3]);
		const h = Number(m[5]);
		const mi = Number(m[6]);
		const s = Number(m[7]);
		if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
			log.add(lineNo, `date/time "${f[1]} ${f[2]}" is not MM/DD/YY HH:MM:SS; row skipped`);
			continue;
		}
		const ipText = nullIfEmpty(f[4]);
		const addr = ipText ? canonicalIp(ipText) : null;
		if (addr === null) {
			log.add(lineNo, `event ${id}: IP address "${ipText ?? ''}" is missing or invalid; row skipped`);
			continue;
		}
		const ev: LeaseEventRecord = {
			ts: clock.epoch(2000 + Number(m[4]), mo, d, h, mi, s),
			kind,
			family: addr.family,
			ip: addr.ip,
			hostname: nullIfEmpty(f[5]),
		};
		if (v6) {
			const duid = nullIfEmpty(f[8]);
			ev.duid = duid ? canonicalClientId(duid.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(duid) ? duid.toLowerCase().replace(/(..)(?!$)/g, '$1:') : duid) : null;
			ev.mac = ev.duid ? macFromClientId(ev.duid) : null;
			ev.user = nullIfEmpty(f[9]);
		} else {
			const hw = hardware(f[6]);
			ev.mac = hw.mac;
			ev.clientId = hw.clientId;
			ev.user = nullIfEmpty(f[7]);
			ev.vendorClass = nullIfEmpty(f[14]);
		}
		events.push(ev);
	}
	return { events, nextOffset, leaseRows, dataRows, issues: log.issues };
}

/**
 * When each address's current holding began, as the audit log shows it: the last assign per address (or the
 * first renewal, for a holding older than the oldest log), dropped again by a release, expiry or delete. A lease list from Get-DhcpServerv4Lease has no start time; a collector
 * holding both can date its leases with this (see datedLeases).
 */
export class HoldingStarts {
	private readonly since = new Map<string, { ts: number; client: string | null }>();

	add(events: Iterable<LeaseEventRecord>): void {
		for (const e of events) {
			const client = e.duid ?? e.clientId ?? e.mac ?? null;
			if (e.kind === 'assign') this.since.set(e.ip, { ts: e.ts, client });
			else if (e.kind === 'renew') {
				// A holding that began before the oldest log: the earliest the log shows it.
				const s = this.since.get(e.ip);
				if (!s || s.client !== client) this.since.set(e.ip, { ts: e.ts, client });
			} else if (e.kind === 'release' || e.kind === 'expire' || e.kind === 'delete') this.since.delete(e.ip);
		}
	}

	/** Sets `starts` on leases whose client the log saw being assigned that address; others are left alone. */
	date<T extends { ip: string; starts?: number | null; mac?: string | null; clientId?: string | null; duid?: string | null }>(leases: T[]): T[] {
		for (const l of leases) {
			const s = this.since.get(l.ip);
			if (s && l.starts == null && (s.client === null || s.client === (l.duid ?? l.clientId ?? l.mac ?? null) || s.client === l.mac)) l.starts = s.ts;
		}
		return leases;
	}
}
