// The model behind a pane: a bounded buffer of rows around the cursor, refilled by key-based page reads ahead of the cursor.
import type { Param } from '../../store/database.js';

export type Keyed = { _k: Param[] };

export type PageFetch<Row extends Keyed> = (direction: 'after' | 'before', anchor: Param[] | undefined, limit: number, inclusive?: boolean) => Promise<Row[]>;

export interface PagerView<Row> {
	/** The rows on screen, top to bottom (at most `height`). */
	rows: Row[];
	/** Index of the selected row within `rows`, or -1 when empty. */
	cursor: number;
	atStart: boolean;
	atEnd: boolean;
	loading: boolean;
	error: string | null;
	/** Differs whenever what the view shows differs (a change off screen keeps the same view object). */
	version: number;
}

/**
 * Keeps at most `bufferPages` screens of rows in memory whatever the table size: moving the cursor is
 * synchronous while the buffer holds the target row, and a read for the next screen starts as soon as
 * the cursor comes within one screen of the buffer's edge, so scrolling rarely waits on the store.
 */
export class Pager<Row extends Keyed> {
	private buffer: Row[] = [];
	private top = 0;
	private cursor = 0;
	private atStart = true;
	private atEnd = true;
	// Loading until the first read lands, so a new pager never shows an empty table as if it were the answer.
	private loading = true;
	private error: string | null = null;
	private version = 0;
	private generation = 0;
	private pending: Promise<void> = Promise.resolve();
	private prefetching = { after: false, before: false };
	private listeners = new Set<() => void>();
	private snapshot: PagerView<Row> | null = null;
	private shown: PagerView<Row> | null = null;

	constructor(
		private fetch: PageFetch<Row>,
		private height: number,
		private bufferPages = 5,
	) {}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	view(): PagerView<Row> {
		if (this.snapshot) return this.snapshot;
		const rows = this.buffer.slice(this.top, this.top + this.height);
		const next = {
			rows,
			cursor: rows.length ? this.cursor - this.top : -1,
			atStart: this.atStart && this.top === 0,
			atEnd: this.atEnd && this.top + this.height >= this.buffer.length,
			loading: this.loading,
			error: this.error,
			version: this.version,
		};
		// A change off screen (a prefetch landing) keeps the previous view object, so React does not re-render.
		const shown = this.shown;
		this.snapshot = shown && sameView(shown, next) ? shown : next;
		this.shown = this.snapshot;
		return this.snapshot;
	}

	selected(): Row | undefined {
		return this.buffer[this.cursor];
	}

	private changed(): void {
		this.version++;
		this.snapshot = null;
		for (const l of this.listeners) l();
	}

	/** Runs reads one after another; a reset (new filter or sort) makes older reads' results void. */
	private enqueue(work: (generation: number) => Promise<void>): Promise<void> {
		const generation = this.generation;
		const run = this.pending.then(() => (generation === this.generation ? work(generation) : undefined));
		this.pending = run.catch(err => {
			if (generation !== this.generation) return;
			this.error = (err as Error)?.message ?? String(err);
			this.loading = false;
			this.changed();
		});
		return this.pending;
	}

	setHeight(height: number): void {
		const h = Math.max(1, height);
		if (h === this.height) return;
		this.height = h;
		this.clampTop();
		this.changed();
		this.prefetch();
	}

	/** Reads the first screen (or the last, for `fromEnd`) and drops whatever was buffered. */
	reset(options: { fromEnd?: boolean; anchor?: Param[] } = {}): Promise<void> {
		const fromEnd = !!options.fromEnd;
		const anchor = options.anchor;
		this.generation++;
		this.pending = Promise.resolve();
		this.prefetching = { after: false, before: false };
		this.loading = true;
		this.error = null;
		this.changed();
		return this.enqueue(async generation => {
			// Three screens in one read: with two, the prefetch (cursor within two screens of the edge) would at once
			// send a second read, and a filtered read's cost is mostly per query (each typed key starts one).
			const limit = this.height * 3;
			const rows = await this.fetch(fromEnd ? 'before' : 'after', anchor, limit, anchor ? true : undefined);
			if (generation !== this.generation) return;
			this.buffer = rows;
			this.atStart = fromEnd ? rows.length < limit : !anchor;
			this.atEnd = fromEnd ? true : rows.length < limit;
			this.cursor = fromEnd ? Math.max(0, rows.length - 1) : 0;
			this.top = 0;
			this.clampTop();
			this.loading = false;
			this.changed();
			this.prefetch();
		});
	}

