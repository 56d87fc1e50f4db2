// ISC dhcpd 4.x dhcpd.leases / dhcpd6.leases: a streaming, line-driven reader of the lease journal.
// Chunks go in, entries come out; memory holds one block at a time, never the file.
import type { LeaseRecord, LeaseState, ReservationRecord } from '../domain/dhcp.js';
import { canonicalAddress, tryParseAddress } from '../domain/ip.js';
import { canonicalIp } from './canonical-fast.js';
import { tryParseMac, macFromClientId } from '../domain/mac.js';
import { IssueLog, type FormatIssue } from './format-issue.js';
import { bytesToHexColon, bytesToText, closingQuote, octetsOf, unescapeBytes, unescapedHexColon } from './quoted-bytes.js';

export type DhcpdLeaseEntry =
	| { type: 'lease'; line: number; lease: LeaseRecord; nextState?: string; tstp?: number | null; agent?: Record<string, string> }
	| { type: 'host'; line: number; name: string; deleted: boolean; reservation: ReservationRecord | null }
	| { type: 'server-duid'; line: number; duid: string }
	| { type: 'failover'; line: number; peer: string; myState?: string; partnerState?: string };

const STATES: Record<string, LeaseState> = {
	active: 'active',
	free: 'free',
	backup: 'backup',
	expired: 'expired',
	released: 'released',
	abandoned: 'abandoned',
	reset: 'free',
	bootp: 'active',
};

interface V4Block {
	kind: 'lease';
	line: number;
	lease: LeaseRecord;
	nextState?: string;
	tstp?: number | null;
	agent?: Record<string, string>;
}
interface HostBlock {
	kind: 'host';
	line: number;
	name: string;
	deleted: boolean;
	mac: string | null;
	clientId: string | null;
	duid: string | null;
	ips: string[];
	hostName?: string;
}
interface IaBlock {
	kind: 'ia';
	line: number;
	leaseType: 'na' | 'ta' | 'pd';
	duid: string | null;
	iaid: number | null;
	cltt: number | null;
	addresses: LeaseRecord[];
	/** The iaaddr/iaprefix being read, when inside one. */
	current: LeaseRecord | null;
}
interface FailoverBlock {
	kind: 'failover';
	line: number;
	peer: string;
	myState?: string;
	partnerState?: string;
}
interface SkipBlock {
	kind: 'skip';
	line: number;
}
type Block = V4Block | HostBlock | IaBlock | FailoverBlock | SkipBlock;

const EMPTY = Buffer.alloc(0);
const PIECE = 64 * 1024;
const V4_FAST = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export interface DhcpdLeaseParserOptions {
	file?: string;
	/** Byte order of IAIDs in ia-* identifiers when the file does not say (dhcpd writes host order; x86 is little). */
	byteOrder?: 'little-endian' | 'big-endian';
}

/** Push latin1/Buffer chunks, drain entries; `end()` flushes and reports a block cut off by the end of the file. */
export class DhcpdLeaseParser {
	private readonly log: IssueLog;
	private rest: Buffer = EMPTY;
	private bytes: Buffer = EMPTY;
	private lineNo = 0;
	private block: Block | null = null;
	private depth = 0;
	private bad: string | null = null;
	private badLine = 0;
	private littleEndian: boolean;
	private out: DhcpdLeaseEntry[] = [];

	constructor(options: DhcpdLeaseParserOptions = {}) {
		this.log = new IssueLog(options.file ?? 'dhcpd.leases');
		this.littleEndian = (options.byteOrder ?? 'little-endian') === 'little-endian';
	}

	get issues(): FormatIssue[] {
		return this.log.issues;
	}

	/** Entries completed so far (the parser forgets them once taken). */
	take(): DhcpdLeaseEntry[] {
		const out = this.out;
		this.out = [];
		return out;
	}

	/** Bytes in (a string is taken as its UTF-8 bytes); big chunks are cut into pieces that stay in the young heap. */
	push(chunk: Buffer | string): void {
		const input = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		for (let off = 0; off < input.length; off += PIECE) this.piece(input.subarray(off, Math.min(input.length, off + PIECE)));
	}

