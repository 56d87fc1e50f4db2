// Utilization rollup: range, subnet and block used/allocated, computed set-wise (GROUP BY over the
// indexed range_id / subnet_id columns), incrementally for single changes, with history on change.
// Definitions: see source/domain/utilization.ts (range = distinct in-use addresses ∪ active/reserved
// leases ∪ reservations; subnet = the same over the subnet; block = addresses, or /64s for IPv6 blocks
// shorter than /64, allocated = covered by descendant subnets counted once).
//
// Bulk API:
//   rollupUtilization(tx: Store): Promise<{ ranges: number; subnets: number; blocks: number }>  (rows changed)
//   refreshUtilization(tx: Store, scope: UtilizationScope): Promise<void>                      (single changes)
import type { Store } from './database.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../source/domain/utilization.js';

const IN_USE_ADDRESS = `status IN ('in-use', 'reserved')`;

/** Setting: when the last full rollup ran (epoch seconds). */
const ROLLED_UP_AT = 'utilization.rolled_up_at';

/** Leases and reservations whose address has no in-use address row (those are counted from address). */
function dhcpOnly(filter: string): string {
	return `SELECT x.range_id, x.ip FROM (
			SELECT range_id, space_id, family, ip FROM lease WHERE range_id IS NOT NULL AND state IN ('active', 'reserved') ${filter}
			UNION SELECT range_id, space_id, family, ip FROM reservation WHERE range_id IS NOT NULL ${filter}) x
		WHERE NOT EXISTS (SELECT 1 FROM address a WHERE a.space_id = x.space_id AND a.family = x.family AND a.ip = x.ip AND a.${IN_USE_ADDRESS})`;
}

/**
 * History rows hold the figure an object had until `ts` (the current one is on the object's row), so a
 * trend is a step line: each row's figure from the previous row's ts (or the object's creation) to its
 * own. A second change within the same second keeps the first row: the figure before it held until then.
 */
async function keepHistory(tx: Store, kind: string, select: string, params: unknown[], now: number): Promise<void> {
	await tx.run(`INSERT OR IGNORE INTO utilization_history (object_kind, object_id, ts, size, used) SELECT ?, x.id, ?, x.size, x.used FROM (${select}) x`, [
		kind,
		now,
		...params,
	] as never[]);
}

// Temp tables are rowid tables keyed by object id: joins against them walk both sides in id order,
// which SQLite's rowid seek turns into next-row steps instead of tree descents.
async function countTable(tx: Store): Promise<void> {
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS util_n (id INTEGER PRIMARY KEY, used REAL NOT NULL); DELETE FROM util_n;`);
}

/**
 * Writes util_n into `table`.used for rows in scope (absent = 0), keeping each replaced figure in the
 * history: one pass finds the changed rows, then history and the update touch only those. `fresh`
 * (full rollups): objects created at or after this time whose figure is still the initial 0 — a figure
 * no rollup ever showed, so there is nothing to keep.
 */
async function apply(tx: Store, table: 'range' | 'subnet', scopeSql: string, params: unknown[], now: number, fresh: number | null = null): Promise<number> {
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS util_changed (id INTEGER PRIMARY KEY, size REAL NOT NULL, used REAL NOT NULL, old REAL NOT NULL, fresh INTEGER NOT NULL);
		DELETE FROM util_changed;`);
	const { changes } = await tx.run(
		`INSERT INTO util_changed (id, size, used, old, fresh) SELECT t.id, t.size, coalesce(u.used, 0), t.used, t.used = 0 AND t.created_at >= ?
			FROM ${table} t LEFT JOIN util_n u ON u.id = t.id WHERE ${scopeSql} AND t.used <> coalesce(u.used, 0)`,
		[fresh ?? Number.MAX_SAFE_INTEGER, ...params] as never[],
	);
	if (changes === 0) return 0;
	await keepHistory(tx, table, `SELECT id, size, old AS used FROM util_changed WHERE NOT fresh`, [], now);
	// Driven by util_changed (rowid order), each target row is one rowid step away from the last.
	await tx.run(`UPDATE ${table} SET used = (SELECT c.used FROM util_changed c WHERE c.id = ${table}.id) WHERE id IN (SELECT id FROM util_changed)`);
	return changes;
}

