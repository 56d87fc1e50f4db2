// Parents (innermost subnet and range) of many addresses at once: one windowed read of the containers around a sorted run of addresses, then a merge in JavaScript.
//
// A bulk write used to find each row's parents with two correlated index seeks inside its INSERT; for a
// sorted run the containers overlapping [first, last] are read once and walked alongside the run.
import type { Store } from './database.js';
import { containingPrefixes, keyValue } from './containment.js';
import { keyBuffer, type Family } from '../source/domain/ip.js';

interface Container {
	id: number;
	start: bigint;
	end: bigint;
}

/** Ranges read back from a run's first address (ranges rarely nest, so the nearest few hold it if any does). */
const NEAREST_RANGES = 8;

/**
 * For addresses of one space and family sorted ascending, the id of the innermost subnet and range
 * holding each (null where none). Reads only.
 */
export async function parentsOfSorted(
	tx: Store,
	spaceId: number,
	family: Family,
	values: bigint[],
): Promise<{ subnets: (number | null)[]; ranges: (number | null)[] }> {
	if (values.length === 0) return { subnets: [], ranges: [] };
	const lo = values[0];
	const hi = values[values.length - 1];
	const loKey = keyBuffer(family, lo);
	const hiKey = keyBuffer(family, hi);
	// Subnets holding the first address (exact: its enclosing prefixes), then those starting inside the run.
	const outer = await containingPrefixes(tx, 'subnet', spaceId, { family, start: lo, end: lo }, { columns: 't.id, t.start, t.end' });
	const subnets: Container[] = outer.map(toContainer);
	await tx.each<{ id: number; start: Buffer; end: Buffer }>(
		'SELECT id, start, end FROM subnet WHERE space_id = ? AND family = ? AND start > ? AND start <= ?',
		[spaceId, family, loKey, hiKey],
		r => subnets.push(toContainer(r)),
	);
	// Ranges holding the first address: the few starting nearest before it (as parentsOf scans), then those starting inside the run.
	const ranges: Container[] = [];
	await tx.each<{ id: number; start: Buffer; end: Buffer }>(
		`SELECT id, start, end FROM (SELECT id, start, end FROM range WHERE space_id = ?1 AND family = ?2 AND start <= ?3 ORDER BY start DESC LIMIT ${NEAREST_RANGES})
			UNION ALL SELECT id, start, end FROM range WHERE space_id = ?1 AND family = ?2 AND start > ?3 AND start <= ?4`,
		[spaceId, family, loKey, hiKey],
		r => ranges.push(toContainer(r)),
	);
	return { subnets: innermost(subnets, values), ranges: innermost(ranges, values) };
}

function toContainer(r: { id: number; start: Buffer; end: Buffer }): Container {
	return { id: r.id, start: keyValue(r.start), end: keyValue(r.end) };
}

/**
 * For sorted points, the id of the innermost container holding each: containers sorted (start asc,
 * end desc) are pushed on a stack as the walk reaches their start; the top holding the point wins.
 */
export function innermost(containers: Container[], points: bigint[]): (number | null)[] {
	containers.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
	const out: (number | null)[] = new Array(points.length);
	const stack: Container[] = [];
	let next = 0;
	for (let i = 0; i < points.length; i++) {
		const p = points[i];
		while (next < containers.length && containers[next].start <= p) stack.push(containers[next++]);
		// Containers that ended before this point never hold a later one (points ascend).
		while (stack.length > 0 && stack[stack.length - 1].end < p) stack.pop();
		let found: number | null = null;
		for (let k = stack.length - 1; k >= 0; k--) {
			if (stack[k].end >= p) {
				found = stack[k].id;
				break;
			}
		}
		out[i] = found;
	}
	return out;
}
