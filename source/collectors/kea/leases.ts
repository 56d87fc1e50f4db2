// Kea leases: `lease4-get-page`/`lease6-get-page` paging and the lease JSON → LeaseRecord mapping.
import type { LeaseRecord, LeaseState } from '../../domain/dhcp.js';
import type { Family } from '../../domain/ip.js';
import { canonicalAddress, formatValue, maxValue, tryParseAddress } from '../../domain/ip.js';
import { tryParseClientId, tryParseMac } from '../../domain/mac.js';
import { KeaError, KeaResult } from './answer.js';
import type { KeaChannel } from './channel.js';
import type { ScopeIndex } from './config.js';
import { scopeKeyFor } from './config.js';

/** Kea's own measurements (notes): 1,000 a page pages 1M leases in ~7 s, 10,000 a page takes ~50 s. */
export const DEFAULT_PAGE_LIMIT = 1000;

/** valid-lft 0xffffffff means infinite. */
const INFINITE = 0xffffffff;

type Json = Record<string, unknown>;

export interface LeasePaging {
	limit?: number;
	signal?: AbortSignal;
	/**
	 * How many address segments are paged at once (default 2). Kea answers one command at a time, but while it
	 * builds one page this side reads the previous one: on two cores the run takes about max(Kea, us), not the sum.
	 */
	streams?: number;
	/** Called after each page (progress, benchmarks). */
	onPage?: (pageLeases: number, total: number) => void;
}

export interface LeaseCollection {
	leases: LeaseRecord[];
	pages: number;
	/** Leases the server sent that could not be read (first few reasons). */
	problems: string[];
	skipped: number;
	/** How often an idle worker took over half of another's segment. */
	splits: number;
}

/** One address segment: leases after `from` (exclusive; null = from the start) up to `to` (inclusive; null = the end). */
interface Segment {
	from: bigint | null;
	to: bigint | null;
}

/** A segment being paged: `pos` is the last address read (-1 = nothing yet); `to` may shrink when work is stolen. */
interface Run {
	pos: bigint;
	to: bigint;
	/** Set the moment its last page is read: a finished run must not be split (its leases are already taken). */
	done: boolean;
}

/**
 * Pages through every lease of the server. The address space is cut into segments at pool-weighted boundaries,
 * paged by `streams` workers at once; each page starts after the last address of the one before. A worker with
 * nothing left takes the far half of the largest remaining segment (leases often crowd the start of a big pool).
 * Segments stay disjoint and cover everything, so a lease outside every pool is still collected exactly once.
 */
export async function collectLeases(channel: KeaChannel, index: ScopeIndex | null, paging: LeasePaging = {}): Promise<LeaseCollection> {
	const streams = Math.max(1, paging.streams ?? 2);
	const limit = paging.limit ?? DEFAULT_PAGE_LIMIT;
	const end = maxValue(channel.family);
	const queue: Run[] = splitSegments(index, streams).map(s => ({ pos: s.from ?? -1n, to: s.to ?? end, done: false }));
	const active = new Set<Run>();
	const out: LeaseCollection = { leases: [], pages: 0, problems: [], skipped: 0, splits: 0 };
	// A segment narrower than two pages of addresses holds at most one page of leases: not worth splitting.
	const steal = (): Run | undefined => {
		let best: Run | undefined;
		let width = BigInt(limit) * 2n;
		for (const run of active) {
			if (!run.done && run.to - run.pos > width) {
				best = run;
				width = run.to - run.pos;
			}
		}
		if (!best) return undefined;
		const cut = best.pos + width / 2n;
		const stolen = { pos: cut, to: best.to, done: false };
		best.to = cut;
		out.splits++;
		return stolen;
	};
	const worker = async () => {
		for (let run = queue.shift() ?? steal(); run; run = queue.shift() ?? steal()) {
			active.add(run);
			try {
				await collectRun(channel, index, run, limit, paging, out);
			} finally {
				active.delete(run);
			}
		}
	};
	await Promise.all(Array.from({ length: streams }, worker));
	return out;
}