async function rangeCounts(tx: Store, filter: string, params: unknown[]): Promise<void> {
	await countTable(tx);
	await tx.run(
		`INSERT INTO util_n (id, used) SELECT range_id, sum(n) FROM (
			SELECT range_id, count(DISTINCT ip) AS n FROM address WHERE range_id IS NOT NULL AND ${IN_USE_ADDRESS} ${filter} GROUP BY range_id
			UNION ALL
			SELECT range_id, count(DISTINCT ip) FROM (${dhcpOnly(filter)}) GROUP BY range_id
		) GROUP BY range_id`,
		[...params, ...params, ...params] as never[],
	);
}

async function subnetCounts(tx: Store, filter: string, params: unknown[]): Promise<void> {
	await countTable(tx);
	const rangeFilter = filter.replace(/subnet_id/g, 'r.subnet_id');
	await tx.run(
		`INSERT INTO util_n (id, used) SELECT subnet_id, sum(n) FROM (
			SELECT subnet_id, count(DISTINCT ip) AS n FROM address WHERE subnet_id IS NOT NULL AND ${IN_USE_ADDRESS} ${filter} GROUP BY subnet_id
			UNION ALL
			SELECT r.subnet_id, count(DISTINCT d.ip) FROM (${dhcpOnly('')}) d JOIN range r ON r.id = d.range_id
				WHERE r.subnet_id IS NOT NULL ${rangeFilter} GROUP BY r.subnet_id
		) GROUP BY subnet_id`,
		[...params, ...params] as never[],
	);
}

/**
 * Block figures from their descendant subnets, for the given blocks (all when null). A subnet nested
 * in another (discovered overlap) adds no allocation; IPv6 subnets longer than /64 count their /64 once.
 * Subnets are summed per block once (an index walk on block_id), then the sums move up the tree.
 */
