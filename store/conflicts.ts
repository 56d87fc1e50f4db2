// The conflicts report: overlapping subnets and ranges in one space, duplicate addresses, addresses
// outside every range of a range-managed subnet. Discovered objects may overlap; this is where they show.
import type { Store } from './database.js';
import { keyValue } from './containment.js';
import { formatSpanCompact, formatValue, type Family } from '../source/domain/ip.js';

export type ConflictKind = 'subnet-overlap' | 'range-overlap' | 'duplicate-address' | 'outside-range';

export interface Conflict {
	kind: ConflictKind;
	space: string;
	object: string;
	object_id: number;
	other: string;
	other_id: number | null;
	message: string;
}

interface OverlapRow {
	id: number;
	space: string;
	family: Family;
	start: Buffer;
	end: Buffer;
	other_id: number | null;
	other_start: Buffer | null;
	other_end: Buffer | null;
	other_name: string | null;
}

async function overlaps(store: Store, table: 'subnet' | 'range', limit: number): Promise<Conflict[]> {
	// A row overlaps an earlier one when the furthest end reached before it is at or after its start.
	const rows = await store.all<OverlapRow>(
		`WITH w AS (
			SELECT t.id, t.space_id, t.family, t.start, t.end,
				max(t.end) OVER (PARTITION BY t.space_id, t.family ORDER BY t.start, t.end DESC, t.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
			FROM ${table} t)
		SELECT w.id, sp.name AS space, w.family, w.start, w.end, o.id AS other_id, o.start AS other_start, o.end AS other_end, o.name AS other_name
		FROM w JOIN address_space sp ON sp.id = w.space_id
		LEFT JOIN ${table} o ON o.id = (SELECT p.id FROM ${table} p WHERE p.space_id = w.space_id AND p.family = w.family AND p.start <= w.start
			AND p.end >= w.start AND p.id <> w.id ORDER BY p.start DESC LIMIT 1)
		WHERE w.reach >= w.start ORDER BY w.space_id, w.family, w.start LIMIT ?`,
		[limit],
	);
	return rows.map(r => {
		const object = formatSpanCompact({ family: r.family, start: keyValue(r.start), end: keyValue(r.end) });
		const other = r.other_start && r.other_end ? formatSpanCompact({ family: r.family, start: keyValue(r.other_start), end: keyValue(r.other_end) }) : '';
		return {
			kind: `${table}-overlap` as ConflictKind,
			space: r.space,
			object,
			object_id: r.id,
			other,
			other_id: r.other_id,
			message: `${table} ${object} overlaps ${table} ${other}${r.other_name ? ` ("${r.other_name}")` : ''}`,
		};
	});
}

async function duplicates(store: Store, limit: number): Promise<Conflict[]> {
	const rows = await store.all<{ space: string; family: Family; ip: Buffer; first: number; n: number; managers: string }>(
		`SELECT sp.name AS space, a.family, a.ip, min(a.id) AS first, count(*) AS n, group_concat(a.managed_by || coalesce(' ' || nullif(a.managed_by_entity, ''), ''), ', ') AS managers
		FROM address a JOIN address_space sp ON sp.id = a.space_id
		GROUP BY a.space_id, a.family, a.ip HAVING count(*) > 1 ORDER BY a.space_id, a.family, a.ip LIMIT ?`,
		[limit],
	);
	return rows.map(r => {
		const ip = formatValue(r.family, keyValue(r.ip));
		return { kind: 'duplicate-address', space: r.space, object: ip, object_id: r.first, other: r.managers, other_id: null, message: `address ${ip} is recorded ${r.n} times (${r.managers})` };
	});
}

async function outsideRanges(store: Store, limit: number): Promise<Conflict[]> {
	const rows = await store.all<{ id: number; space: string; family: Family; ip: Buffer; subnet_id: number; s_start: Buffer; s_len: number }>(
		`SELECT a.id, sp.name AS space, a.family, a.ip, a.subnet_id, s.start AS s_start, s.prefix_len AS s_len
		FROM address a JOIN subnet s ON s.id = a.subnet_id JOIN address_space sp ON sp.id = a.space_id
		WHERE a.range_id IS NULL AND EXISTS (SELECT 1 FROM range r WHERE r.subnet_id = a.subnet_id)
		ORDER BY a.space_id, a.family, a.ip LIMIT ?`,
		[limit],
	);
	return rows.map(r => {
		const ip = formatValue(r.family, keyValue(r.ip));
		const subnet = `${formatValue(r.family, keyValue(r.s_start))}/${r.s_len}`;
		return { kind: 'outside-range', space: r.space, object: ip, object_id: r.id, other: subnet, other_id: r.subnet_id, message: `address ${ip} lies in subnet ${subnet} but outside every range of it` };
	});
}

/** Up to `limit` conflicts of each kind. */
export async function findConflicts(store: Store, options: { kinds?: ConflictKind[]; limit?: number } = {}): Promise<Conflict[]> {
	const limit = options.limit ?? 1000;
	const want = (k: ConflictKind) => !options.kinds || options.kinds.includes(k);
	const out: Conflict[] = [];
	if (want('subnet-overlap')) out.push(...(await overlaps(store, 'subnet', limit)));
	if (want('range-overlap')) out.push(...(await overlaps(store, 'range', limit)));
	if (want('duplicate-address')) out.push(...(await duplicates(store, limit)));
	if (want('outside-range')) out.push(...(await outsideRanges(store, limit)));
	return out;
}