async function collectRun(channel: KeaChannel, index: ScopeIndex | null, run: Run, limit: number, paging: LeasePaging, out: LeaseCollection): Promise<void> {
	const family = channel.family;
	const command = `lease${family}-get-page`;
	// This finally runs in the same turn as the last page's processing (an await in a caller would resume a microtask
	// later, when another worker may already be looking for a run to split).
	try {
		for (;;) {
			const from = run.pos < 0n ? 'start' : formatValue(family, run.pos);
			const answer = await channel.command(command, { from, limit }, paging.signal);
			if (answer.result === KeaResult.empty) return;
			const page = answer.arguments?.leases as Json[] | undefined;
			if (!Array.isArray(page)) throw new KeaError(`${command} answer from ${channel.where} has no "leases" array`);
			out.pages++;
			const lastText = page.length > 0 ? page[page.length - 1]['ip-address'] : undefined;
			const last = typeof lastText === 'string' ? tryParseAddress(lastText) : null;
			// `run.to` is read after the answer: work stolen meanwhile is left to its new owner. Pages are in address
			// order, so only a page whose last address is past the end needs a per-lease comparison.
			const crosses = last === null || last.value > run.to;
			for (const lease of page) {
				if (crosses) {
					const a = typeof lease['ip-address'] === 'string' ? tryParseAddress(lease['ip-address']) : null;
					if (a !== null && a.value > run.to) continue;
				}
				const record = leaseRecord(lease, family, index);
				if (typeof record === 'string') {
					out.skipped++;
					if (out.problems.length < 5) out.problems.push(record);
				} else out.leases.push(record);
			}
			paging.onPage?.(page.length, out.leases.length);
			if (page.length < limit || crosses) return;
			if (last.value <= run.pos) throw new KeaError(`${command} paging from ${channel.where} did not advance past ${from}`);
			run.pos = last.value;
		}
	} finally {
		run.done = true;
	}
}

/** Cuts the address space where the pools' addresses divide into `streams` equal shares. */
function splitSegments(index: ScopeIndex | null, streams: number): Segment[] {
	const spans = index ? [...index.values()].flat().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)) : [];
	const total = spans.reduce((sum, s) => sum + (s.end - s.start + 1n), 0n);
	if (streams <= 1 || total < 2n) return [{ from: null, to: null }];
	const cuts: bigint[] = [];
	let seen = 0n;
	let next = 1;
	for (const span of spans) {
		const size = span.end - span.start + 1n;
		while (next < streams && seen + size >= (total * BigInt(next)) / BigInt(streams)) {
			const cut = span.start + (total * BigInt(next)) / BigInt(streams) - seen;
			if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
			next++;
		}
		seen += size;
	}
	const segments: Segment[] = [];
	let from: bigint | null = null;
	for (const cut of cuts) {
		segments.push({ from, to: cut });
		from = cut;
	}
	segments.push({ from, to: null });
	return segments;
}

const V4_TEXT = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC_TEXT = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** One Kea lease object → LeaseRecord, or a reason it cannot be read. */
export function leaseRecord(lease: Json, family: Family, index: ScopeIndex | null): LeaseRecord | string {
	const ipText = lease['ip-address'];
	if (typeof ipText !== 'string') return `a lease without "ip-address": ${JSON.stringify(lease).slice(0, 100)}`;
	let ip: string;
	// Kea prints IPv4 canonically already; the fast check avoids a BigInt parse per lease on million-lease servers.
	if (family === 4 && V4_TEXT.test(ipText)) ip = ipText;
	else {
		try {
			ip = canonicalAddress(ipText);
		} catch (e) {
			return `lease ${JSON.stringify(ipText)}: ${(e as Error).message}`;
		}
	}
	const cltt = typeof lease.cltt === 'number' ? lease.cltt : null;
	const valid = typeof lease['valid-lft'] === 'number' ? lease['valid-lft'] : null;
	const hw = lease['hw-address'];
	const record: LeaseRecord = {
		family,
		ip,
		mac: typeof hw === 'string' && hw !== '' ? (MAC_TEXT.test(hw) ? hw : tryParseMac(hw)) : null,
		clientId: typeof lease['client-id'] === 'string' ? tryParseClientId(lease['client-id']) : null,
		hostname: typeof lease.hostname === 'string' && lease.hostname !== '' ? lease.hostname : null,
		state: leaseState(lease.state),
		cltt,
		ends: valid === INFINITE ? null : cltt !== null && valid !== null ? cltt + valid : null,
		scopeKey: scopeKey(lease['subnet-id'], ip, index),
	};
	if (family === 6) {
		record.duid = typeof lease.duid === 'string' ? tryParseClientId(lease.duid) : null;
		record.iaid = typeof lease.iaid === 'number' ? lease.iaid : null;
		record.leaseType = lease.type === 'IA_PD' ? 'pd' : lease.type === 'IA_TA' ? 'ta' : 'na';
		record.prefixLen = record.leaseType === 'pd' && typeof lease['prefix-len'] === 'number' ? lease['prefix-len'] : null;
	}
	return record;
}

function scopeKey(subnetId: unknown, ip: string, index: ScopeIndex | null): string | null {
	if (typeof subnetId !== 'number') return null;
	return index ? scopeKeyFor(index, subnetId, ip) : String(subnetId);
}

/** Kea lease states: 0 default (assigned), 1 declined, 2 expired-reclaimed. */
export function leaseState(state: unknown): LeaseState {
	if (state === 1) return 'declined';
	if (state === 2) return 'expired';
	return 'active';
}
