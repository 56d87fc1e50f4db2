// dhcpd.leases read as history: each lease block appended to the journal is a state change of its address,
// turned into lease events (assign, renew, release, expire, decline) by comparing it with the previous block.
import type { LeaseEventKindName, LeaseEventRecord, LeaseRecord } from '../domain/dhcp.js';
import type { DhcpdLeaseEntry } from './dhcpd-leases.js';

function sameClient(a: LeaseRecord, b: LeaseRecord): boolean {
	if (a.duid || b.duid) return a.duid === b.duid;
	if (a.clientId && b.clientId) return a.clientId === b.clientId;
	return (a.mac ?? null) === (b.mac ?? null);
}

function transition(prev: LeaseRecord | undefined, l: LeaseRecord): LeaseEventKindName | null {
	const held = prev?.state === 'active';
	switch (l.state) {
		case 'active':
			if (!prev || !held || !sameClient(prev, l)) return 'assign';
			return prev.starts === l.starts && prev.ends === l.ends && prev.cltt === l.cltt ? null : 'renew';
		case 'released':
			return held ? 'release' : null;
		case 'expired':
			return held ? 'expire' : null;
		case 'free':
			// A lease that ran out is rewritten as free; one already released or expired changes nothing.
			return held ? 'expire' : null;
		case 'abandoned':
			return prev?.state === 'abandoned' ? null : 'decline';
		default:
			return null;
	}
}

/** Replays lease entries in file order; keeps the last lease per address and returns the events implied. */
export class DhcpdLeaseJournal {
	private readonly last = new Map<string, LeaseRecord>();
	private readonly since = new Map<string, number | null>();

	apply(entries: Iterable<DhcpdLeaseEntry>): LeaseEventRecord[] {
		const events: LeaseEventRecord[] = [];
		for (const e of entries) {
			if (e.type !== 'lease') continue;
			const l = e.lease;
			const key = l.leaseType === 'pd' ? `${l.ip}/${l.prefixLen}` : l.ip;
			const prev = this.last.get(key);
			const kind = transition(prev, l);
			if (kind) {
				const owner = l.mac || l.clientId || l.duid ? l : (prev ?? l);
				// An abandoned lease's ends is the end of its quarantine; the client's DECLINE is its last transaction.
				const ts =
					kind === 'assign' ? (l.starts ?? l.cltt) : kind === 'renew' || kind === 'decline' ? (l.cltt ?? l.starts) : (l.ends ?? l.cltt ?? l.starts);
				if (ts != null) {
					events.push({
						ts,
						kind,
						family: l.family,
						ip: l.ip,
						mac: owner.mac ?? null,
						clientId: owner.clientId ?? null,
						duid: owner.duid ?? null,
						hostname: l.hostname ?? (kind === 'assign' || kind === 'renew' ? null : (prev?.hostname ?? null)),
						expires: kind === 'assign' || kind === 'renew' ? (l.ends ?? null) : null,
						vendorClass: l.vendorClass ?? null,
					});
				}
			}
			this.since.set(key, kind === 'assign' || !prev ? (l.starts ?? l.cltt ?? null) : (this.since.get(key) ?? null));
			this.last.delete(key);
			this.last.set(key, l);
		}
		return events;
	}

	/**
	 * The current state of every address the journal has named (free and backup entries included). dhcpd moves
	 * `starts` on every renewal; here it is when the client's holding began, as the journal shows it.
	 */
	current(): LeaseRecord[] {
		return [...this.last.entries()].map(([key, l]) => ({ ...l, starts: this.since.get(key) ?? l.starts }));
	}

	get size(): number {
		return this.last.size;
	}
}