	private piece(piece: Buffer): void {
		const bytes = this.rest.length > 0 ? Buffer.concat([this.rest, piece]) : piece;
		this.bytes = bytes;
		const text = bytes.toString('latin1');
		let pos = 0;
		for (;;) {
			const nl = text.indexOf('\n', pos);
			if (nl < 0) break;
			this.lineNo++;
			this.line(text, pos, nl);
			pos = nl + 1;
		}
		// Copied, so a caller reusing its buffer cannot change the unread tail.
		this.rest = Buffer.from(bytes.subarray(pos));
		if (this.rest.length > 1 << 20) {
			this.lineNo++;
			this.log.add(this.lineNo, 'line longer than 1 MiB: not a lease file, or corrupt; skipped');
			this.rest = EMPTY;
			this.abandon('corrupt line');
		}
	}

	/**
	 * A value kept in a record, copied out of the chunk's bytes: a slice of the chunk's text would be a V8
	 * sliced string pinning the whole chunk for as long as the record lives (a reducer would pin the file).
	 */
	private str(a: number, b: number): string {
		return (this.bytes as unknown as { latin1Slice(a: number, b: number): string }).latin1Slice(a, b);
	}

	/** The first quoted string on the line, decoded (octal escapes → bytes → UTF-8); escape sequences survive raw. */
	private quoted(text: string, i: number, end: number): string | null {
		const q = text.indexOf('"', i);
		if (q < 0 || q >= end) return null;
		const close = closingQuote(text, q, end);
		if (close < 0) return null;
		for (let k = q + 1; k < close; k++) {
			const c = text.charCodeAt(k);
			if (c === 92 || c >= 0x80) return bytesToText(unescapeBytes(text.slice(q + 1, close)));
		}
		return this.str(q + 1, close);
	}

	end(): void {
		if (this.rest.length > 0) {
			this.lineNo++;
			this.bytes = this.rest;
			const text = this.rest.toString('latin1');
			this.rest = EMPTY;
			this.line(text, 0, text.length);
		}
		if (this.block) {
			this.log.add(this.block.line, `file ends inside the ${describe(this.block)} started here (truncated?); block skipped`);
			this.block = null;
			this.depth = 0;
		}
	}

	private abandon(why: string): void {
		if (this.block) this.log.add(this.block.line, `${describe(this.block)} not closed before ${why} at line ${this.lineNo}; block skipped`);
		this.block = null;
		this.depth = 0;
		this.bad = null;
	}

	private line(text: string, start: number, end: number): void {
		let i = start;
		while (i < end) {
			const c = text.charCodeAt(i);
			if (c !== 32 && c !== 9) break;
			i++;
		}
		if (end > i && text.charCodeAt(end - 1) === 13) end--;
		if (i >= end) return;
		const c0 = text.charCodeAt(i);
		if (c0 === 35 /* # */) return;
		if (c0 === 125 /* } */) {
			this.close();
			// Anything after the brace on the same line (rare, hand-edited files) is a new statement.
			if (i + 1 < end) this.line(text, i + 1, end);
			return;
		}
		const block = this.block;
		if (block === null) {
			this.topLevel(text, i, end);
			return;
		}
		if (this.depth === 1 && (c0 === 108 || c0 === 105 || c0 === 104) && isBlockStart(text, i)) {
			this.abandon(`a new block`);
			this.topLevel(text, i, end);
			return;
		}
		const last = lastSignificant(text, i, end);
		if (last === 123 /* { */) {
			this.depth++;
			if (block.kind === 'ia' && this.depth === 2) this.openIaAddress(block, text, i, end);
			return;
		}
		if (last !== 59 /* ; */) {
			// Inside `on expiry { … }` and its `if` statements dhcpd wraps long expressions over several lines:
			// only the levels read here (the block, and an ia-*'s iaaddr/iaprefix) must end every line with ';'.
			const read = this.depth === 1 || (block.kind === 'ia' && this.depth === 2);
			if (read && this.bad === null) {
				this.bad = `statement without ';': "${text.slice(i, Math.min(end, i + 60))}"`;
				this.badLine = this.lineNo;
			}
			return;
		}
		switch (block.kind) {
			case 'lease':
				if (this.depth === 1) this.leaseStatement(block, text, i, end);
				break;
			case 'ia':
				if (this.depth === 2 && block.current) this.iaAddressStatement(block.current, text, i, end);
				else if (this.depth === 1 && text.startsWith('cltt ', i)) block.cltt = this.time(text, i + 5, end, 'cltt') ?? null;
				break;
			case 'host':
				if (this.depth === 1) this.hostStatement(block, text, i, end);
				break;
			case 'failover':
				if (text.startsWith('my state ', i)) block.myState = word(text, i + 9, end);
				else if (text.startsWith('partner state ', i)) block.partnerState = word(text, i + 14, end);
				break;
		}
	}