async function blockFigures(tx: Store, blockIds: number[] | null, now: number, fresh: number | null = null): Promise<number> {
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS util_down (root INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (id, root)) WITHOUT ROWID;
		CREATE TEMP TABLE IF NOT EXISTS util_nested (id INTEGER PRIMARY KEY);
		CREATE TEMP TABLE IF NOT EXISTS util_direct (block_id INTEGER PRIMARY KEY, addr REAL NOT NULL, n64 REAL NOT NULL, used REAL NOT NULL, long INTEGER NOT NULL);
		CREATE TEMP TABLE IF NOT EXISTS util_block (id INTEGER PRIMARY KEY, allocated REAL NOT NULL, used REAL NOT NULL);
		DELETE FROM util_down; DELETE FROM util_nested; DELETE FROM util_direct; DELETE FROM util_block;`);
	const roots = blockIds ? `WHERE b.id IN (SELECT value FROM json_each(?))` : '';
	// Every block under each root (itself included).
	await tx.run(
		`WITH RECURSIVE down(root, id) AS (SELECT b.id, b.id FROM block b ${roots} UNION ALL SELECT down.root, c.id FROM down JOIN block c ON c.parent_id = down.id)
		INSERT OR IGNORE INTO util_down (root, id) SELECT root, id FROM down`,
		blockIds ? [JSON.stringify(blockIds)] : [],
	);
	const under = blockIds ? 'block_id IN (SELECT id FROM util_down)' : 'block_id IS NOT NULL';
	// Nested subnets: inside another subnet of the same set. One seek per subnet finds the few that contain others.
	await tx.run(
		`INSERT OR IGNORE INTO util_nested (id)
			SELECT b.id FROM subnet c JOIN subnet b ON b.space_id = c.space_id AND b.family = c.family AND b.start BETWEEN c.start AND c.end
			WHERE c.${under} AND b.${under} AND b.id <> c.id AND b.end <= c.end`,
	);
	await tx.run(
		`INSERT INTO util_direct (block_id, addr, n64, used, long)
			SELECT s.block_id,
				sum(CASE WHEN n.id IS NULL THEN s.size ELSE 0 END),
				sum(CASE WHEN n.id IS NULL AND s.prefix_len <= 64 THEN s.size / 18446744073709551616.0 ELSE 0 END),
				sum(s.used),
				sum(n.id IS NULL AND s.family = 6 AND s.prefix_len > 64)
			FROM subnet s LEFT JOIN util_nested n ON n.id = s.id WHERE s.${under} GROUP BY s.block_id`,
	);
	await tx.run(
		`WITH f AS (
			SELECT d.root AS id, sum(x.addr) AS addr, sum(x.n64) AS n64, sum(x.used) AS used FROM util_down d JOIN util_direct x ON x.block_id = d.id GROUP BY d.root),
		-- /64s holding subnets longer than /64, once each per root (only where such subnets exist)
		l AS (
			SELECT d.root AS id, count(DISTINCT substr(s.start, 1, 8)) AS n
			FROM util_direct x JOIN util_down d ON d.id = x.block_id JOIN subnet s ON s.block_id = x.block_id
			WHERE x.long > 0 AND s.family = 6 AND s.prefix_len > 64 AND s.id NOT IN (SELECT id FROM util_nested) GROUP BY d.root)
		INSERT INTO util_block (id, allocated, used)
		SELECT b.id,
			CASE WHEN b.family = 6 AND b.prefix_len < 64 THEN coalesce(f.n64, 0) + coalesce(l.n, 0) ELSE coalesce(f.addr, 0) END,
			CASE WHEN b.family = 6 AND b.prefix_len < 64 THEN coalesce(f.n64, 0) + coalesce(l.n, 0) ELSE coalesce(f.used, 0) + (
				SELECT count(DISTINCT a.ip) FROM address a WHERE a.space_id = b.space_id AND a.family = b.family
					AND a.ip BETWEEN b.start AND b.end AND a.subnet_id IS NULL AND a.${IN_USE_ADDRESS}) END
		FROM block b LEFT JOIN f ON f.id = b.id LEFT JOIN l ON l.id = b.id ${roots}`,
		blockIds ? [JSON.stringify(blockIds)] : [],
	);
	await keepHistory(
		tx,
		'block',
		`SELECT b.id, b.size, b.used FROM block b JOIN util_block u ON u.id = b.id WHERE b.used <> u.used AND NOT (b.used = 0 AND b.created_at >= ?)`,
		[fresh ?? Number.MAX_SAFE_INTEGER],
		now,
	);
	const r = await tx.run(
		`UPDATE block AS b SET used = u.used, allocated = u.allocated FROM util_block u WHERE u.id = b.id AND (b.used <> u.used OR b.allocated <> u.allocated)`,
	);
	return r.changes;
}

/**
 * Counts for the whole store in one ordered pass over the covering index address_subnet
 * (subnet_id, range_id, ip, status): distinct in-use addresses per (subnet, range) pair, which sum to
 * both the range and the subnet figures because one address always has one (subnet, range). The pairs
 * land in key order (0 = none), so the subnet sums need no sort.
 */
async function allCounts(tx: Store, now: number, fresh: number): Promise<{ ranges: number; subnets: number }> {
	await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS util_pair (subnet_id INTEGER NOT NULL, range_id INTEGER NOT NULL, n REAL NOT NULL,
		PRIMARY KEY (subnet_id, range_id)) WITHOUT ROWID; DELETE FROM util_pair;`);
	await tx.run(
		`INSERT INTO util_pair (subnet_id, range_id, n)
			SELECT coalesce(subnet_id, 0), coalesce(range_id, 0), count(DISTINCT ip) FROM address WHERE ${IN_USE_ADDRESS} GROUP BY subnet_id, range_id`,
	);
	await tx.run(
		`INSERT INTO util_pair (subnet_id, range_id, n)
			SELECT coalesce(r.subnet_id, 0), d.range_id, count(DISTINCT d.ip) FROM (${dhcpOnly('')}) d JOIN range r ON r.id = d.range_id WHERE true GROUP BY d.range_id
			ON CONFLICT (subnet_id, range_id) DO UPDATE SET n = n + excluded.n`,
	);
	await countTable(tx);
	// A range normally sits in one pair; the upsert adds the rare second one.
	await tx.run(`INSERT INTO util_n (id, used) SELECT range_id, n FROM util_pair WHERE range_id <> 0 ON CONFLICT (id) DO UPDATE SET used = used + excluded.used`);
	const ranges = await apply(tx, 'range', '1', [], now, fresh);
	await countTable(tx);
	await tx.run(`INSERT INTO util_n (id, used) SELECT subnet_id, sum(n) FROM util_pair WHERE subnet_id <> 0 GROUP BY subnet_id`);
	const subnets = await apply(tx, 'subnet', '1', [], now, fresh);
	return { ranges, subnets };
}

