// Simulates days of DHCP activity per scope — people arriving and leaving, phones and cameras renewing around
// the clock, guests passing through — as a time-ordered list of lease actions per server.
import { formatValue } from '../domain/ip.js';
import { LocalClock } from '../formats/local-time.js';
import { makeClient, type DemoClient } from './clients.js';
import type { ClientKind, DemoPlan, DemoScope, DemoServer } from './enterprise.js';
import { Random } from './random.js';

export type ActionKind = 'assign' | 'renew' | 'release' | 'expire';

export interface LeaseAction {
	ts: number;
	kind: ActionKind;
	scope: DemoScope;
	ip: string;
	client: DemoClient;
	/** When the lease granted by an assign/renew runs out. */
	ends: number;
	/** When the client's current holding of this address began. */
	since: number;
	/** The device just arrived (a session's first packet): when its user logs on. */
	arrival: boolean;
}

/** A lease held at `now`. */
export interface CurrentLease {
	scope: DemoScope;
	ip: string;
	client: DemoClient;
	since: number;
	cltt: number;
	ends: number;
}

export interface ServerHistory {
	server: DemoServer;
	actions: LeaseAction[];
	current: CurrentLease[];
	clients: DemoClient[];
}

/** How many distinct devices use a scope, relative to its busy-day occupancy (guests come and go). */
const CHURN: Record<ClientKind, number> = { wired: 1.02, voice: 1, wifi: 1.25, guest: 3, printer: 1, iot: 1 };
const RELEASES: Record<ClientKind, number> = { wired: 0.05, voice: 0, wifi: 0.15, guest: 0.1, printer: 0, iot: 0 };

interface Session {
	client: number;
	start: number;
	end: number;
}

interface Holder {
	client: number;
	ends: number;
}

/** Sessions of one device over the window, in its site's local working hours. */
function sessions(kind: ClientKind, client: number, rng: Random, days: { midnight: number; weekday: boolean }[], from: number, now: number): Session[] {
	if (kind === 'voice' || kind === 'printer' || kind === 'iot') return [{ client, start: from - rng.int(0, 43200), end: now + 86400 }];
	const out: Session[] = [];
	for (const day of days) {
		if (kind === 'guest') {
			if (!rng.chance(day.weekday ? 0.12 : 0.02)) continue;
			const start = day.midnight + rng.int(9 * 3600, 16 * 3600);
			out.push({ client, start, end: start + rng.int(1800, 3 * 3600) });
			continue;
		}
		if (!rng.chance(day.weekday ? (kind === 'wired' ? 0.9 : 0.82) : 0.06)) continue;
		const start = day.midnight + 8 * 3600 + (kind === 'wifi' ? 1800 : 0) + Math.round(rng.gauss(2700));
		const end = day.midnight + 17 * 3600 + 1800 + Math.round(rng.gauss(3600));
		out.push({ client, start, end: Math.max(end, start + 1800) });
	}
	return out;
}

