// Tags: named labels on any object (block, subnet, range, address, server).
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import type { ObjectKind } from './custom-fields.js';

export interface TagRow {
	id: number;
	name: string;
	color: string;
	description: string;
}

export async function listTags(store: Store, page: { after?: string; limit?: number } = {}): Promise<(TagRow & { uses: number })[]> {
	return store.all<TagRow & { uses: number }>(
		`SELECT t.*, (SELECT count(*) FROM object_tag o WHERE o.tag_id = t.id) AS uses FROM tag t WHERE t.name > ? COLLATE NOCASE ORDER BY t.name COLLATE NOCASE LIMIT ?`,
		[page.after ?? '', page.limit ?? 1000],
	);
}

export async function findTag(store: Store, name: string): Promise<TagRow | undefined> {
	return store.get<TagRow>('SELECT * FROM tag WHERE name = ?', [name.trim()]);
}

export async function requireTag(store: Store, name: string): Promise<TagRow> {
	const t = await findTag(store, name);
	if (!t) throw notFound(`no tag named "${name}"`);
	return t;
}

export async function addTag(store: Store, input: { name: string; color?: string; description?: string }, options?: ChangeOptions): Promise<TagRow> {
	const name = input.name.trim();
	if (!name) throw invalid('a tag needs a name');
	if (name.length > 100) throw invalid('a tag name is longer than 100 characters');
	return store.transaction(async tx => {
		if (await findTag(tx, name)) throw conflict(`tag "${name}" already exists`);
		const { lastID } = await tx.run('INSERT INTO tag (name, color, description) VALUES (?, ?, ?)', [name, input.color ?? '', input.description ?? '']);
		const row = (await tx.get<TagRow>('SELECT * FROM tag WHERE id = ?', [lastID]))!;
		await audit(tx, { action: 'create', kind: 'tag', id: lastID, summary: `tag ${name}`, after: row }, options);
		return row;
	});
}

export async function deleteTag(store: Store, name: string, options?: ChangeOptions): Promise<TagRow> {
	return store.transaction(async tx => {
		const before = await requireTag(tx, name);
		await tx.run('DELETE FROM tag WHERE id = ?', [before.id]);
		await audit(tx, { action: 'delete', kind: 'tag', id: before.id, summary: `tag ${before.name}`, before }, options);
		return before;
	});
}

export async function tagsOf(store: Store, kind: ObjectKind, id: number): Promise<string[]> {
	const rows = await store.all<{ name: string }>(
		'SELECT t.name FROM object_tag o JOIN tag t ON t.id = o.tag_id WHERE o.object_kind = ? AND o.object_id = ? ORDER BY t.name',
		[kind, id],
	);
	return rows.map(r => r.name);
}

/** Tags an object; an unknown tag is created on the fly only when `create` is set. */
export async function applyTag(store: Store, kind: ObjectKind, id: number, name: string, options: ChangeOptions & { create?: boolean } = {}): Promise<boolean> {
	return store.transaction(async tx => {
		const tag = (await findTag(tx, name)) ?? (options.create ? await addTag(tx, { name }, options) : await requireTag(tx, name));
		const { changes } = await tx.run('INSERT OR IGNORE INTO object_tag (object_kind, object_id, tag_id) VALUES (?, ?, ?)', [kind, id, tag.id]);
		if (changes) await audit(tx, { action: 'update', kind, id, summary: `${kind} tagged ${tag.name}`, after: { tag: tag.name } }, options);
		return changes > 0;
	});
}

export async function removeTag(store: Store, kind: ObjectKind, id: number, name: string, options?: ChangeOptions): Promise<boolean> {
	return store.transaction(async tx => {
		const tag = await requireTag(tx, name);
		const { changes } = await tx.run('DELETE FROM object_tag WHERE object_kind = ? AND object_id = ? AND tag_id = ?', [kind, id, tag.id]);
		if (changes) await audit(tx, { action: 'update', kind, id, summary: `${kind} untagged ${tag.name}`, before: { tag: tag.name } }, options);
		return changes > 0;
	});
}
