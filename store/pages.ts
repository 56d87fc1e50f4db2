// Key-based paging for the TUI's panes: one page of rows after or before an anchor row, never OFFSET, never a full load.
import type { Param, Store } from './database.js';

/** A WHERE fragment with its parameters. */
export interface Condition {
	sql: string;
	params: Param[];
}

/** What a pane reads from: a SELECT list over a FROM clause, and the unique key that breaks sort ties. */
export interface PageSource {
	select: string;
	from: string;
	/** Expressions that identify a row uniquely; appended to every sort so keys are total. */
	key: string[];
	/** Always applied (e.g. "the lease_event rows of kind 1–8"). */
	where?: Condition[];
}

export interface PageRequest {
	/** Sort expressions, most significant first (must not be NULL: wrap them in coalesce). */
	sort: string[];
	descending: boolean;
	where: Condition[];
	/** Sort-key values of the anchor row (as returned in a row's `_k`); absent = from the edge. */
	anchor?: Param[];
	/** 'after' pages toward the end of the sort order, 'before' toward its start. */
	direction: 'after' | 'before';
	/** Include the anchor row itself (re-reading the page a row is on). */
	inclusive?: boolean;
	limit: number;
}

/** A row plus its sort-key values, which anchor the next page. */
export type PagedRow<Row> = Row & { _k: Param[] };

function keyExprs(source: PageSource, sort: string[]): string[] {
	const out = [...sort];
	for (const k of source.key) if (!out.includes(k)) out.push(k);
	return out;
}

export function buildPageSql(source: PageSource, request: PageRequest): { sql: string; params: Param[]; width: number } {
	const keys = keyExprs(source, request.sort);
	const conditions = [...(source.where ?? []), ...request.where];
	const params: Param[] = [];
	const clauses: string[] = [];
	for (const c of conditions) {
		clauses.push(`(${c.sql})`);
		params.push(...c.params);
	}
	// Going 'after' in a descending sort means smaller keys; going 'before' in it means larger ones.
	const forward = (request.direction === 'after') !== request.descending;
	if (request.anchor) {
		if (request.anchor.length !== keys.length) throw new Error(`page anchor has ${request.anchor.length} values, the sort has ${keys.length}`);
		const op = forward ? (request.inclusive ? '>=' : '>') : request.inclusive ? '<=' : '<';
		clauses.push(`(${keys.join(', ')}) ${op} (${keys.map(() => '?').join(', ')})`);
		params.push(...request.anchor);
	}
	const order = keys.map(k => `${k} ${forward ? 'ASC' : 'DESC'}`).join(', ');
	const select = `${source.select}, ${keys.map((k, i) => `${k} AS _k${i}`).join(', ')}`;
	const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
	const sql = `SELECT ${select} FROM ${source.from} ${where} ORDER BY ${order} LIMIT ?`;
	params.push(request.limit);
	return { sql, params, width: keys.length };
}

/** Reads one page, always returned in display order (top to bottom). */
export async function readPage<Row>(store: Store, source: PageSource, request: PageRequest): Promise<PagedRow<Row>[]> {
	const { sql, params, width } = buildPageSql(source, request);
	const rows = await store.all<Record<string, unknown>>(sql, params);
	const out = rows.map(r => {
		const k: Param[] = [];
		for (let i = 0; i < width; i++) {
			k.push(r[`_k${i}`] as Param);
			delete r[`_k${i}`];
		}
		return Object.assign(r, { _k: k }) as PagedRow<Row>;
	});
	if (request.direction === 'before') out.reverse();
	return out;
}

/** Counts rows matching the conditions, stopping at `cap` so a 10M-row table never costs a full count. */
export async function countUpTo(store: Store, source: PageSource, where: Condition[], cap: number): Promise<number> {
	const conditions = [...(source.where ?? []), ...where];
	const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${source.from} ${conditions.length ? 'WHERE ' + conditions.map(c => `(${c.sql})`).join(' AND ') : ''} LIMIT ?)`;
	const row = await store.get<{ n: number }>(sql, [...conditions.flatMap(c => c.params), cap]);
	return row?.n ?? 0;
}
