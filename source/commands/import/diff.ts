// The dry-run diff of an import: per object, its column changes, custom-field values and tags against the store, printed as text, JSON or CSV.
import type { Writable } from 'node:stream';
import type { Store } from '../../../store/database.js';
import { annotationsOf } from '../../../store/import-lookup.js';
import { sanitize } from '../../domain/sanitize.js';
import type { ObjectKind } from '../../formats/ipam-rows.js';
import type { OutputFormat } from '../output.js';
import { csvLine } from '../output.js';
import { label } from './kinds.js';
import type { BatchPlan, PlannedDelete, PlannedRow } from './plan.js';

/** A custom field whose values the import would change (values as sets: the store keeps each once). */
export interface FieldValueChange {
	field: string;
	op: 'added' | 'changed' | 'removed';
	before: string[];
	after: string[];
}

export interface ObjectDiff {
	op: 'create' | 'update' | 'delete';
	object: string;
	space?: string;
	line?: number;
	columns: { column: string; before: unknown; after: unknown }[];
	fields: FieldValueChange[];
	tags: { added: string[]; removed: string[] };
	/** Why a row of a NetBox/phpIPAM prefix file is a block. */
	block?: string;
}

export interface BatchDiff {
	newSpaces: string[];
	objects: ObjectDiff[];
	/** Rows the plan had as unchanged that change in custom fields or tags only. */
	annotationOnly: number;
}

const NO_TAGS = { added: [], removed: [] };

/**
 * The batch's diff. The planner compares columns only (a real import rewrites every row's annotations
 * whatever they were), so stored custom values and tags are read here, for the rows that carry them.
 */
export async function batchDiff(store: Store, kind: ObjectKind, plan: BatchPlan): Promise<BatchDiff> {
	const annotated = [...plan.updates, ...plan.unchanged].filter(p => p.stored && (p.row.custom || p.row.tags));
	const stored = await annotationsOf(store, kind, annotated.map(p => p.stored!.id));
	const annotations = (p: PlannedRow) => {
		const id = p.stored?.id;
		return annotationChanges(p, id === undefined ? undefined : stored.fields.get(id) ?? new Map(), id === undefined ? [] : stored.tags.get(id) ?? []);
	};
	const object = (op: ObjectDiff['op'], p: PlannedRow): ObjectDiff => ({
		op,
		object: label(p.row),
		space: p.spaceName,
		line: p.row.line,
		columns: p.changed.map(([column, before, after]) => ({ column, before, after })),
		...annotations(p),
		...(p.row.kind === 'block' && p.row.container ? { block: p.row.container } : {}),
	});
	const updates = plan.updates.map(p => object('update', p));
	let annotationOnly = 0;
	for (const p of plan.unchanged) {
		if (!p.row.custom && !p.row.tags) continue;
		const d = object('update', p);
		if (!changesAnnotations(d)) continue;
		updates.push(d);
		annotationOnly++;
	}
	updates.sort((a, b) => a.line! - b.line!);
	return { newSpaces: plan.newSpaces, objects: [...plan.creates.map(p => object('create', p)), ...updates], annotationOnly };
}

/**
 * How many rows the plan has as unchanged change custom-field values or tags alone: a real import
 * counts them as updated, as the dry run does. Read before the import rewrites those annotations.
 */
export async function annotationOnlyCount(store: Store, kind: ObjectKind, unchanged: PlannedRow[]): Promise<number> {
	const annotated = unchanged.filter(p => p.stored && (p.row.custom || p.row.tags));
	if (annotated.length === 0) return 0;
	const stored = await annotationsOf(store, kind, annotated.map(p => p.stored!.id));
	return annotated.filter(p => changesAnnotations(annotationChanges(p, stored.fields.get(p.stored!.id) ?? new Map(), stored.tags.get(p.stored!.id) ?? []))).length;
}

function changesAnnotations(d: Pick<ObjectDiff, 'fields' | 'tags'>): boolean {
	return d.fields.length > 0 || d.tags.added.length > 0 || d.tags.removed.length > 0;
}

export function deleteDiffs(deletes: PlannedDelete[]): ObjectDiff[] {
	return deletes.map(d => ({ op: 'delete', object: d.label, columns: [], fields: [], tags: NO_TAGS }));
}

/** What the row's custom values and tags would change; `storedFields` undefined = a new object. */
export function annotationChanges(p: PlannedRow, storedFields: Map<string, string[]> | undefined, storedTags: string[]): Pick<ObjectDiff, 'fields' | 'tags'> {
	const fields: FieldValueChange[] = [];
	const byName = new Map([...(storedFields ?? [])].map(([name, values]) => [name.toLowerCase(), values]));
	for (const [field, values] of p.row.custom ?? []) {
		const before = unique(byName.get(field.toLowerCase()) ?? []);
		const after = unique(values);
		if (sameSet(before, after)) continue;
		fields.push({ field, op: before.length === 0 ? 'added' : after.length === 0 ? 'removed' : 'changed', before, after });
	}
	if (!p.row.tags) return { fields, tags: NO_TAGS };
	// Tag names are matched without case, as the store's tag lookup does.
	const had = new Set(storedTags.map(t => t.toLowerCase()));
	const will = new Set(p.row.tags.map(t => t.toLowerCase()));
	return {
		fields,
		tags: {
			added: unique(p.row.tags.filter(t => !had.has(t.toLowerCase()))),
			removed: storedTags.filter(t => !will.has(t.toLowerCase())),
		},
	};
}