/** Recomputes every range, subnet and block (set-based); appends history for values that changed. */
export async function rollupUtilization(tx: Store): Promise<{ ranges: number; subnets: number; blocks: number }> {
	return tx.transaction(async () => {
		const now = Math.floor(Date.now() / 1000);
		// Objects created since the last rollup that still show the initial 0 were never counted.
		const since = Number(await tx.setting(ROLLED_UP_AT, '0'));
		const { ranges, subnets } = await allCounts(tx, now, since);
		const blocks = await blockFigures(tx, null, now, since);
		await tx.setSetting(ROLLED_UP_AT, String(now));
		return { ranges, subnets, blocks };
	});
}

export interface UtilizationScope {
	ranges?: number[];
	/** Subnets to recount; the change in each one's used moves up its block chain as a delta. */
	subnets?: number[];
	/** Every range inside these subnets. */
	rangesInSubnets?: number[];
	/** Blocks to recompute from scratch (their ancestors follow): for changes a delta cannot express. */
	blocks?: number[];
}

/**
 * Incremental update after single-object changes: the named ranges and subnets are recounted (index
 * seeks on range_id / subnet_id), and each subnet's change is added to its block chain — no block
 * re-reads its descendants unless named in `blocks`.
 */
export async function refreshUtilization(tx: Store, scope: UtilizationScope): Promise<void> {
	await tx.transaction(async () => {
		const now = Math.floor(Date.now() / 1000);
		let ranges = scope.ranges ?? [];
		if (scope.rangesInSubnets?.length) {
			const rows = await tx.all<{ id: number }>('SELECT r.id FROM json_each(?) j CROSS JOIN range r ON r.subnet_id = j.value', [JSON.stringify(scope.rangesInSubnets)]);
			ranges = [...ranges, ...rows.map(r => r.id)];
		}
		if (ranges.length) {
			const ids = JSON.stringify([...new Set(ranges)]);
			await rangeCounts(tx, 'AND range_id IN (SELECT value FROM json_each(?))', [ids]);
			await apply(tx, 'range', 't.id IN (SELECT value FROM json_each(?))', [ids], now);
		}
		const subnets = [...new Set(scope.subnets ?? [])];
		const full = new Set(scope.blocks ?? []);
		if (subnets.length) {
			const ids = JSON.stringify(subnets);
			await subnetCounts(tx, 'AND subnet_id IN (SELECT value FROM json_each(?))', [ids]);
			const deltas = await tx.all<{ block_id: number; d: number }>(
				`SELECT t.block_id, coalesce(u.used, 0) - t.used AS d FROM json_each(?) j CROSS JOIN subnet t ON t.id = j.value
					LEFT JOIN util_n u ON u.id = t.id WHERE t.block_id IS NOT NULL AND t.used <> coalesce(u.used, 0)`,
				[ids],
			);
			await apply(tx, 'subnet', 't.id IN (SELECT value FROM json_each(?))', [ids], now);
			for (const d of deltas) if (!full.has(d.block_id)) await adjustBlocks(tx, d.block_id, { used: d.d }, now);
		}
		if (full.size) await rollupBlocks(tx, [...full], now);
	});
}

/**
 * Adds to a block and its ancestors: `used` to address-unit blocks, `addresses` to their allocation,
 * `n64` to both figures of /64-unit blocks (IPv6 shorter than /64). Writes history for the chain.
 */
