// Kea memfile lease CSVs (leases4.csv / leases6.csv, any version: columns found by header name) read as a
// journal: rows in, the current lease set and the lease events the journal implies out.
import { StringDecoder } from 'node:string_decoder';
import type { LeaseEventRecord, LeaseEventKindName, LeaseRecord, LeaseState } from '../domain/dhcp.js';
import type { Family } from '../domain/ip.js';
import { canonicalClientId, canonicalIp, canonicalMac } from './canonical-fast.js';
import { macFromClientId, tryParseClientId } from '../domain/mac.js';
import { IssueLog, type FormatIssue } from './format-issue.js';

/** One journal row, decoded. */
export interface KeaLeaseRow {
	line: number;
	lease: LeaseRecord;
	validLifetime: number;
	/** Kea's state column: 0 default, 1 declined, 2 expired-reclaimed (3 registered, Kea ≥ 2.7 v6). */
	keaState: number;
	subnetId: number | null;
	poolId: number | null;
}

const INFINITE = 0xffffffff;
const V4_REQUIRED = ['address', 'hwaddr', 'client_id', 'valid_lifetime', 'expire', 'subnet_id'];
const V6_REQUIRED = ['address', 'duid', 'valid_lifetime', 'expire', 'subnet_id', 'lease_type', 'iaid'];

/**
 * Kea's CSV escape: `&#x` and two hex digits stand for that byte (it writes commas as `&#x2c`, in host names and
 * user contexts, but reads any byte so). The bytes are UTF-8 text; a tag not followed by two hex digits stays.
 */
