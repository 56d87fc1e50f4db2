// Address spaces (VRF-like): CRUD and name → id resolution.
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';

export interface SpaceRow {
	id: number;
	name: string;
	description: string;
	created_at: number;
}

export const DEFAULT_SPACE = 'Default';

export async function findSpace(store: Store, name: string): Promise<SpaceRow | undefined> {
	return store.get<SpaceRow>('SELECT * FROM address_space WHERE name = ?', [name]);
}

/** The id of the named space; an unknown name is an error naming the spaces that exist. */
export async function spaceId(store: Store, name: string = DEFAULT_SPACE): Promise<number> {
	const row = await findSpace(store, name);
	if (row) return row.id;
	const names = (await store.all<{ name: string }>('SELECT name FROM address_space ORDER BY name LIMIT 20')).map(r => r.name);
	throw notFound(`no address space named "${name}" (spaces: ${names.join(', ')})`);
}

export async function listSpaces(store: Store, page: { after?: string; limit?: number } = {}): Promise<SpaceRow[]> {
	return store.all<SpaceRow>('SELECT * FROM address_space WHERE name > ? ORDER BY name LIMIT ?', [page.after ?? '', page.limit ?? 1000]);
}

export async function addSpace(store: Store, input: { name: string; description?: string }, options?: ChangeOptions): Promise<SpaceRow> {
	const name = input.name.trim();
	if (!name) throw invalid('an address space needs a name');
	return store.transaction(async tx => {
		if (await findSpace(tx, name)) throw conflict(`address space "${name}" already exists`);
		const { lastID } = await tx.run('INSERT INTO address_space (name, description) VALUES (?, ?)', [name, input.description ?? '']);
		const row = (await tx.get<SpaceRow>('SELECT * FROM address_space WHERE id = ?', [lastID]))!;
		await audit(tx, { action: 'create', kind: 'space', id: lastID, summary: `space ${name}`, after: row }, options);
		return row;
	});
}

export async function editSpace(
	store: Store,
	name: string,
	changes: { name?: string; description?: string },
	options?: ChangeOptions,
): Promise<SpaceRow> {
	return store.transaction(async tx => {
		const before = await findSpace(tx, name);
		if (!before) throw notFound(`no address space named "${name}"`);
		const newName = changes.name?.trim() || before.name;
		if (newName.toLowerCase() !== before.name.toLowerCase() && (await findSpace(tx, newName))) {
			throw conflict(`address space "${newName}" already exists`);
		}
		await tx.run('UPDATE address_space SET name = ?, description = ? WHERE id = ?', [newName, changes.description ?? before.description, before.id]);
		const after = (await tx.get<SpaceRow>('SELECT * FROM address_space WHERE id = ?', [before.id]))!;
		await audit(tx, { action: 'update', kind: 'space', id: before.id, summary: `space ${newName}`, before, after }, options);
		return after;
	});
}

/** Deleting a space deletes everything in it; refused for a non-empty space unless `force`. */
export async function deleteSpace(store: Store, name: string, options: ChangeOptions & { force?: boolean } = {}): Promise<void> {
	await store.transaction(async tx => {
		const before = await findSpace(tx, name);
		if (!before) throw notFound(`no address space named "${name}"`);
		if (before.id === 1) throw conflict('the Default address space cannot be deleted');
		const used = await tx.get<{ n: number }>(
			`SELECT (SELECT count(*) FROM block WHERE space_id = ?1) + (SELECT count(*) FROM subnet WHERE space_id = ?1)
				+ (SELECT count(*) FROM range WHERE space_id = ?1) + (SELECT count(*) FROM address WHERE space_id = ?1) AS n`,
			[before.id],
		);
		if ((used?.n ?? 0) > 0 && !options.force) {
			throw conflict(`address space "${before.name}" holds ${used!.n} objects; delete them first or use --force`);
		}
		await tx.run('DELETE FROM free_gap WHERE container_kind = ? AND container_id IN (SELECT id FROM block WHERE space_id = ?)', ['block', before.id]);
		await tx.run('DELETE FROM address_space WHERE id = ?', [before.id]);
		await audit(tx, { action: 'delete', kind: 'space', id: before.id, summary: `space ${before.name}`, before }, options);
	});
}