	private topLevel(text: string, i: number, end: number): void {
		const last = lastSignificant(text, i, end);
		const opens = last === 123;
		if (text.startsWith('lease ', i) && opens) {
			const ipText = this.str(i + 6, wordEnd(text, i + 6, end));
			const ip = canonicalV4(ipText);
			if (ip === null) {
				this.log.add(this.lineNo, `lease address "${ipText}" is not an IPv4 address; block skipped`);
				this.open({ kind: 'skip', line: this.lineNo });
				return;
			}
			this.open({ kind: 'lease', line: this.lineNo, lease: { family: 4, ip, state: 'free' } });
			return;
		}
		if (text.startsWith('ia-', i) && opens) {
			const t = text.charCodeAt(i + 3) === 110 ? 'na' : text.charCodeAt(i + 3) === 116 ? 'ta' : 'pd';
			const q = text.indexOf('"', i);
			let duid: string | null = null;
			let iaid: number | null = null;
			if (q >= 0 && q < end) {
				const close = closingQuote(text, q, end);
				const bytes = close > q ? unescapeBytes(text.slice(q + 1, close)) : null;
				if (bytes && bytes.length > 4) {
					const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
					iaid = dv.getUint32(0, this.littleEndian);
					duid = bytesToHexColon(bytes.subarray(4));
				} else {
					this.log.add(this.lineNo, `ia-${t} identifier is not a quoted IAID + DUID`);
				}
			} else {
				const hex = octetsOf(word(text, i + 6, end));
				if (hex && hex.length > 4) {
					iaid = new DataView(hex.buffer, hex.byteOffset, 4).getUint32(0, this.littleEndian);
					duid = bytesToHexColon(hex.subarray(4));
				}
			}
			this.open({ kind: 'ia', line: this.lineNo, leaseType: t, duid, iaid, cltt: null, addresses: [], current: null });
			return;
		}
		if (text.startsWith('host ', i) && opens) {
			this.open({ kind: 'host', line: this.lineNo, name: unquote(word(text, i + 5, end)), deleted: false, mac: null, clientId: null, duid: null, ips: [] });
			return;
		}
		if (text.startsWith('failover peer ', i) && opens) {
			this.open({ kind: 'failover', line: this.lineNo, peer: unquote(word(text, i + 14, end)) });
			return;
		}
		if (text.startsWith('server-duid ', i)) {
			const bytes = octetsOf(text.slice(i + 12, text.lastIndexOf(';', end)));
			if (bytes && bytes.length > 0) this.out.push({ type: 'server-duid', line: this.lineNo, duid: bytesToHexColon(bytes) });
			else this.log.add(this.lineNo, 'server-duid is not a quoted string or colon hex');
			return;
		}
		if (text.startsWith('authoring-byte-order ', i)) {
			this.littleEndian = text.startsWith('little', i + 21);
			return;
		}
		if (opens) {
			// Unknown block kinds (future dhcpd versions, class declarations) are skipped whole.
			this.open({ kind: 'skip', line: this.lineNo });
			return;
		}
		if (last !== 59) this.log.add(this.lineNo, `unexpected text outside any block: "${text.slice(i, Math.min(end, i + 60))}"`);
	}

	private open(block: Block): void {
		this.block = block;
		this.depth = 1;
		this.bad = null;
	}

	private close(): void {
		const block = this.block;
		if (block === null) {
			this.log.add(this.lineNo, "'}' without an open block");
			return;
		}
		if (this.depth > 1) {
			if (block.kind === 'ia' && this.depth === 2 && block.current) {
				block.addresses.push(block.current);
				block.current = null;
			}
			this.depth--;
			return;
		}
		this.block = null;
		this.depth = 0;
		if (this.bad !== null) {
			this.log.add(this.badLine, `${this.bad}; ${describe(block)} at line ${block.line} skipped`);
			this.bad = null;
			return;
		}
		this.emit(block);
	}

	private emit(block: Block): void {
		switch (block.kind) {
			case 'lease': {
				const e: DhcpdLeaseEntry = { type: 'lease', line: block.line, lease: block.lease };
				if (block.nextState !== undefined) e.nextState = block.nextState;
				if (block.tstp !== undefined) e.tstp = block.tstp;
				if (block.agent) e.agent = block.agent;
				this.out.push(e);
				return;
			}
			case 'ia':
				for (const lease of block.addresses) {
					lease.leaseType = block.leaseType;
					lease.duid = block.duid;
					lease.iaid = block.iaid;
					lease.cltt = block.cltt;
					if (block.duid) lease.mac = macFromClientId(block.duid);
					this.out.push({ type: 'lease', line: block.line, lease });
				}
				return;
			case 'host':
				this.out.push({ type: 'host', line: block.line, name: block.name, deleted: block.deleted, reservation: hostReservation(block) });
				return;
			case 'failover':
				this.out.push({ type: 'failover', line: block.line, peer: block.peer, myState: block.myState, partnerState: block.partnerState });
				return;
			case 'skip':
				return;
		}
	}