	/** Re-reads from the row on top of the screen, keeping the selection where it was when it still exists. */
	refresh(): Promise<void> {
		const anchorRow = this.buffer[this.top];
		const selectedKey = this.buffer[this.cursor]?._k;
		if (!anchorRow) return this.reset();
		return this.enqueue(async generation => {
			const limit = this.height * 2;
			const rows = await this.fetch('after', anchorRow._k, limit, true);
			if (generation !== this.generation) return;
			if (rows.length === 0) {
				await this.reset();
				return;
			}
			const wasAtStart = this.atStart && this.top === 0;
			this.buffer = rows;
			this.top = 0;
			this.atStart = wasAtStart;
			this.atEnd = rows.length < limit;
			const i = selectedKey ? rows.findIndex(r => sameKey(r._k, selectedKey)) : -1;
			this.cursor = i >= 0 ? i : Math.min(this.cursor - this.top, rows.length - 1);
			if (this.cursor < 0) this.cursor = 0;
			this.clampTop();
			this.changed();
			this.prefetch();
		});
	}

	/** Moves the selection by `delta` rows (negative = up); waits for the store only past the buffer's edge. */
	async move(delta: number): Promise<void> {
		if (this.buffer.length === 0) return;
		let target = this.cursor + delta;
		if (target >= this.buffer.length && !this.atEnd) {
			await this.extend('after', target - this.buffer.length + this.height);
			target = this.cursor + delta;
		} else if (target < 0 && !this.atStart) {
			await this.extend('before', -target + this.height);
			target = this.cursor + delta;
		}
		this.cursor = Math.max(0, Math.min(this.buffer.length - 1, target));
		this.clampTop();
		this.changed();
		this.prefetch();
	}

	page(direction: 1 | -1): Promise<void> {
		return this.move(direction * this.height);
	}

	/** Selects the buffered row whose key matches, if it is buffered. */
	selectKey(key: Param[]): boolean {
		const i = this.buffer.findIndex(r => sameKey(r._k, key));
		if (i < 0) return false;
		this.cursor = i;
		this.clampTop();
		this.changed();
		return true;
	}

	/** Reads `limit` more rows beyond one edge and trims the far side so memory stays bounded. */
	private extend(side: 'after' | 'before', limit: number): Promise<void> {
		return this.enqueue(async generation => {
			if (side === 'after' ? this.atEnd : this.atStart) return;
			const edge = side === 'after' ? this.buffer.at(-1) : this.buffer[0];
			const rows = await this.fetch(side, edge?._k, limit);
			if (generation !== this.generation) return;
			if (side === 'after') {
				this.buffer = this.buffer.concat(rows);
				if (rows.length < limit) this.atEnd = true;
			} else {
				this.buffer = rows.concat(this.buffer);
				this.cursor += rows.length;
				this.top += rows.length;
				if (rows.length < limit) this.atStart = true;
			}
			this.trim(side);
		});
	}

	private trim(grewOn: 'after' | 'before'): void {
		const max = this.height * this.bufferPages;
		const excess = this.buffer.length - max;
		if (excess <= 0) return;
		if (grewOn === 'after') {
			// Never drop rows at or below the top of the screen.
			const drop = Math.min(excess, this.top);
			if (drop <= 0) return;
			this.buffer = this.buffer.slice(drop);
			this.top -= drop;
			this.cursor -= drop;
			this.atStart = false;
		} else {
			const keepUntil = this.top + this.height;
			const drop = Math.min(excess, this.buffer.length - keepUntil);
			if (drop <= 0) return;
			this.buffer = this.buffer.slice(0, this.buffer.length - drop);
			this.atEnd = false;
		}
	}

	/** Starts a background read when the cursor is within one screen of a buffer edge. */
	private prefetch(): void {
		const margin = this.height;
		if (!this.atEnd && !this.prefetching.after && this.buffer.length - this.cursor <= margin * 2) {
			this.prefetching.after = true;
			void this.extend('after', this.height * 2).finally(() => {
				this.prefetching.after = false;
				this.changed();
			});
		}
		if (!this.atStart && !this.prefetching.before && this.cursor <= margin) {
			this.prefetching.before = true;
			void this.extend('before', this.height * 2).finally(() => {
				this.prefetching.before = false;
				this.changed();
			});
		}
	}

	private clampTop(): void {
		if (this.cursor < this.top) this.top = this.cursor;
		if (this.cursor >= this.top + this.height) this.top = this.cursor - this.height + 1;
		this.top = Math.max(0, Math.min(this.top, Math.max(0, this.buffer.length - this.height)));
		if (this.cursor < this.top) this.top = this.cursor;
	}

	/** Waits for every queued read (tests, benchmarks). */
	settled(): Promise<void> {
		return this.pending;
	}

	bufferedRows(): number {
		return this.buffer.length;
	}
}

function sameView<Row>(a: PagerView<Row>, b: PagerView<Row>): boolean {
	if (a.cursor !== b.cursor || a.atStart !== b.atStart || a.atEnd !== b.atEnd || a.loading !== b.loading || a.error !== b.error) return false;
	if (a.rows.length !== b.rows.length) return false;
	for (let i = 0; i < a.rows.length; i++) if (a.rows[i] !== b.rows[i]) return false;
	return true;
}

export function sameKey(a: Param[], b: Param[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (x instanceof Uint8Array && y instanceof Uint8Array) {
			if (Buffer.compare(x, y) !== 0) return false;
		} else if (x !== y) return false;
	}
	return true;
}
