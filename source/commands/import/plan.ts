// The import plan, batch by batch: each good row classified against the store (create, update with changed fields, unchanged), duplicates inside the file, and inventory deletions. Reads only.
import type { Store } from '../../../store/database.js';
import { anyStored, eachOwnedRow, rowsById, rowsByIdentity } from '../../../store/import-lookup.js';
import type { ImportIssue } from '../../formats/ipam-import.js';
import type { ImportRow, ObjectKind } from '../../formats/ipam-rows.js';
import { managedByService } from '../../formats/ipam-values.js';
import { COLUMNS, changes, identity, identityKey, label, storedSpanText, type StoredRow } from './kinds.js';

export interface PlannedRow {
	row: ImportRow;
	/** Space id, or 0 while the space is new (the applier creates it and tells the planner). */
	spaceId: number;
	spaceName: string;
	stored?: StoredRow;
	changed: [string, unknown, unknown][];
}

export interface PlannedDelete {
	row: StoredRow;
	label: string;
}

export interface BatchPlan {
	creates: PlannedRow[];
	updates: PlannedRow[];
	unchanged: PlannedRow[];
	/** Address spaces this batch needs that do not exist yet. */
	newSpaces: string[];
	/** Rows refused while planning (a second row for the same object). */
	issues: ImportIssue[];
}

export interface PlanOptions {
	/** The space of rows that name none. */
	defaultSpace: string;
	/** Inventory sync: this owner's objects absent from the file are deleted. */
	inventory?: { managedBy: string; serviceInstance: string };
}

const NO_CHANGES: [string, unknown, unknown][] = [];

export class Planner {
	private readonly seen = new Map<string, number>();
	private readonly seenV4 = new Map<string, Map<number, number>>();
	/** The owner group of the previous IPv4 row (rows of one file nearly always share it). */
	private lastGroup: { space?: string; managedBy?: string; entity?: string; map?: Map<number, number> } = {};
	private readonly spaces = new Map<string, { id: number; name: string }>();
	private readonly kept = new Set<number>();
	private readonly hadRows = new Map<number, boolean>();
	/** Rows with ids above this were written by this import (inventory sync must not delete them). */
	private maxIdBefore = 0;

	constructor(
		private readonly store: Store,
		readonly kind: ObjectKind,
		private readonly options: PlanOptions,
	) {}

	async start(): Promise<void> {
		this.maxIdBefore = (await this.store.get<{ m: number | null }>(`SELECT max(id) AS m FROM ${this.kind}`))?.m ?? 0;
		// The default space counts for inventory sync even when no row names it (an emptied file deletes all).
		const d = await this.store.get<{ id: number; name: string }>('SELECT id, name FROM address_space WHERE name = ?', [this.options.defaultSpace]);
		if (d) this.spaces.set(d.name.toLowerCase(), d);
	}

	async plan(rows: ImportRow[]): Promise<BatchPlan> {
		const plan: BatchPlan = { creates: [], updates: [], unchanged: [], newSpaces: [], issues: [] };
		await this.resolveSpaces(rows, plan);
		const planned: PlannedRow[] = [];
		const defaultLower = this.options.defaultSpace.toLowerCase();
		for (const row of rows) {
			const spaceLower = row.space === undefined ? defaultLower : row.space.toLowerCase();
			const earlier = this.firstLine(row, spaceLower);
			if (earlier !== undefined) {
				plan.issues.push({ line: row.line, reason: `the same ${label(row)} is already on line ${earlier}` });
				continue;
			}
			const space = this.spaces.get(spaceLower)!;
			planned.push({ row, spaceId: space.id, spaceName: space.name, changed: NO_CHANGES });
		}
		const known = planned.filter(p => p.spaceId !== 0);
		if (known.length > 0 && (await this.storedBefore(known))) {
			// Only the columns the file sets are compared; whole rows are read for the updates alone.
			const stored = await rowsByIdentity<StoredRow>(this.store, this.kind, known.map(p => identity(p.row, p.spaceId)), setColumns(this.kind, known));
			for (const s of stored) known[Number(s._i)].stored = s;
		}
		for (const p of planned) {
			if (!p.stored) plan.creates.push(p);
			else {
				if (p.stored.id <= this.maxIdBefore) this.kept.add(p.stored.id);
				p.changed = changes(p.row, p.stored);
				(p.changed.length > 0 ? plan.updates : plan.unchanged).push(p);
			}
		}
		if (plan.updates.length > 0) {
			const whole = new Map<number, StoredRow>();
			for (const r of await rowsById<StoredRow>(this.store, this.kind, plan.updates.map(p => p.stored!.id))) whole.set(r.id, r);
			for (const p of plan.updates) p.stored = whole.get(p.stored!.id) ?? p.stored;
		}
		return plan;
	}

