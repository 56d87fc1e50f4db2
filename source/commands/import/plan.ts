// The import plan: each good row classified against the store (create, update with changed fields, unchanged), duplicates inside the file, and inventory deletions. Reads only.
import type { Store } from '../../../store/database.js';
import { anyStored, eachOwnedRow, rowsByIdentity } from '../../../store/import-lookup.js';
import type { ImportIssue } from '../../formats/ipam-import.js';
import type { ImportRow, ObjectKind } from '../../formats/ipam-rows.js';
import { managedByService } from '../../formats/ipam-values.js';
import { changes, identity, identityKey, label, storedSpanText, type StoredRow } from './kinds.js';

export interface PlannedRow {
	row: ImportRow;
	/** Space id, or 0 when the space is new (created when the plan is applied). */
	spaceId: number;
	spaceName: string;
	stored?: StoredRow;
	changed: [string, unknown, unknown][];
}

export interface PlannedDelete {
	row: StoredRow;
	label: string;
}

export interface Plan {
	kind: ObjectKind;
	creates: PlannedRow[];
	updates: PlannedRow[];
	unchanged: PlannedRow[];
	deletes: PlannedDelete[];
	/** Address spaces named by the file that do not exist yet. */
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

export async function planImport(store: Store, kind: ObjectKind, rows: ImportRow[], options: PlanOptions): Promise<Plan> {
	const plan: Plan = { kind, creates: [], updates: [], unchanged: [], deletes: [], newSpaces: [], issues: [] };
	const spaces = await resolveSpaces(store, rows, options.defaultSpace, plan);
	const seen = new Map<string, number>();
	const planned: PlannedRow[] = [];
	for (const row of rows) {
		const spaceName = row.space ?? options.defaultSpace;
		const key = identityKey(row, spaceName);
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			plan.issues.push({ line: row.line, reason: `the same ${label(row)} is already on line ${earlier}` });
			continue;
		}
		seen.set(key, row.line);
		const space = spaces.get(spaceName.toLowerCase())!;
		planned.push({ row, spaceId: space.id, spaceName: space.name, changed: [] });
	}
	const known = planned.filter(p => p.spaceId !== 0);
	const spaceIds = [...new Set(known.map(p => p.spaceId))];
	if (known.length > 0 && (await anyStored(store, kind, spaceIds))) {
		const stored = await rowsByIdentity<StoredRow>(store, kind, known.map(p => identity(p.row, p.spaceId)));
		for (const s of stored) known[Number(s._i)].stored = s;
	}
	for (const p of planned) {
		if (!p.stored) plan.creates.push(p);
		else {
			p.changed = changes(p.row, p.stored);
			(p.changed.length > 0 ? plan.updates : plan.unchanged).push(p);
		}
	}
	if (options.inventory) await planDeletes(store, kind, planned, options, plan);
	return plan;
}

async function resolveSpaces(store: Store, rows: ImportRow[], defaultSpace: string, plan: Plan): Promise<Map<string, { id: number; name: string }>> {
	const names = new Map<string, string>([[defaultSpace.toLowerCase(), defaultSpace]]);
	for (const r of rows) if (r.space !== undefined && !names.has(r.space.toLowerCase())) names.set(r.space.toLowerCase(), r.space);
	const out = new Map<string, { id: number; name: string }>();
	await store.each<{ id: number; name: string }>(
		'SELECT id, name FROM address_space WHERE name IN (SELECT value FROM json_each(?))',
		[JSON.stringify([...names.values()])],
		r => out.set(r.name.toLowerCase(), r),
	);
	for (const [lower, name] of names) {
		if (out.has(lower)) continue;
		// Only spaces rows actually use are created; an unused --space default is not.
		if (rows.some(r => (r.space ?? defaultSpace).toLowerCase() === lower)) plan.newSpaces.push(name);
		out.set(lower, { id: 0, name });
	}
	return out;
}

/** Inventory sync: the owner's stored rows (in the spaces the file touches) that the file does not list. */
async function planDeletes(store: Store, kind: ObjectKind, planned: PlannedRow[], options: PlanOptions, plan: Plan): Promise<void> {
	if (kind !== 'range' && kind !== 'address') return;
	const kept = new Set(planned.filter(p => p.stored).map(p => p.stored!.id));
	const spaceIds = new Set(planned.map(p => p.spaceId).filter(id => id !== 0));
	const { managedBy, serviceInstance } = options.inventory!;
	const owner = { managedBy: managedByService(managedBy), managedByEntity: serviceInstance };
	const defaultSpace = await store.get<{ id: number }>('SELECT id FROM address_space WHERE name = ?', [options.defaultSpace]);
	if (defaultSpace) spaceIds.add(defaultSpace.id);
	for (const spaceId of spaceIds) {
		await eachOwnedRow<StoredRow>(store, kind, { ...owner, spaceId }, row => {
			if (!kept.has(row.id)) plan.deletes.push({ row, label: `${kind} ${storedSpanText(kind, row)} (${row.managed_by}${row.managed_by_entity ? `/${row.managed_by_entity}` : ''})` });
		});
	}
}
