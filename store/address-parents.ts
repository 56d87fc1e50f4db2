// Parents (innermost subnet and range) of many addresses at once: one windowed read of the containers around a sorted run of addresses, then a merge in JavaScript.
//
// A bulk write used to find each row's parents with two correlated index seeks inside its INSERT; for a
// sorted run the containers overlapping [first, last] are read once and walked alongside the run.
import type { Store } from './database.js';
import { containingPrefixes, keyValue } from './containment.js';
import { keyBuffer, maxValue, type Family } from '../source/domain/ip.js';

interface Container {
	id: number;
	start: bigint;
	end: bigint;
}

type Parents = { subnets: (number | null)[]; ranges: (number | null)[] };

/** Ranges read back from a run's first address (ranges rarely nest, so the nearest few hold it if any does). */
const NEAREST_RANGES = 8;

/**
 * For addresses of one space and family sorted ascending, the id of the innermost subnet and range
 * holding each (null where none). Reads only.
 */
export async function parentsOfSorted(tx: Store, spaceId: number, family: Family, values: bigint[]): Promise<Parents> {
	if (values.length === 0) return { subnets: [], ranges: [] };
	const hiKey = keyBuffer(family, values[values.length - 1]);
	const w = await readContainers(tx, spaceId, family, values[0], 'AND start <= ?4', [hiKey]);
	return { subnets: innermost([...w.holding, ...w.subnets], values), ranges: innermost([...w.nearest, ...w.ranges], values) };
}

/**
 * The containers that can hold an address at or after `from`: `holding`, the subnets holding it (exact:
 * its enclosing prefixes), `nearest`, the few ranges starting at or before it (as parentsOf scans), then
 * the subnets and ranges starting after it, in start order, as far as `bound` (SQL on `start`, parameter ?4) lets them.
 */
async function readContainers(
	tx: Store,
	spaceId: number,
	family: Family,
	from: bigint,
	bound: string,
	boundParams: Buffer[],
): Promise<{ holding: Container[]; nearest: Container[]; subnets: Container[]; ranges: Container[] }> {
	const fromKey = keyBuffer(family, from);
	const holding = (await containingPrefixes(tx, 'subnet', spaceId, { family, start: from, end: from }, { columns: 't.id, t.start, t.end' })).map(toContainer);
	const params = [spaceId, family, fromKey, ...boundParams];
	const subnets: Container[] = [];
	await tx.each<{ id: number; start: Buffer; end: Buffer }>(`SELECT id, start, end FROM subnet WHERE space_id = ?1 AND family = ?2 AND start > ?3 ${bound}`, params, r =>
		subnets.push(toContainer(r)),
	);
	const nearest: Container[] = [];
	const ranges: Container[] = [];
	await tx.each<{ id: number; start: Buffer; end: Buffer; after: number }>(
		`SELECT * FROM (SELECT id, start, end, 0 AS after FROM range WHERE space_id = ?1 AND family = ?2 AND start <= ?3 ORDER BY start DESC LIMIT ${NEAREST_RANGES})
			UNION ALL SELECT * FROM (SELECT id, start, end, 1 AS after FROM range WHERE space_id = ?1 AND family = ?2 AND start > ?3 ${bound})`,
		params,
		r => (r.after ? ranges : nearest).push(toContainer(r)),
	);
	return { holding, nearest, subnets, ranges };
}

/** Subnets and ranges read per window: a sorted file of a million addresses over a few thousand subnets needs a few reads in all. */
const WINDOW = 4096;

/** The containers that can hold any address in [from, to]. */
interface Window {
	from: bigint;
	to: bigint;
	subnets: Container[];
	ranges: Container[];
}

/**
 * Parents for a stream of sorted chunks (a bulk import): containers are read a window at a time, so
 * most chunks need no read — a writer then queues its next statement without first waiting behind
 * the one SQLite is running. Valid while no subnet or range of the space changes (one import's writes).
 */
export class ParentWindows {
	private readonly windows = new Map<string, Window>();

	constructor(private readonly tx: Store) {}

	async of(spaceId: number, family: Family, values: bigint[]): Promise<Parents> {
		if (values.length === 0) return { subnets: [], ranges: [] };
		const lo = values[0];
		const hi = values[values.length - 1];
		const key = `${spaceId}/${family}`;
		let w = this.windows.get(key);
		if (!w || lo < w.from || hi > w.to) this.windows.set(key, (w = await this.read(spaceId, family, lo)));
		// A chunk spread wider than a window (addresses scattered over many subnets) is read exactly.
		if (hi > w.to) return parentsOfSorted(this.tx, spaceId, family, values);
		const near = (c: Container) => c.start <= hi && c.end >= lo;
		return { subnets: innermost(w.subnets.filter(near), values), ranges: innermost(w.ranges.filter(near), values) };
	}

	private async read(spaceId: number, family: Family, from: bigint): Promise<Window> {
		const w = await readContainers(this.tx, spaceId, family, from, `ORDER BY start LIMIT ${WINDOW}`, []);
		// A full read may have left out containers sharing its last start: the window ends before that start.
		const reach = (after: Container[]) => (after.length < WINDOW ? maxValue(family) : after[after.length - 1].start - 1n);
		const a = reach(w.subnets);
		const b = reach(w.ranges);
		return { from, to: a < b ? a : b, subnets: [...w.holding, ...w.subnets], ranges: [...w.nearest, ...w.ranges] };
	}
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
