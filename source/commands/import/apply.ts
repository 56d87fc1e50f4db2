// Applies import plans batch by batch inside the caller's transaction, through the address-space writers:
// spaces, upserts, custom values, tags; then inventory deletes, one utilization rollup and the audit summary.
import type { Store } from '../../../store/database.js';
import { audit } from '../../../store/audit.js';
import { upsertBlocks } from '../../../store/blocks.js';
import { upsertSubnets } from '../../../store/subnets.js';
import { upsertRanges } from '../../../store/ranges.js';
import { AddressWriter } from '../../../store/address-bulk.js';
import { ParentWindows } from '../../../store/address-parents.js';
import { rollupUtilization } from '../../../store/utilization.js';
import { deleteRows, idsByIdentity, replaceFieldValues, replaceTags } from '../../../store/import-lookup.js';
import type { ImportIssue } from '../../formats/ipam-import.js';
import type { AddressImport, BlockImport, CustomFieldDef, ObjectKind, RangeImport, SubnetImport } from '../../formats/ipam-rows.js';
import { addressInput, blockInput, identity, merged, rangeInput, subnetInput } from './kinds.js';
import type { ImportBatch } from '../../formats/ipam-import.js';
import type { BatchPlan, PlannedDelete, PlannedRow, Planner } from './plan.js';
import { annotationOnlyCount } from './diff.js';

const SOURCE = { source: 'import' as const };

export class Applier {
	created = 0;
	updated = 0;
	unchanged = 0;
	deleted = 0;
	/** Rows the writers refused (overlaps …), by line. */
	readonly rejected: ImportIssue[] = [];
	private readonly fieldIds: Map<string, number>;
	/** Address batches are queued on SQLite's thread while the next is read and planned. */
	private addresses?: AddressWriter;

	constructor(
		private readonly tx: Store,
		private readonly planner: Planner,
		private readonly context: { file: string; customFields: CustomFieldDef[] },
	) {
		this.fieldIds = new Map(context.customFields.map(f => [f.name, f.id]));
	}

	private get kind(): ObjectKind {
		return this.planner.kind;
	}

	async apply(plan: BatchPlan): Promise<void> {
		await this.createSpaces(plan);
		// A batch planned while the previous one was written may name a space that batch created.
		for (const p of plan.creates) if (p.spaceId === 0) p.spaceId = this.planner.spaceIdOf(p.spaceName);
		const writes = plan.creates.concat(plan.updates);
		const before = this.rejected.length;
		const ids = await this.write(writes);
		const refused = new Set(this.rejected.slice(before).map(r => r.line));
		// Rows changing only custom values or tags are updates, as in the dry run: counted before annotate() rewrites them.
		const annotationOnly = await annotationOnlyCount(this.tx, this.kind, plan.unchanged);
		await this.annotate(plan, writes, ids, refused);
		this.created += plan.creates.filter(p => !refused.has(p.row.line)).length;
		this.updated += plan.updates.filter(p => !refused.has(p.row.line)).length + annotationOnly;
		this.unchanged += plan.unchanged.length - annotationOnly;
	}

	/** Waits until every batch applied so far is written; throws the first write that failed. */
	async settle(): Promise<void> {
		await this.addresses?.settle();
	}

	/** Inventory deletes, the one utilization rollup, and the import's summary in the audit trail. */
	async finish(deletes: PlannedDelete[]): Promise<void> {
		await this.settle();
		this.deleted = await deleteRows(this.tx, this.kind, deletes.map(d => ({ id: d.row.id, summary: d.label, before: d.row })), SOURCE);
		await rollupUtilization(this.tx);
		const { file } = this.context;
		await audit(
			this.tx,
			{
				action: 'import',
				kind: this.kind,
				id: null,
				summary: `import ${file}: ${this.created} created, ${this.updated} updated, ${this.deleted} deleted, ${this.rejected.length} refused`,
				after: { file, created: this.created, updated: this.updated, unchanged: this.unchanged, deleted: this.deleted, refused: this.rejected.length },
			},
			SOURCE,
		);
	}