function unique(values: string[]): string[] {
	return [...new Set(values)].sort();
}

function sameSet(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((v, i) => v === b[i]);
}

function show(v: unknown): string {
	if (v === null || v === undefined || v === '') return '∅';
	return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A custom field's values as one cell: multi-valued fields are written ";"-separated, as they are imported. */
function values(list: string[]): string {
	return list.join(';');
}

const SIGN = { create: '+', update: '~', delete: '-' } as const;

export function diffText(d: ObjectDiff): string {
	const where = d.space === undefined ? '' : ` [${d.space}] (line ${d.line})`;
	const parts = [
		...d.columns.map(c => `${c.column} ${show(c.before)} → ${show(c.after)}`),
		...d.fields.map(f =>
			f.op === 'added' ? `field ${f.field} added ${show(values(f.after))}` : f.op === 'removed' ? `field ${f.field} removed ${show(values(f.before))}` : `field ${f.field} ${show(values(f.before))} → ${show(values(f.after))}`,
		),
		...d.tags.added.map(t => `tag +${t}`),
		...d.tags.removed.map(t => `tag -${t}`),
	];
	const block = d.block ? ` (a block: ${d.block})` : '';
	return `${SIGN[d.op]} ${d.object}${where}${block}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

export function diffJson(d: ObjectDiff): Record<string, unknown> {
	return {
		op: d.op,
		object: d.object,
		...(d.space === undefined ? {} : { space: d.space, line: d.line }),
		changes: d.columns,
		customFields: d.fields,
		tags: d.tags,
		...(d.block ? { block: d.block } : {}),
	};
}

const CSV_HEADER = ['op', 'object', 'space', 'line', 'what', 'name', 'change', 'before', 'after'];

/** One CSV row per change (an object without any: one row), so a spreadsheet can filter by field. */
export function diffCsv(d: ObjectDiff): string[][] {
	const head = [d.op, d.object, d.space ?? '', d.line === undefined ? '' : String(d.line)];
	const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
	const rows = [
		...d.columns.map(c => [...head, 'column', c.column, 'changed', cell(c.before), cell(c.after)]),
		...d.fields.map(f => [...head, 'custom-field', f.field, f.op, values(f.before), values(f.after)]),
		...d.tags.added.map(t => [...head, 'tag', t, 'added', '', '']),
		...d.tags.removed.map(t => [...head, 'tag', t, 'removed', '', '']),
		...(d.block ? [[...head, 'block', '', 'because', '', d.block]] : []),
	];
	return rows.length > 0 ? rows : [[...head, '', '', '', '', '']];
}

/**
 * Streams the diff batch by batch in one format. JSON is one document, {"changes": [...], "summary": {...}},
 * written as it goes so a million-row dry run is not held in memory.
 */
export class DiffPrinter {
	private first = true;

	constructor(
		private readonly out: Writable,
		private readonly format: OutputFormat,
	) {}

	begin(): void {
		if (this.format === 'json') this.out.write('{"changes": [');
		if (this.format === 'csv') this.out.write(csvLine(CSV_HEADER) + '\n');
	}

	spaces(names: string[]): void {
		if (names.length === 0) return;
		if (this.format === 'table') this.lines(names.map(s => sanitize(`+ space ${s}`)));
		else this.objects(names.map(name => ({ op: 'create', object: `space ${name}`, columns: [], fields: [], tags: NO_TAGS })));
	}

	objects(diffs: ObjectDiff[]): void {
		if (diffs.length === 0) return;
		switch (this.format) {
			case 'table':
				return this.lines(diffs.map(d => sanitize(diffText(d))));
			case 'csv':
				return this.lines(diffs.flatMap(diffCsv).map(csvLine));
			case 'json': {
				const text = diffs.map(d => JSON.stringify(diffJson(d))).join(',\n');
				this.out.write((this.first ? '\n' : ',\n') + text);
				this.first = false;
			}
		}
	}

	/** Ends the JSON document with the summary; text and CSV summaries are the caller's. */
	end(summary: Record<string, unknown>): void {
		if (this.format === 'json') this.out.write(`${this.first ? '' : '\n'}], "summary": ${JSON.stringify(summary)}}\n`);
	}

	private lines(lines: string[]): void {
		for (let i = 0; i < lines.length; i += 1000) this.out.write(lines.slice(i, i + 1000).join('\n') + '\n');
	}
}