	/**
	 * The line that already holds this row's object, else records this one. IPv4 addresses are kept
	 * as int32 keys in one map per space and owner: a million of them are a flat table, not a million
	 * strings for the garbage collector to trace on every major collection.
	 */
	private firstLine(row: ImportRow, spaceLower: string): number | undefined {
		if (row.kind === 'address' && row.ip.family === 4) {
			if (row.space !== this.lastGroup.space || row.managedBy !== this.lastGroup.managedBy || row.managedByEntity !== this.lastGroup.entity) {
				const group = `${spaceLower}|${row.managedBy.toLowerCase()}|${row.managedByEntity.toLowerCase()}`;
				let map = this.seenV4.get(group);
				if (!map) this.seenV4.set(group, (map = new Map()));
				this.lastGroup = { space: row.space, managedBy: row.managedBy, entity: row.managedByEntity, map };
			}
			const ip = Number(row.ip.value) | 0;
			const earlier = this.lastGroup.map!.get(ip);
			if (earlier === undefined) this.lastGroup.map!.set(ip, row.line);
			return earlier;
		}
		const key = identityKey(row, spaceLower);
		const earlier = this.seen.get(key);
		if (earlier === undefined) this.seen.set(key, row.line);
		return earlier;
	}

	/**
	 * Whether any of these rows' spaces held rows of this kind before the import: if none did, no row
	 * can match a stored one and the identity lookups are skipped (a fresh million-row import).
	 * Asked the first time a space is seen, which is before this import writes to it.
	 */
	private async storedBefore(rows: PlannedRow[]): Promise<boolean> {
		let any = false;
		for (const id of new Set(rows.map(p => p.spaceId))) {
			let had = this.hadRows.get(id);
			if (had === undefined) {
				had = await anyStored(this.store, this.kind, [id]);
				this.hadRows.set(id, had);
			}
			any ||= had;
		}
		return any;
	}

	/** The applier created a space: later batches use its id. */
	spaceCreated(name: string, id: number): void {
		this.spaces.set(name.toLowerCase(), { id, name });
	}

	/** The id of a space by name, 0 while it is not created yet. */
	spaceIdOf(name: string): number {
		return this.spaces.get(name.toLowerCase())?.id ?? 0;
	}

	private async resolveSpaces(rows: ImportRow[], plan: BatchPlan): Promise<void> {
		const wanted = new Map<string, string>();
		let previous: string | undefined;
		for (const r of rows) {
			const name = r.space ?? this.options.defaultSpace;
			// Rows of a file mostly share one space: look each run up once.
			if (name === previous) continue;
			previous = name;
			const lower = name.toLowerCase();
			if (!this.spaces.has(lower) && !wanted.has(lower)) wanted.set(lower, name);
		}
		if (wanted.size === 0) return;
		await this.store.each<{ id: number; name: string }>(
			'SELECT id, name FROM address_space WHERE name IN (SELECT value FROM json_each(?))',
			[JSON.stringify([...wanted.values()])],
			r => this.spaces.set(r.name.toLowerCase(), r),
		);
		for (const [lower, name] of wanted) {
			if (this.spaces.has(lower)) continue;
			plan.newSpaces.push(name);
			this.spaces.set(lower, { id: 0, name });
		}
	}

	/** Inventory sync: the owner's rows (that existed before the import) the file did not list, in the spaces it touched. */
	async deletes(): Promise<PlannedDelete[]> {
		const kind = this.kind;
		if (!this.options.inventory || (kind !== 'range' && kind !== 'address')) return [];
		const { managedBy, serviceInstance } = this.options.inventory;
		const owner = { managedBy: managedByService(managedBy), managedByEntity: serviceInstance };
		const spaceIds = new Set([...this.spaces.values()].map(s => s.id).filter(id => id !== 0));
		const out: PlannedDelete[] = [];
		for (const spaceId of spaceIds) {
			await eachOwnedRow<StoredRow>(this.store, kind, { ...owner, spaceId }, row => {
				if (row.id <= this.maxIdBefore && !this.kept.has(row.id)) {
					out.push({ row, label: `${kind} ${storedSpanText(kind, row)} (${row.managed_by}${row.managed_by_entity ? `/${row.managed_by_entity}` : ''})` });
				}
			});
		}
		return out;
	}
}

/** The stored columns some row of the batch sets (rows of one file share a header; dialect adjustments may add a field to some rows). */
function setColumns(kind: ObjectKind, rows: PlannedRow[]): string[] {
	const out: string[] = [];
	for (const [field, column] of COLUMNS[kind]) {
		if (rows.some(p => (p.row as unknown as Record<string, unknown>)[field] !== undefined)) out.push(column);
	}
	return out;
}