	private async createSpaces(plan: BatchPlan): Promise<void> {
		if (plan.newSpaces.length === 0) return;
		const tx = this.tx;
		await tx.insertMany('address_space', ['name'], plan.newSpaces.map(n => [n]), { conflict: 'ignore' });
		const ids = new Map<string, number>();
		await tx.each<{ id: number; name: string }>('SELECT id, name FROM address_space WHERE name IN (SELECT value FROM json_each(?))', [JSON.stringify(plan.newSpaces)], r =>
			ids.set(r.name.toLowerCase(), r.id),
		);
		for (const name of plan.newSpaces) {
			const id = ids.get(name.toLowerCase())!;
			this.planner.spaceCreated(name, id);
			await audit(tx, { action: 'create', kind: 'space', id, summary: `space ${name} (import)` }, SOURCE);
		}
		for (const p of [...plan.creates, ...plan.updates, ...plan.unchanged]) {
			if (p.spaceId === 0) p.spaceId = ids.get(p.spaceName.toLowerCase())!;
		}
	}

	/** Writes creates and updates through the kind's bulk writer; returns each write's object id (0 = refused or not needed). */
	private async write(writes: PlannedRow[]): Promise<number[]> {
		const tx = this.tx;
		const refuse = (r: { index: number; message: string }) => this.rejected.push({ line: writes[r.index].row.line, reason: r.message });
		switch (this.kind) {
			case 'block': {
				await upsertBlocks(tx, writes.map(p => blockInput(merged(p.row as BlockImport, p.stored), p.spaceId)), SOURCE);
				return this.annotatedIds(writes);
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
				// Two statements queued: one runs while the next waits, so SQLite never waits for this thread. Rows of
				// different batches never share an identity (the planner refuses the second), so their order is free.
				// The subnets and ranges do not change during an address import, so parents come from windows read ahead.
				// finish() writes the import's one audit summary; a row per batch would only repeat it in pieces.
				if (!this.addresses) {
					const windows = new ParentWindows(tx);
					this.addresses = new AddressWriter(tx, { depth: 2, parents: (space, family, values) => windows.of(space, family, values) });
				}
				await this.addresses.write(writes.map(p => addressInput(merged(p.row as AddressImport, p.stored), p.spaceId)));
				return this.annotatedIds(writes);
			}
		}
	}

	/** Ids of written rows that carry custom fields or tags (the bulk writers of blocks and addresses return none). */
	private async annotatedIds(writes: PlannedRow[]): Promise<number[]> {
		const ids = writes.map(() => 0);
		const annotated = writes.map((p, i) => (p.row.custom || p.row.tags ? i : -1)).filter(i => i >= 0);
		if (annotated.length === 0) return ids;
		await this.settle();
		const found = await idsByIdentity(this.tx, this.kind, annotated.map(i => identity(writes[i].row, writes[i].spaceId)));
		annotated.forEach((i, k) => (ids[i] = found[k]));
		return ids;
	}

	/** Custom-field values and tags of every row that carries them (unchanged rows too: the diff does not compare them). */
	private async annotate(plan: BatchPlan, writes: PlannedRow[], ids: number[], refused: Set<number>): Promise<void> {
		const values: { objectId: number; fieldId: number; values: string[] }[] = [];
		const tags: { objectId: number; names: string[] }[] = [];
		const add = (p: PlannedRow, id: number) => {
			if (id <= 0 || refused.has(p.row.line)) return;
			for (const [name, vals] of p.row.custom ?? []) values.push({ objectId: id, fieldId: this.fieldIds.get(name)!, values: vals });
			if (p.row.tags) tags.push({ objectId: id, names: p.row.tags });
		};
		writes.forEach((p, i) => add(p, ids[i]));
		for (const p of plan.unchanged) add(p, p.stored!.id);
		await replaceFieldValues(this.tx, this.kind, values);
		await replaceTags(this.tx, this.kind, tags);
	}
}

/**
 * Plans and applies every batch inside the caller's transaction. Batch N+1 is read, validated and
 * planned on this thread while SQLite writes batch N on its own: plans only read rows that existed
 * before the import, which batch N's writes cannot change (in-file duplicates are refused by the planner).
 */
export async function applyBatches(
	planner: Planner,
	applier: Applier,
	batches: AsyncIterable<ImportBatch>,
	onBatch: (batch: ImportBatch, plan: BatchPlan) => void = () => undefined,
): Promise<void> {
	let writing: Promise<void> | undefined;
	try {
		for await (const batch of batches) {
			const plan = await planner.plan(batch.rows);
			onBatch(batch, plan);
			await writing;
			writing = applier.apply(plan);
			// Awaited on the next turn; until then a failure must not count as unhandled.
			writing.catch(() => undefined);
		}
		await writing;
		await applier.settle();
	} finally {
		// Nothing keeps writing behind an error: the caller's rollback comes after the statements in flight.
		await writing?.catch(() => undefined);
		await applier.settle().catch(() => undefined);
	}
}
