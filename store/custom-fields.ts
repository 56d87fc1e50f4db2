// Custom fields (MS IPAM's built-in ones plus user-defined, single- or multi-valued, optionally with
// allowed values) and their values on any object.
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';

export type ObjectKind = 'block' | 'subnet' | 'range' | 'address' | 'server';
export const OBJECT_KINDS: ObjectKind[] = ['block', 'subnet', 'range', 'address', 'server'];

export interface FieldRow {
	id: number;
	name: string;
	builtin: number;
	multi_valued: number;
	allowed_values: string | null;
	applies_to: string;
	description: string;
}

export interface FieldInput {
	name: string;
	multiValued?: boolean;
	allowedValues?: string[] | null;
	appliesTo?: ObjectKind[];
	description?: string;
}

export function allowedValues(f: FieldRow): string[] | null {
	return f.allowed_values ? (JSON.parse(f.allowed_values) as string[]) : null;
}

export function appliesTo(f: FieldRow): ObjectKind[] {
	return JSON.parse(f.applies_to) as ObjectKind[];
}

export async function listFields(store: Store, page: { after?: string; limit?: number } = {}): Promise<FieldRow[]> {
	return store.all<FieldRow>('SELECT * FROM custom_field WHERE name > ? COLLATE NOCASE ORDER BY name COLLATE NOCASE LIMIT ?', [page.after ?? '', page.limit ?? 1000]);
}

export async function findField(store: Store, name: string): Promise<FieldRow | undefined> {
	return store.get<FieldRow>('SELECT * FROM custom_field WHERE name = ?', [name.trim()]);
}

/** The named field; an unknown name is invalid input (exit 3) listing the fields that exist. */
export async function requireField(store: Store, name: string): Promise<FieldRow> {
	const f = await findField(store, name);
	if (f) return f;
	const names = (await listFields(store, { limit: 50 })).map(r => r.name);
	throw invalid(`unknown custom field "${name}" (fields: ${names.join(', ')}); add it with \`ipam field add\``);
}

function checkKinds(kinds: string[]): ObjectKind[] {
	for (const k of kinds) if (!(OBJECT_KINDS as string[]).includes(k)) throw invalid(`"${k}" is not an object kind (${OBJECT_KINDS.join(', ')})`);
	return kinds as ObjectKind[];
}

export async function addField(store: Store, input: FieldInput, options?: ChangeOptions): Promise<FieldRow> {
	const name = input.name.trim();
	if (!name) throw invalid('a custom field needs a name');
	if (name.length > 100) throw invalid('a custom field name is longer than 100 characters');
	return store.transaction(async tx => {
		const existing = await findField(tx, name);
		if (existing) throw conflict(`custom field "${existing.name}" already exists`);
		const allowed = input.allowedValues?.map(v => v.trim()).filter(Boolean);
		const { lastID } = await tx.run(
			'INSERT INTO custom_field (name, multi_valued, allowed_values, applies_to, description) VALUES (?, ?, ?, ?, ?)',
			[name, input.multiValued ? 1 : 0, allowed?.length ? JSON.stringify(allowed) : null, JSON.stringify(checkKinds(input.appliesTo ?? OBJECT_KINDS)), input.description ?? ''],
		);
		const row = (await tx.get<FieldRow>('SELECT * FROM custom_field WHERE id = ?', [lastID]))!;
		await audit(tx, { action: 'create', kind: 'custom_field', id: lastID, summary: `field ${name}`, after: row }, options);
		return row;
	});
}

export async function editField(
	store: Store,
	name: string,
	changes: { name?: string; allowedValues?: string[] | null; description?: string; multiValued?: boolean },
	options?: ChangeOptions,
): Promise<FieldRow> {
	return store.transaction(async tx => {
		const before = await requireField(tx, name);
		const newName = changes.name?.trim() || before.name;
		if (newName.toLowerCase() !== before.name.toLowerCase() && (await findField(tx, newName))) throw conflict(`custom field "${newName}" already exists`);
		if (before.builtin && newName !== before.name) throw invalid(`"${before.name}" is a built-in field and cannot be renamed`);
		const allowed = changes.allowedValues === undefined ? allowedValues(before) : changes.allowedValues;
		if (allowed) {
			const bad = await tx.get<{ value: string }>('SELECT value FROM custom_field_value WHERE field_id = ? AND value NOT IN (SELECT value FROM json_each(?)) LIMIT 1', [
				before.id,
				JSON.stringify(allowed),
			]);
			if (bad) throw conflict(`field "${before.name}" already holds the value "${bad.value}", which the new allowed values leave out`);
		}
		const multi = changes.multiValued === undefined ? !!before.multi_valued : changes.multiValued;
		if (!multi && before.multi_valued) {
			const many = await tx.get('SELECT 1 FROM custom_field_value WHERE field_id = ? GROUP BY object_kind, object_id HAVING count(*) > 1 LIMIT 1', [before.id]);
			if (many) throw conflict(`field "${before.name}" has objects with several values; it cannot become single-valued`);
		}
		await tx.run('UPDATE custom_field SET name = ?, allowed_values = ?, description = ?, multi_valued = ? WHERE id = ?', [
			newName,
			allowed?.length ? JSON.stringify(allowed) : null,
			changes.description ?? before.description,
			multi ? 1 : 0,
			before.id,
		]);
		const after = (await tx.get<FieldRow>('SELECT * FROM custom_field WHERE id = ?', [before.id]))!;
		await audit(tx, { action: 'update', kind: 'custom_field', id: before.id, summary: `field ${newName}`, before, after }, options);
		return after;
	});
}

