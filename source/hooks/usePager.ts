// Binds a pane spec to a Pager: builds the key-paged read from scope, filter and sort, and re-renders on every change.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Store } from '../../store/database.js';
import { readPage, type Condition } from '../../store/pages.js';
import { Pager, type PageFetch, type PagerView } from '../app/pager.js';
import { parseFilterTerm, type FilterTerm } from '../domain/filter-term.js';
import type { PaneSpec, Row, Scope } from '../panes/pane-spec.js';

export interface SortState {
	column: string;
	descending: boolean;
}

const NOTHING: Condition = { sql: '0', params: [] };

export function sortExpressions(spec: PaneSpec, sort: SortState): string[] {
	const column = spec.columns.find(c => c.key === sort.column) ?? spec.columns.find(c => c.key === spec.defaultSort.column);
	return column?.sortKeys ?? (column?.sortSql ? [column.sortSql] : []);
}

export function makeFetch(store: Store, spec: PaneSpec, scope: Scope | null, term: FilterTerm | null, sort: SortState): PageFetch<Row> {
	const base: Condition[] = [...(scope?.where ?? [])];
	if (scope?.term) base.push(...(spec.filter(scope.term) ?? [NOTHING]));
	// A term the pane cannot match (a MAC on the blocks pane) shows no rows rather than every row.
	const withTerm = (conditions: Condition[] | null) => [...base, ...(conditions ?? [NOTHING])];
	let planned: Promise<Condition[]> | null = null;
	const conditions = (): Condition[] | Promise<Condition[]> => {
		if (!term) return base;
		if (!spec.planFilter) return withTerm(spec.filter(term));
		// Planned once for this pager (its term), on its first read.
		planned ??= spec.planFilter(store, term).then(withTerm);
		return planned;
	};
	const sortKeys = sortExpressions(spec, sort);
	return async (direction, anchor, limit, inclusive) => {
		const where = await conditions();
		const request = { sort: sortKeys, descending: sort.descending, where, anchor, direction, inclusive, limit };
		if (spec.read) return spec.read(store, { ...request, term, scope });
		return readPage<Row>(store, spec.source!, request) as Promise<Row[]>;
	};
}

export function usePager(store: Store, spec: PaneSpec, scope: Scope | null, filter: string, sort: SortState, height: number): { pager: Pager<Row>; view: PagerView<Row> } {
	const term = useMemo(() => (filter.trim() ? parseFilterTerm(filter) : null), [filter]);
	const pager = useMemo(
		() => new Pager<Row>(makeFetch(store, spec, scope, term, sort), Math.max(1, height)),
		// Height changes keep the pager (setHeight below); anything else starts a new one.
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[store, spec, scope, term, sort.column, sort.descending],
	);
	useEffect(() => {
		void pager.reset({ anchor: scope?.anchor });
	}, [pager]);
	useEffect(() => pager.setHeight(height), [pager, height]);
	const view = useSyncExternalStore(
		listener => pager.subscribe(listener),
		() => pager.view(),
	);
	return { pager, view };
}
