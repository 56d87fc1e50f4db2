// Applies an import plan in one transaction through the address-space writers: spaces, upserts, custom values, tags, inventory deletes, one utilization rollup, audit.
import type { Store } from '../../../store/database.js';
import { audit } from '../../../store/audit.js';
import { upsertBlocks } from '../../../store/blocks.js';
import { upsertSubnets } from '../../../store/subnets.js';
import { upsertRanges } from '../../../store/ranges.js';
import { insertAddresses } from '../../../store/addresses.js';
import { rollupUtilization } from '../../../store/utilization.js';
import { deleteRows, idsByIdentity, replaceFieldValues, replaceTags } from '../../../store/import-lookup.js';
import type { ImportIssue } from '../../formats/ipam-import.js';
import type { AddressImport, BlockImport, CustomFieldDef, RangeImport, SubnetImport } from '../../formats/ipam-rows.js';
import { addressInput, blockInput, identity, merged, rangeInput, subnetInput } from './kinds.js';
import type { Plan, PlannedRow } from './plan.js';

export interface ApplyResult {
	created: number;
	updated: number;
	deleted: number;
	/** Rows the writers refused (overlaps …), by line. */
	rejected: ImportIssue[];
}

const SOURCE = { source: 'import' as const };

export async function applyPlan(store: Store, plan: Plan, context: { file: string; customFields: CustomFieldDef[] }): Promise<ApplyResult> {
	return store.transaction(async tx => {
		await createSpaces(tx, plan);
		const writes = [...plan.creates, ...plan.updates];
		const rejected: ImportIssue[] = [];
		const ids = await write(tx, plan, writes, rejected);
		const refused = new Set(rejected.map(r => r.line));
		await annotate(tx, plan, writes, ids, refused, context.customFields);
		const deleted = await deleteRows(
			tx,
			plan.kind,
			plan.deletes.map(d => ({ id: d.row.id, summary: d.label, before: d.row })),
			SOURCE,
		);
		await rollupUtilization(tx);
		const created = plan.creates.filter(p => !refused.has(p.row.line)).length;
		const updated = plan.updates.filter(p => !refused.has(p.row.line)).length;
		await audit(
			tx,
			{
				action: 'import',
				kind: plan.kind,
				id: null,
				summary: `import ${context.file}: ${created} created, ${updated} updated, ${deleted} deleted, ${rejected.length} refused`,
				after: { file: context.file, created, updated, unchanged: plan.unchanged.length, deleted, refused: rejected.length },
			},
			SOURCE,
		);
		return { created, updated, deleted, rejected };
	});
}

async function createSpaces(tx: Store, plan: Plan): Promise<void> {
	if (plan.newSpaces.length === 0) return;
	await tx.insertMany('address_space', ['name'], plan.newSpaces.map(n => [n]), { conflict: 'ignore' });
	const ids = new Map<string, number>();
	await tx.each<{ id: number; name: string }>('SELECT id, name FROM address_space WHERE name IN (SELECT value FROM json_each(?))', [JSON.stringify(plan.newSpaces)], r =>
		ids.set(r.name.toLowerCase(), r.id),
	);
	for (const name of plan.newSpaces) {
		await audit(tx, { action: 'create', kind: 'space', id: ids.get(name.toLowerCase()) ?? null, summary: `space ${name} (import)` }, SOURCE);
	}
	for (const p of [...plan.creates, ...plan.updates, ...plan.unchanged]) {
		if (p.spaceId === 0) p.spaceId = ids.get(p.spaceName.toLowerCase())!;
	}
}

/** Writes creates and updates through the kind's bulk writer; returns each write's object id (0 = refused). */
async function write(tx: Store, plan: Plan, writes: PlannedRow[], rejected: ImportIssue[]): Promise<number[]> {
	const refuse = (r: { index: number; message: string }) => rejected.push({ line: writes[r.index].row.line, reason: r.message });
	switch (plan.kind) {
		case 'block': {
			await upsertBlocks(tx, writes.map(p => blockInput(merged(p.row as BlockImport, p.stored), p.spaceId)), SOURCE);
			return idsByIdentity(tx, 'block', writes.map(p => identity(p.row, p.spaceId)));
		}
		case 'subnet': {
			const r = await upsertSubnets(tx, writes.map(p => subnetInput(merged(p.row as SubnetImport, p.stored), p.spaceId)), SOURCE);
			r.rejected.forEach(refuse);
			return r.ids;
		}
		case 'range': {
			const r = await upsertRanges(tx, writes.map(p => rangeInput(merged(p.row as RangeImport, p.stored), p.spaceId)), SOURCE);
			r.rejected.forEach(refuse);
			return r.ids;
		}
		case 'address': {
			await insertAddresses(tx, writes.map(p => addressInput(merged(p.row as AddressImport, p.stored), p.spaceId)), SOURCE);
			// Ids are only needed for rows that carry custom fields or tags.
			const annotated = writes.map((p, i) => (p.row.custom || p.row.tags ? i : -1)).filter(i => i >= 0);
			const ids = writes.map(() => 0);
			const found = await idsByIdentity(tx, 'address', annotated.map(i => identity(writes[i].row, writes[i].spaceId)));
			annotated.forEach((i, k) => (ids[i] = found[k]));
			return ids;
		}
	}
}

/** Custom-field values and tags of every row that carries them (unchanged rows too: the diff does not compare them). */
async function annotate(tx: Store, plan: Plan, writes: PlannedRow[], ids: number[], refused: Set<number>, customFields: CustomFieldDef[]): Promise<void> {
	const fieldIds = new Map(customFields.map(f => [f.name, f.id]));
	const values: { objectId: number; fieldId: number; values: string[] }[] = [];
	const tags: { objectId: number; names: string[] }[] = [];
	const add = (p: PlannedRow, id: number) => {
		if (id <= 0 || refused.has(p.row.line)) return;
		for (const [name, vals] of p.row.custom ?? []) values.push({ objectId: id, fieldId: fieldIds.get(name)!, values: vals });
		if (p.row.tags) tags.push({ objectId: id, names: p.row.tags });
	};
	writes.forEach((p, i) => add(p, ids[i]));
	for (const p of plan.unchanged) add(p, p.stored!.id);
	await replaceFieldValues(tx, plan.kind, values);
	await replaceTags(tx, plan.kind, tags);
}