export async function deleteField(store: Store, name: string, options?: ChangeOptions): Promise<FieldRow> {
	return store.transaction(async tx => {
		const before = await requireField(tx, name);
		if (before.builtin) throw conflict(`"${before.name}" is a built-in field and cannot be deleted`);
		await tx.run('DELETE FROM custom_field WHERE id = ?', [before.id]);
		await audit(tx, { action: 'delete', kind: 'custom_field', id: before.id, summary: `field ${before.name}`, before }, options);
		return before;
	});
}

/** Checks values against a field's rules; returns them trimmed and de-duplicated. */
export function checkValues(field: FieldRow, kind: ObjectKind, values: string[]): string[] {
	if (!appliesTo(field).includes(kind)) throw invalid(`custom field "${field.name}" does not apply to ${kind}s`);
	const clean = [...new Set(values.map(v => v.trim()).filter(Boolean))];
	if (clean.length === 0) throw invalid(`no value given for field "${field.name}"`);
	if (!field.multi_valued && clean.length > 1) throw invalid(`custom field "${field.name}" takes one value, got ${clean.length}`);
	const allowed = allowedValues(field);
	if (allowed) {
		for (const v of clean) {
			const match = allowed.find(a => a.toLowerCase() === v.toLowerCase());
			if (!match) throw invalid(`"${v}" is not an allowed value of "${field.name}" (allowed: ${allowed.join(', ')})`);
		}
		return clean.map(v => allowed.find(a => a.toLowerCase() === v.toLowerCase())!);
	}
	for (const v of clean) if (v.length > 500) throw invalid(`a value of "${field.name}" is longer than 500 characters`);
	return clean;
}

export async function fieldValues(store: Store, kind: ObjectKind, id: number): Promise<Record<string, string[]>> {
	const rows = await store.all<{ name: string; value: string }>(
		`SELECT f.name, v.value FROM custom_field_value v JOIN custom_field f ON f.id = v.field_id WHERE v.object_kind = ? AND v.object_id = ? ORDER BY f.name, v.value`,
		[kind, id],
	);
	const out: Record<string, string[]> = {};
	for (const r of rows) (out[r.name] ??= []).push(r.value);
	return out;
}

/** Sets a field on an object: single-valued fields are replaced; multi-valued fields get the values added (or replaced). */
export async function setFieldValue(
	store: Store,
	kind: ObjectKind,
	id: number,
	fieldName: string,
	values: string[],
	options: ChangeOptions & { replace?: boolean } = {},
): Promise<string[]> {
	return store.transaction(async tx => {
		const field = await requireField(tx, fieldName);
		const clean = checkValues(field, kind, values);
		const before = (await fieldValues(tx, kind, id))[field.name] ?? [];
		if (!field.multi_valued || options.replace) {
			await tx.run('DELETE FROM custom_field_value WHERE object_kind = ? AND object_id = ? AND field_id = ?', [kind, id, field.id]);
		}
		await tx.insertMany('custom_field_value', ['object_kind', 'object_id', 'field_id', 'value'], clean.map(v => [kind, id, field.id, v]), { conflict: 'ignore' });
		const after = (await fieldValues(tx, kind, id))[field.name] ?? [];
		await audit(tx, { action: 'update', kind, id, summary: `${kind} field ${field.name}`, before: { [field.name]: before }, after: { [field.name]: after } }, options);
		return after;
	});
}

/** Removes a field's values from an object (only the given values when any are named). */
export async function unsetFieldValue(store: Store, kind: ObjectKind, id: number, fieldName: string, values: string[] = [], options?: ChangeOptions): Promise<number> {
	return store.transaction(async tx => {
		const field = await requireField(tx, fieldName);
		const before = (await fieldValues(tx, kind, id))[field.name] ?? [];
		const { changes } = values.length
			? await tx.run('DELETE FROM custom_field_value WHERE object_kind = ? AND object_id = ? AND field_id = ? AND value IN (SELECT value FROM json_each(?))', [
					kind,
					id,
					field.id,
					JSON.stringify(values),
				])
			: await tx.run('DELETE FROM custom_field_value WHERE object_kind = ? AND object_id = ? AND field_id = ?', [kind, id, field.id]);
		if (changes) {
			const after = (await fieldValues(tx, kind, id))[field.name] ?? [];
			await audit(tx, { action: 'update', kind, id, summary: `${kind} field ${field.name}`, before: { [field.name]: before }, after: { [field.name]: after } }, options);
		}
		return changes;
	});
}