	private leaseStatement(b: V4Block, text: string, i: number, end: number): void {
		const lease = b.lease;
		switch (text.charCodeAt(i)) {
			case 115: // s
				if (text.startsWith('starts ', i)) lease.starts = this.time(text, i + 7, end, 'starts');
				else if (text.startsWith('set vendor-class-identifier', i)) lease.vendorClass = this.quoted(text, i, end);
				return;
			case 101: // e
				if (text.startsWith('ends ', i)) lease.ends = this.time(text, i + 5, end, 'ends');
				return;
			case 99: // c
				if (text.startsWith('cltt ', i)) lease.cltt = this.time(text, i + 5, end, 'cltt');
				else if (text.startsWith('client-hostname ', i)) lease.hostname = this.quoted(text, i, end);
				return;
			case 116: // t
				if (text.startsWith('tstp ', i)) b.tstp = this.time(text, i + 5, end, 'tstp');
				return;
			case 98: // b
				if (text.startsWith('binding state ', i)) lease.state = this.state(text, i + 14, end);
				return;
			case 110: // n
				if (text.startsWith('next binding state ', i)) b.nextState = word(text, i + 19, end);
				return;
			case 104: // h
				if (text.startsWith('hardware ', i)) {
					const sp = text.indexOf(' ', i + 9);
					const value = this.str(sp + 1, text.lastIndexOf(';', end)).trim();
					const mac = value.length === 17 ? value.toLowerCase() : tryParseMac(value);
					if (mac === null || !text.startsWith('ethernet', i + 9)) {
						if (text.startsWith('ethernet', i + 9)) this.log.add(this.lineNo, `hardware ethernet "${value}" is not a MAC address`);
					} else lease.mac = mac;
				}
				return;
			case 117: // u
				if (text.startsWith('uid ', i)) {
					const q = text.charCodeAt(i + 4) === 34 ? closingQuote(text, i + 4, end) : -1;
					if (q > i + 5) {
						lease.clientId = unescapedHexColon(text.slice(i + 5, q));
						return;
					}
					const bytes = octetsOf(text.slice(i + 4, text.lastIndexOf(';', end)));
					if (bytes && bytes.length > 0) lease.clientId = bytesToHexColon(bytes);
					else this.log.add(this.lineNo, 'uid is not a quoted string or colon hex');
				}
				return;
			case 111: // o
				if (text.startsWith('option agent.', i)) {
					const sp = text.indexOf(' ', i + 13);
					if (sp > 0 && sp < end) {
						b.agent ??= {};
						b.agent[this.str(i + 13, sp)] = this.str(sp + 1, text.lastIndexOf(';', end)).trim();
					}
				}
				return;
		}
	}

	private openIaAddress(b: IaBlock, text: string, i: number, end: number): void {
		const isAddr = text.startsWith('iaaddr ', i);
		if (!isAddr && !text.startsWith('iaprefix ', i)) return;
		const value = word(text, i + (isAddr ? 7 : 9), end);
		const slash = value.indexOf('/');
		const addr = canonicalIp(slash < 0 ? value : value.slice(0, slash));
		if (addr === null || addr.family !== 6) {
			this.log.add(this.lineNo, `${isAddr ? 'iaaddr' : 'iaprefix'} "${value}" is not an IPv6 ${isAddr ? 'address' : 'prefix'}`);
			return;
		}
		b.current = { family: 6, ip: addr.ip, state: 'free' };
		if (slash >= 0) b.current.prefixLen = Number(value.slice(slash + 1));
	}

	private iaAddressStatement(lease: LeaseRecord, text: string, i: number, end: number): void {
		if (text.startsWith('binding state ', i)) lease.state = this.state(text, i + 14, end);
		else if (text.startsWith('ends ', i)) lease.ends = this.time(text, i + 5, end, 'ends');
		else if (text.startsWith('starts ', i)) lease.starts = this.time(text, i + 7, end, 'starts');
		else if (text.startsWith('set client-hostname', i) || text.startsWith('client-hostname ', i)) lease.hostname = this.quoted(text, i, end);
	}