export async function adjustBlocks(
	tx: Store,
	blockId: number,
	delta: { used?: number; addresses?: number; n64?: number },
	now = Math.floor(Date.now() / 1000),
): Promise<void> {
	const used = delta.used ?? 0;
	const addresses = delta.addresses ?? 0;
	const n64 = delta.n64 ?? 0;
	if (!used && !addresses && !n64) return;
	const chain = `WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT b.parent_id FROM up JOIN block b ON b.id = up.id WHERE b.parent_id IS NOT NULL)`;
	await tx.run(
		`${chain} INSERT OR IGNORE INTO utilization_history (object_kind, object_id, ts, size, used)
			SELECT 'block', b.id, ?5, b.size, b.used FROM block b
			WHERE b.id IN (SELECT id FROM up) AND CASE WHEN b.family = 6 AND b.prefix_len < 64 THEN ?4 ELSE ?2 END <> 0`,
		[blockId, used, addresses, n64, now],
	);
	await tx.run(
		`${chain} UPDATE block SET
			used = used + CASE WHEN family = 6 AND prefix_len < 64 THEN ?4 ELSE ?2 END,
			allocated = allocated + CASE WHEN family = 6 AND prefix_len < 64 THEN ?4 ELSE ?3 END
		WHERE id IN (SELECT id FROM up)`,
		[blockId, used, addresses, n64],
	);
}

/** Recomputes the given blocks and all their ancestors (all blocks when omitted; only them with `alone`). */
export async function rollupBlocks(tx: Store, blockIds?: number[], now = Math.floor(Date.now() / 1000), alone = false): Promise<void> {
	if (!blockIds) {
		await blockFigures(tx, null, now);
		return;
	}
	if (alone) {
		await blockFigures(tx, blockIds, now);
		return;
	}
	const chain = await tx.all<{ id: number }>(
		`WITH RECURSIVE up(id) AS (SELECT value FROM json_each(?) UNION SELECT b.parent_id FROM up JOIN block b ON b.id = up.id WHERE b.parent_id IS NOT NULL)
		 SELECT id FROM up`,
		[JSON.stringify(blockIds)],
	);
	await blockFigures(tx, chain.map(c => c.id), now);
}

export async function thresholds(store: Store): Promise<Thresholds> {
	const over = Number(await store.setting('utilization.over', String(DEFAULT_THRESHOLDS.over)));
	const under = Number(await store.setting('utilization.under', String(DEFAULT_THRESHOLDS.under)));
	return { over: Number.isFinite(over) ? over : DEFAULT_THRESHOLDS.over, under: Number.isFinite(under) ? under : DEFAULT_THRESHOLDS.under };
}

export interface TrendPoint {
	/** From this time (epoch seconds) on, the object had this figure (until the next point's time). */
	ts: number;
	size: number;
	used: number;
}

/**
 * An object's utilization trend, oldest first, ending with its current figure: the history rows (each
 * the figure held until its ts) turned into step points. At most `limit` points (the latest).
 */
export async function utilizationTrend(store: Store, kind: 'block' | 'subnet' | 'range', id: number, limit = 500): Promise<TrendPoint[]> {
	const current = await store.get<{ size: number; used: number; created_at: number }>(`SELECT size, used, created_at FROM ${kind} WHERE id = ?`, [id]);
	if (!current) return [];
	// One row more than shown: its ts is where the oldest shown figure began.
	const rows = await store.all<{ ts: number; size: number; used: number }>(
		`SELECT ts, size, used FROM utilization_history WHERE object_kind = ? AND object_id = ? ORDER BY ts DESC LIMIT ?`,
		[kind, id, limit],
	);
	rows.reverse();
	const figures = [...rows.map(r => ({ size: r.size, used: r.used })), { size: current.size, used: current.used }];
	const starts = [Math.min(current.created_at, rows[0]?.ts ?? current.created_at), ...rows.map(r => r.ts)];
	return figures.map((f, i) => ({ ts: starts[i], ...f })).slice(-limit);
}
