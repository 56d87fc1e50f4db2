// The tracking pane: who held an address (or where a MAC, host or user was) around a moment, from the tracking store.
import type { Store } from '../../store/database.js';
import type { PaneRead, PaneSpec, Row, Scope } from './pane-spec.js';
import { keyBuffer, parseAddress } from '../domain/ip.js';
import { timeText } from './format.js';

export interface TrackScope {
	term: string;
	/** The moment as typed ("yesterday 14:23"); absent = all time. */
	at?: string;
}

// One tracking result per scope: the pane pages over it in memory (it is already capped by the store).
const results = new WeakMap<Scope, Promise<{ rows: Row[]; notes: string[]; subject: string }>>();

async function load(store: Store, scope: Scope): Promise<{ rows: Row[]; notes: string[]; subject: string }> {
	const spec = scope.track!;
	// Loaded on first use so start-up never pays for the tracking code and date parsing.
	const [{ track }, { parseTime }] = await Promise.all([import('../../store/tracking.js'), import('../domain/time.js')]);
	const at = spec.at ? parseTime(spec.at) : undefined;
	const result = await track(store, { term: spec.term, window: at === undefined ? { from: null, to: null } : { from: at, to: at, at } });
	const rows = result.rows.map((r, i) => ({ ...r, users: r.users.join(', '), servers: r.servers.join(', '), missing: r.missing.join('; '), _k: [i] }) as unknown as Row);
	return { rows, notes: result.notes, subject: result.subject };
}

export function trackResult(store: Store, scope: Scope) {
	let p = results.get(scope);
	if (!p) {
		p = load(store, scope);
		results.set(scope, p);
	}
	return p;
}

async function readTrack(store: Store, request: PaneRead): Promise<Row[]> {
	if (!request.scope?.track) return [];
	const { rows } = await trackResult(store, request.scope);
	const forward = (request.direction === 'after') !== request.descending;
	const ordered = forward ? rows : [...rows].reverse();
	const a = request.anchor ? Number(request.anchor[0]) : null;
	const past = (i: number) => (a === null ? true : forward ? (request.inclusive ? i >= a : i > a) : request.inclusive ? i <= a : i < a);
	const page = ordered.filter(r => past(Number(r._k[0]))).slice(0, request.limit);
	return request.direction === 'before' ? page.reverse() : page;
}

export const trackPane: PaneSpec = {
	id: 'track',
	title: 'Tracking',
	aliases: ['tracking', 'who'],
	read: readTrack,
	defaultSort: { column: 'from', descending: false },
	columns: [
		{ key: 'ip', header: 'IP', width: 16, value: r => String(r.ip) },
		{ key: 'from', header: 'FROM', width: 20, value: r => Number(r.from), text: r => (r.fromExact ? '' : '≤') + timeText(r.from), sortSql: 'from' },
		{ key: 'to', header: 'TO', width: 19, value: r => (r.to as number | null) ?? null, text: r => (r.to == null ? 'still held' : timeText(r.to)) },
		{ key: 'end', header: 'END', width: 11, value: r => String(r.end) },
		{ key: 'mac', header: 'MAC / CLIENT', width: 17, value: r => String(r.mac ?? r.clientId ?? r.duid ?? '') },
		{ key: 'host', header: 'HOST', width: 'flex', value: r => String(r.host ?? '') },
		{ key: 'users', header: 'USERS', width: 'flex', value: r => String(r.users ?? '') },
		{ key: 'servers', header: 'SERVERS', width: 12, value: r => String(r.servers ?? '') },
		{ key: 'missing', header: 'NOT LINKED', width: 'flex', value: r => String(r.missing ?? '') },
	],
	filter: () => [],
	argument(arg) {
		const at = arg.indexOf('@');
		const term = (at >= 0 ? arg.slice(0, at) : arg).trim();
		if (!term) return null;
		return { label: arg, where: [], track: { term, at: at >= 0 ? arg.slice(at + 1).trim() : undefined } };
	},
	drill(r) {
		try {
			const a = parseAddress(String(r.ip));
			return {
				pane: 'events',
				scope: { label: String(r.ip), where: [], term: { kind: 'span', span: { family: a.family, start: a.value, end: a.value }, text: String(r.ip) }, anchor: r.to == null ? undefined : [Number(r.to) + 1, 99, Number.MAX_SAFE_INTEGER] },
			};
		} catch {
			return null;
		}
	},
	describe(r) {
		try {
			const a = parseAddress(String(r.ip));
			const key = keyBuffer(a.family, a.value);
			return { kind: 'event', family: a.family, start: key, row: r };
		} catch {
			return null;
		}
	},
	notes: async (store, scope) => (scope?.track ? (await trackResult(store, scope)).notes : []),
	copyValue: r => String(r.ip),
	trackTerm: r => (r.mac as string | null) ?? null,
};