	private hostStatement(b: HostBlock, text: string, i: number, end: number): void {
		const value = () => text.slice(text.indexOf(' ', i) + 1, text.lastIndexOf(';', end)).trim();
		if (text.startsWith('deleted;', i)) b.deleted = true;
		else if (text.startsWith('hardware ethernet ', i)) b.mac = tryParseMac(text.slice(i + 18, text.lastIndexOf(';', end)));
		else if (text.startsWith('fixed-address', i)) {
			for (const part of value().split(',')) {
				const a = tryParseAddress(part);
				if (a) b.ips.push(canonicalAddress(part));
			}
		} else if (text.startsWith('uid ', i)) {
			const bytes = octetsOf(value());
			if (bytes) b.clientId = bytesToHexColon(bytes);
		} else if (text.startsWith('host-identifier option ', i)) {
			const rest = text.slice(i + 23, text.lastIndexOf(';', end)).trim();
			const sp = rest.indexOf(' ');
			const bytes = sp > 0 ? octetsOf(rest.slice(sp + 1)) : null;
			if (bytes && rest.startsWith('dhcp6.client-id')) b.duid = bytesToHexColon(bytes);
			else if (bytes && rest.startsWith('dhcp-client-identifier')) b.clientId = bytesToHexColon(bytes);
		} else if (text.startsWith('supersede host-name', i) || text.startsWith('option host-name', i)) {
			b.hostName = this.quoted(text, i, end) ?? undefined;
		}
	}

	private state(text: string, i: number, end: number): LeaseState {
		const w = word(text, i, end);
		const s = STATES[w];
		if (s === undefined) {
			this.log.add(this.lineNo, `unknown binding state "${w}"; read as free`);
			return 'free';
		}
		return s;
	}

	/** `W YYYY/MM/DD HH:MM:SS;` (UTC), `epoch N;` or `never;`: epoch seconds, null for never, undefined if bad. */
	private time(text: string, i: number, end: number, field: string): number | null | undefined {
		const t = parseLeaseTime(text, i, end);
		if (t === undefined) this.log.add(this.lineNo, `${field}: "${text.slice(i, Math.min(end, i + 40))}" is not a dhcpd time`);
		return t;
	}
}