function unescapeKea(value: string): string {
	if (!value.includes('&#x')) return value;
	const parts = value.split(/&#x([0-9a-fA-F]{2})/);
	const bytes: Buffer[] = [];
	parts.forEach((part, i) => bytes.push(i % 2 === 0 ? Buffer.from(part, 'utf8') : Buffer.from([parseInt(part, 16)])));
	return Buffer.concat(bytes).toString('utf8');
}

function keaState(n: number): LeaseState {
	return n === 1 ? 'declined' : n === 2 ? 'expired' : 'active';
}

/** Line-by-line reader: the first non-empty line is the header, which decides v4 or v6 and the column order. */
export class KeaCsvReader {
	private readonly log: IssueLog;
	private rest = '';
	private lineNo = 0;
	private columns: Map<string, number> | null = null;
	family: Family | null = null;
	private rows: KeaLeaseRow[] = [];
	private unusable = false;
	private readonly decoder = new StringDecoder('utf8');

	constructor(file = 'leases.csv') {
		this.log = new IssueLog(file);
	}

	get issues(): FormatIssue[] {
		return this.log.issues;
	}

	take(): KeaLeaseRow[] {
		const rows = this.rows;
		this.rows = [];
		return rows;
	}

	push(chunk: Buffer | string): void {
		const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
		let pos = 0;
		for (;;) {
			const nl = text.indexOf('\n', pos);
			if (nl < 0) break;
			this.lineNo++;
			this.line(text.slice(pos, nl));
			pos = nl + 1;
		}
		this.rest = text.slice(pos);
	}

	end(): void {
		this.rest += this.decoder.end();
		if (this.rest.length > 0) {
			this.lineNo++;
			// A last line without its newline may be a row cut off mid-write: only trust it if every column is there.
			this.line(this.rest, true);
			this.rest = '';
		}
	}

	private line(raw: string, last = false): void {
		const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
		if (this.unusable || line.trim() === '') return;
		if (this.columns === null) {
			this.header(line);
			return;
		}
		const f = line.split(',');
		if (f.length < this.columns.size) {
			this.log.add(this.lineNo, `${f.length} columns where the header has ${this.columns.size}${last ? ' (truncated last line?)' : ''}; row skipped`);
			return;
		}
		const row = this.family === 4 ? this.v4(f) : this.v6(f);
		if (row) this.rows.push(row);
	}

	private header(line: string): void {
		const names = line.split(',').map(s => s.trim());
		const map = new Map(names.map((n, i) => [n, i]));
		const isV6 = map.has('duid');
		const missing = (isV6 ? V6_REQUIRED : V4_REQUIRED).filter(n => !map.has(n));
		if (!map.has('address') || missing.length > 0) {
			this.log.add(this.lineNo, `not a Kea memfile header (missing ${missing.join(', ') || 'address'}); file skipped`);
			this.unusable = true;
			return;
		}
		this.columns = map;
		this.family = isV6 ? 6 : 4;
	}

	private col(f: string[], name: string): string {
		const i = this.columns!.get(name);
		return i === undefined ? '' : unescapeKea(f[i]);
	}

	private num(f: string[], name: string, required: boolean): number | null | undefined {
		const v = this.col(f, name);
		if (v === '') {
			if (required) this.log.add(this.lineNo, `${name} is empty; row skipped`);
			return required ? undefined : null;
		}
		if (!/^\d+$/.test(v)) {
			this.log.add(this.lineNo, `${name} "${v}" is not a number; row skipped`);
			return undefined;
		}
		return Number(v);
	}

	private common(f: string[], family: Family): KeaLeaseRow | null {
		const addrText = this.col(f, 'address');
		const addr = canonicalIp(addrText);
		if (addr === null || addr.family !== family) {
			this.log.add(this.lineNo, `address "${addrText}" is not an IPv${family} address; row skipped`);
			return null;
		}
		const valid = this.num(f, 'valid_lifetime', true);
		const expire = this.num(f, 'expire', true);
		if (valid === undefined || expire === undefined || valid === null || expire === null) return null;
		const state = this.num(f, 'state', false) ?? 0;
		if (state === undefined) return null;
		const subnetId = this.num(f, 'subnet_id', false) ?? null;
		const poolId = this.num(f, 'pool_id', false) ?? null;
		const hostname = this.col(f, 'hostname');
		const lease: LeaseRecord = {
			family,
			ip: addr.ip,
			state: keaState(state),
			cltt: valid === INFINITE ? null : expire - valid,
			ends: valid === INFINITE ? null : expire,
			hostname: hostname === '' ? null : hostname,
			scopeKey: subnetId === null ? null : String(subnetId),
		};
		return { line: this.lineNo, lease, validLifetime: valid, keaState: state, subnetId, poolId };
	}

	private v4(f: string[]): KeaLeaseRow | null {
		const row = this.common(f, 4);
		if (!row) return null;
		const hw = this.col(f, 'hwaddr');
		const cid = this.col(f, 'client_id');
		row.lease.mac = hw === '' ? null : canonicalMac(hw);
		row.lease.clientId = cid === '' ? null : canonicalClientId(cid);
		// Non-Ethernet hardware addresses (any length) are legal in Kea; only non-hex text is an error.
		if (hw !== '' && row.lease.mac === null && tryParseClientId(hw) === null) this.log.add(this.lineNo, `hwaddr "${hw}" is not hex octets; kept without it`);
		if (row.lease.mac === null && row.lease.clientId) row.lease.mac = macFromClientId(row.lease.clientId);
		return row;
	}

	private v6(f: string[]): KeaLeaseRow | null {
		const row = this.common(f, 6);
		if (!row) return null;
		const type = this.num(f, 'lease_type', false);
		const iaid = this.num(f, 'iaid', false);
		const plen = this.num(f, 'prefix_len', false);
		if (type === undefined || iaid === undefined || plen === undefined) return null;
		const lease = row.lease;
		lease.leaseType = type === 1 ? 'ta' : type === 2 ? 'pd' : 'na';
		lease.iaid = iaid;
		if (lease.leaseType === 'pd') lease.prefixLen = plen;
		const duid = this.col(f, 'duid');
		lease.duid = duid === '' ? null : canonicalClientId(duid);
		const hw = this.col(f, 'hwaddr');
		lease.mac = hw === '' ? (lease.duid ? macFromClientId(lease.duid) : null) : canonicalMac(hw);
		return row;
	}
}

function leaseKey(l: LeaseRecord): string {
	return l.leaseType === 'pd' ? `${l.ip}/${l.prefixLen}` : l.ip;
}

function sameClient(a: LeaseRecord, b: LeaseRecord): boolean {
	if (a.duid || b.duid) return a.duid === b.duid;
	if (a.clientId && b.clientId) return a.clientId === b.clientId;
	return (a.mac ?? null) === (b.mac ?? null);
}

/**
 * Replays journal rows: keeps the last row per address (valid_lifetime 0 = deleted) and derives events.
 * A deletion row carries the last cltt as its expire, not the moment of deletion: the event uses that time.
 * Each lease's `starts` is set to when its client's holding began (its assign), so a store diffing lease
 * sets dates the holding as the journal does.
 */
export class KeaLeaseJournal {
	private readonly last = new Map<string, KeaLeaseRow>();

	/** Applies rows in file order; returns the events they imply. */
	apply(rows: Iterable<KeaLeaseRow>): LeaseEventRecord[] {
		const events: LeaseEventRecord[] = [];
		for (const row of rows) {
			const key = leaseKey(row.lease);
			const prev = this.last.get(key);
			const kind = transition(prev, row);
			// The journal knows when the current client's holding began: kept as the lease's start.
			row.lease.starts = kind === 'assign' || !prev ? (row.lease.cltt ?? null) : (prev.lease.starts ?? prev.lease.cltt ?? null);
			if (kind) events.push(eventOf(row, kind, prev));
			if (row.validLifetime === 0) this.last.delete(key);
			else {
				this.last.delete(key);
				this.last.set(key, row);
			}
		}
		return events;
	}

	current(): LeaseRecord[] {
		return [...this.last.values()].map(r => r.lease);
	}

	get size(): number {
		return this.last.size;
	}
}

function transition(prev: KeaLeaseRow | undefined, row: KeaLeaseRow): LeaseEventKindName | null {
	const l = row.lease;
	if (row.validLifetime === 0) {
		if (!prev) return null;
		return prev.keaState === 0 ? 'release' : 'delete';
	}
	if (row.keaState === 1) return prev?.keaState === 1 ? null : 'decline';
	if (row.keaState === 2) return prev?.keaState === 2 ? null : 'expire';
	if (!prev || prev.keaState !== 0 || !sameClient(prev.lease, l)) return 'assign';
	if (prev.lease.cltt === l.cltt && prev.lease.ends === l.ends) return null;
	return 'renew';
}

function eventOf(row: KeaLeaseRow, kind: LeaseEventKindName, prev: KeaLeaseRow | undefined): LeaseEventRecord {
	const l = row.lease;
	// Deletions and reclamations keep the lease's own times; the client is the one that held it.
	const ts = kind === 'expire' ? (l.ends ?? l.cltt ?? 0) : (l.cltt ?? l.ends ?? 0);
	const hostname = l.hostname ?? (kind === 'expire' || kind === 'delete' ? (prev?.lease.hostname ?? null) : null);
	return {
		ts,
		kind,
		family: l.family,
		ip: l.ip,
		mac: l.mac ?? null,
		clientId: l.clientId ?? null,
		duid: l.duid ?? null,
		hostname,
		expires: kind === 'assign' || kind === 'renew' ? (l.ends ?? null) : null,
	};
}

/** Reads a whole memfile held in memory: rows, current set, events, issues. */
export function parseKeaLeases(text: string | Buffer, file = 'leases.csv'): { family: Family | null; current: LeaseRecord[]; events: LeaseEventRecord[]; rows: number; issues: FormatIssue[] } {
	const reader = new KeaCsvReader(file);
	reader.push(text);
	reader.end();
	const rows = reader.take();
	const journal = new KeaLeaseJournal();
	const events = journal.apply(rows);
	return { family: reader.family, current: journal.current(), events, rows: rows.length, issues: reader.issues };
}

/** Streams one or more journal files (lfc leaves `.2`, `.1`, then the live file: pass them oldest first). */
export async function readKeaLeases(
	sources: { file: string; source: AsyncIterable<Buffer | string> }[],
	onEvents?: (events: LeaseEventRecord[]) => void | Promise<void>,
): Promise<{ journal: KeaLeaseJournal; issues: FormatIssue[] }> {
	const journal = new KeaLeaseJournal();
	const issues: FormatIssue[] = [];
	for (const { file, source } of sources) {
		const reader = new KeaCsvReader(file);
		for await (const chunk of source) {
			reader.push(chunk);
			const events = journal.apply(reader.take());
			if (onEvents && events.length > 0) await onEvents(events);
		}
		reader.end();
		const events = journal.apply(reader.take());
		if (onEvents && events.length > 0) await onEvents(events);
		issues.push(...reader.issues);
	}
	return { journal, issues };
}
