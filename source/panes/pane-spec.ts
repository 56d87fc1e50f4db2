// What a pane is: a column spec, a key-paged store query, how filters and scopes narrow it, drill-down and its own keys.
import type { Param, Store } from '../../store/database.js';
import type { Condition, PageSource } from '../../store/pages.js';
import type { Column } from '../resources/column.js';
import type { FilterTerm } from '../domain/filter-term.js';

export type Row = Record<string, unknown> & { _k: Param[] };

/** A column as a pane shows it: the shared spec plus an optional colour per cell. */
export interface PaneColumn extends Column<Row> {
	color?(row: Row): string | undefined;
	/** Sort expressions when sorting by this column (defaults to [sortSql]). */
	sortKeys?: string[];
}

/** The context a drill-down or a `:pane ARG` puts a pane in; shown in the breadcrumbs. */
export interface Scope {
	label: string;
	where: Condition[];
	/** A term the pane's own filter turns into conditions (how the events pane is narrowed to an address or MAC). */
	term?: FilterTerm;
	/** Start the pane at this sort key instead of its first row (tracking "at 14:23 yesterday"). */
	anchor?: Param[];
	/** A tracking question (`:track 10.1.2.34@yesterday 14:23`) the tracking pane answers. */
	track?: { term: string; at?: string };
}

/** A drill-down target: another pane, narrowed to the selected row. */
export interface Drill {
	pane: string;
	scope: Scope;
}

/** What the describe view loads for a row. */
export interface DescribeTarget {
	kind: 'block' | 'subnet' | 'range' | 'address' | 'server' | 'lease' | 'event' | 'gap';
	id?: number;
	/** The address (lease, event) or span a describe is about. */
	family?: number;
	start?: Uint8Array;
	end?: Uint8Array;
	row: Row;
}

/** A pane's own key: what `?` lists and what the pane dispatches. */
export interface PaneKey {
	key: string;
	label: string;
	/** Returns a status message, or a navigation for the shell. */
	run(ctx: PaneKeyContext): void | Promise<void>;
}

export interface PaneKeyContext {
	row: Row | undefined;
	store: Store;
	open(drill: Drill): void;
	status(message: string): void;
	openForm(form: string, row: Row | undefined): void;
}

export interface PaneSpec {
	id: string;
	title: string;
	/** Other names the command bar accepts (`:lease`, `:ip` …). */
	aliases?: string[];
	columns: PaneColumn[];
	/** Either a key-paged source, or a custom page reader (the merged events pane). */
	source?: PageSource;
	read?: (store: Store, request: PaneRead) => Promise<Row[]>;
	defaultSort: { column: string; descending: boolean };
	/** Turns a typed filter into store conditions (CIDR-, MAC- and text-aware). */
	filter(term: FilterTerm): Condition[] | null;
	/**
	 * Like `filter`, but may first ask the store how selective the term is and pick conditions to suit (a text
	 * few rows match is read through an index, one many match by walking the sort order). Used for typed
	 * filters; runs once per term, before the first page.
	 */
	planFilter?(store: Store, term: FilterTerm): Promise<Condition[] | null>;
	/** `:pane ARG` — an argument on the command bar narrows the pane (`:leases 10.1.0.0/16`). */
	argument?(arg: string): Scope | null;
	drill?(row: Row): Drill | null;
	describe?(row: Row): DescribeTarget | null;
	/** The value `y` copies and `t` tracks. */
	copyValue?(row: Row): string;
	trackTerm?(row: Row): string | null;
	keys?: PaneKey[];
	/** Remarks about the pane's content to show in the status line (what tracking could not link). */
	notes?(store: Store, scope: Scope | null): Promise<string[]>;
	/** Which form creates a row of this pane ('block', 'subnet' …), when it can be edited. */
	form?: string;
}

export interface PaneRead {
	sort: string[];
	descending: boolean;
	where: Condition[];
	/** Raw filter term, for readers that apply it per source. */
	term: FilterTerm | null;
	scope: Scope | null;
	anchor?: Param[];
	direction: 'after' | 'before';
	inclusive?: boolean;
	limit: number;
}