function simulateScope(scope: DemoScope, plan: DemoPlan, from: number, now: number, out: ServerHistory): void {
	const rng = new Random(0x5eed ^ (scope.id * 7919));
	const size = Number(scope.end - scope.start + 1n);
	const count = Math.min(size, Math.round(size * scope.occupancy * CHURN[scope.kind]));
	const clients: DemoClient[] = [];
	for (let i = 0; i < count; i++) clients.push(makeClient(scope, i, rng));
	out.clients.push(...clients);
	const clock = new LocalClock({ timeZone: scope.subnet.site.timeZone });
	const days: { midnight: number; weekday: boolean }[] = [];
	for (let t = from - 86400; t < now + 86400; t += 86400) {
		const d = new Date(t * 1000);
		const midnight = clock.epoch(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0);
		const wd = new Date(midnight * 1000 + 12 * 3600_000).getUTCDay();
		days.push({ midnight, weekday: wd >= 1 && wd <= 5 });
	}
	const all: Session[] = [];
	clients.forEach((_, i) => all.push(...sessions(scope.kind, i, rng, days, from, now)));
	all.sort((a, b) => a.start - b.start);

	const T = scope.leaseSeconds;
	const holders: (Holder | null)[] = new Array(size).fill(null);
	const lastIp = new Int32Array(count).fill(-1);
	const leaseEnds = new Float64Array(count).fill(-Infinity);
	const since = new Float64Array(count);
	const cltt = new Float64Array(count);
	const holding = new Uint8Array(count);
	let cursor = 0;
	const ipTexts: string[] = new Array(size);
	const ipText = (i: number) => (ipTexts[i] ??= formatValue(scope.family, scope.start + BigInt(i)));
	const emit = (ts: number, kind: ActionKind, c: number, ipIndex: number, ends: number, arrival = false) => {
		if (ts < from || ts > now) return;
		out.actions.push({ ts, kind, scope, ip: ipText(ipIndex), client: clients[c], ends, since: since[c], arrival });
	};
	const free = (i: number, at: number) => holders[i] === null || holders[i]!.ends <= at;
	for (const s of all) {
		if (s.start > now) continue;
		const c = s.client;
		let ip = lastIp[c];
		if (holding[c] && leaseEnds[c] > s.start) {
			emit(s.start, 'renew', c, ip, s.start + T, true);
		} else {
			if (holding[c]) emit(leaseEnds[c], 'expire', c, ip, leaseEnds[c]);
			holding[c] = 0;
			if (ip < 0 || !free(ip, s.start)) {
				// Servers hand a returning client its old address when they can, else the next free one.
				let tries = 0;
				while (!free(cursor, s.start) && tries < size) {
					cursor = (cursor + 1) % size;
					tries++;
				}
				if (tries >= size) continue;
				ip = cursor;
				cursor = (cursor + 1) % size;
			}
			lastIp[c] = ip;
			since[c] = s.start;
			holding[c] = 1;
			emit(s.start, 'assign', c, ip, s.start + T, true);
		}
		holders[ip] = { client: c, ends: s.start + T };
		let t = s.start;
		cltt[c] = t;
		while (t + T / 2 < Math.min(s.end, now)) {
			t += T / 2;
			cltt[c] = t;
			emit(t, 'renew', c, ip, t + T);
		}
		leaseEnds[c] = t + T;
		holders[ip]!.ends = t + T;
		if (s.end <= now && rng.chance(RELEASES[scope.kind])) {
			emit(s.end, 'release', c, ip, s.end);
			leaseEnds[c] = s.end;
			holders[ip] = null;
			holding[c] = 0;
		}
	}
	for (let c = 0; c < count; c++) {
		const ip = lastIp[c];
		if (!holding[c]) continue;
		if (leaseEnds[c] <= now) emit(leaseEnds[c], 'expire', c, ip, leaseEnds[c]);
		else out.current.push({ scope, ip: ipText(ip), client: clients[c], since: since[c], cltt: cltt[c], ends: leaseEnds[c] });
	}
}

/** One server's actions in time order, and what it holds at `now` (servers are simulated one at a time to keep memory low). */
export function simulateServer(plan: DemoPlan, server: DemoServer, now: number): ServerHistory {
	// Windows keeps seven daily audit logs: simulating further back would only be overwritten.
	const from = now - (server.kind === 'windows' ? Math.min(plan.days, 7) : plan.days) * 86400;
	const history: ServerHistory = { server, actions: [], current: [], clients: [] };
	for (const scope of plan.scopes) if (scope.server === server) simulateScope(scope, plan, from, now, history);
	history.actions.sort((a, b) => a.ts - b.ts);
	return history;
}

/** Every server's history (tests and small plans). */
export function simulate(plan: DemoPlan, now: number): ServerHistory[] {
	return plan.servers.map(server => simulateServer(plan, server, now));
}