/** Parses a dhcpd time at text[i…]: weekday + UTC date, `epoch N`, or `never`. */
export function parseLeaseTime(text: string, i: number, end = text.length): number | null | undefined {
	const c = text.charCodeAt(i);
	if (c === 110 /* n */) return text.startsWith('never', i) ? null : undefined;
	if (c === 101 /* e */) {
		if (!text.startsWith('epoch ', i)) return undefined;
		const n = parseInt(text.slice(i + 6, end), 10);
		return Number.isFinite(n) ? n : undefined;
	}
	// "4 2019/06/27 06:40:21": skip the weekday digit and the space.
	let p = i;
	while (p < end && text.charCodeAt(p) !== 32) p++;
	p++;
	if (p + 19 > end || text.charCodeAt(p + 4) !== 47 || text.charCodeAt(p + 13) !== 58) return undefined;
	const y = num(text, p, 4);
	const mo = num(text, p + 5, 2);
	const d = num(text, p + 8, 2);
	const h = num(text, p + 11, 2);
	const mi = num(text, p + 14, 2);
	const s = num(text, p + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return undefined;
	return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; Date.UTC is slower per call). */
function daysFromCivil(y: number, m: number, d: number): number {
	const yy = m <= 2 ? y - 1 : y;
	const era = Math.floor(yy / 400);
	const yoe = yy - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

function num(text: string, p: number, n: number): number {
	let v = 0;
	for (let k = 0; k < n; k++) {
		const c = text.charCodeAt(p + k) - 48;
		if (c < 0 || c > 9) return -1;
		v = v * 10 + c;
	}
	return v;
}

function isBlockStart(text: string, i: number): boolean {
	return text.startsWith('lease ', i) || text.startsWith('ia-na ', i) || text.startsWith('ia-pd ', i) || text.startsWith('ia-ta ', i) || text.startsWith('host ', i);
}

/** Last character before the end of line, ignoring whitespace and a trailing "# comment" after a ';'. */
function lastSignificant(text: string, i: number, end: number): number {
	let e = end - 1;
	while (e >= i) {
		const c = text.charCodeAt(e);
		if (c !== 32 && c !== 9) break;
		e--;
	}
	const c = text.charCodeAt(e);
	if (c === 59 || c === 123) return c;
	// `starts epoch 1507216949; # Thu Oct 05 …` — a comment after the statement.
	const hash = text.lastIndexOf('#', e);
	if (hash > i) {
		const semi = text.lastIndexOf(';', hash);
		const brace = text.lastIndexOf('{', hash);
		const q = text.indexOf('"', i);
		if ((semi > i || brace > i) && (q < 0 || q > hash || closingQuote(text, q, end) < hash)) return semi > brace ? 59 : 123;
	}
	return c;
}

function word(text: string, i: number, end: number): string {
	return text.slice(i, wordEnd(text, i, end));
}

function wordEnd(text: string, i: number, end: number): number {
	let e = i;
	while (e < end) {
		const c = text.charCodeAt(e);
		if (c === 32 || c === 9 || c === 59 || c === 123) break;
		e++;
	}
	return e;
}

function unquote(s: string): string {
	return s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? bytesToText(unescapeBytes(s.slice(1, -1))) : s;
}

function canonicalV4(text: string): string | null {
	if (V4_FAST.test(text)) return text;
	const a = tryParseAddress(text);
	return a && a.family === 4 ? canonicalAddress(text) : null;
}

function describe(block: Block): string {
	return block.kind === 'ia' ? `ia-${block.leaseType} block` : `${block.kind === 'skip' ? 'unknown' : block.kind} block`;
}

function hostReservation(b: HostBlock): ReservationRecord | null {
	if (b.deleted || b.ips.length === 0) return null;
	const ip = b.ips[0];
	const family = ip.includes(':') ? 6 : 4;
	const r: ReservationRecord = { family, ip, name: b.hostName ?? b.name };
	if (b.mac) r.mac = b.mac;
	if (b.clientId) r.clientId = b.clientId;
	if (b.duid) r.duid = b.duid;
	return r;
}

export interface DhcpdLeaseReadResult {
	issues: FormatIssue[];
	serverDuid: string | null;
}

/**
 * Streams a lease file: calls `onEntries` with each chunk's completed entries (a batch, not one call per
 * lease), so a caller can reduce or forward them without holding the file.
 */
export async function readDhcpdLeases(
	source: AsyncIterable<Buffer | string>,
	onEntries: (entries: DhcpdLeaseEntry[]) => void | Promise<void>,
	options: DhcpdLeaseParserOptions = {},
): Promise<DhcpdLeaseReadResult> {
	const parser = new DhcpdLeaseParser(options);
	let serverDuid: string | null = null;
	const drain = async () => {
		const entries = parser.take();
		if (entries.length === 0) return;
		for (const e of entries) if (e.type === 'server-duid') serverDuid = e.duid;
		await onEntries(entries);
	};
	for await (const chunk of source) {
		parser.push(chunk);
		await drain();
	}
	parser.end();
	await drain();
	return { issues: parser.issues, serverDuid };
}

/** Parses a whole lease file held in memory (tests, small files). */
export function parseDhcpdLeases(text: string | Buffer, options: DhcpdLeaseParserOptions = {}): { entries: DhcpdLeaseEntry[]; issues: FormatIssue[] } {
	const parser = new DhcpdLeaseParser(options);
	parser.push(text);
	parser.end();
	return { entries: parser.take(), issues: parser.issues };
}

/**
 * The journal's current state: the last lease block per address (per address + type for v6) wins, and the
 * last host declaration per name wins (a `deleted;` host removes the reservation).
 */
export class DhcpdLeaseReducer {
	private readonly leases = new Map<string, LeaseRecord>();
	private readonly hosts = new Map<string, ReservationRecord | null>();
	serverDuid: string | null = null;

	add(entries: Iterable<DhcpdLeaseEntry>): void {
		for (const e of entries) {
			if (e.type === 'lease') {
				const key = e.lease.leaseType === 'pd' ? `${e.lease.ip}/${e.lease.prefixLen}` : e.lease.ip;
				this.leases.delete(key);
				this.leases.set(key, e.lease);
			} else if (e.type === 'host') {
				this.hosts.set(e.name, e.deleted ? null : e.reservation);
			} else if (e.type === 'server-duid') {
				this.serverDuid = e.duid;
			}
		}
	}

	current(): LeaseRecord[] {
		return [...this.leases.values()];
	}

	reservations(): ReservationRecord[] {
		return [...this.hosts.values()].filter((r): r is ReservationRecord => r !== null);
	}
}
