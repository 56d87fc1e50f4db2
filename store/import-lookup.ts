// What an import needs from the store besides the address-space writers: stored rows by import identity,
// an owner's rows for inventory sync, batched deletes, and bulk custom-field values and tags.
import type { Store } from './database.js';
import { auditMany, type ChangeOptions } from './audit.js';

export type ImportKind = 'block' | 'subnet' | 'range' | 'address';

/**
 * The identity columns of each kind, in the order identity tuples list them. Blocks and subnets are
 * one prefix per space; ranges and addresses also carry their owner (managed-by service + instance).
 */
const IDENTITY: Record<ImportKind, { table: string; columns: string[]; blob: string[] }> = {
	block: { table: 'block', columns: ['space_id', 'family', 'start', 'prefix_len'], blob: ['start'] },
	subnet: { table: 'subnet', columns: ['space_id', 'family', 'start', 'prefix_len'], blob: ['start'] },
	range: { table: 'range', columns: ['space_id', 'family', 'start', 'end', 'managed_by', 'managed_by_entity'], blob: ['start', 'end'] },
	address: { table: 'address', columns: ['space_id', 'ip', 'managed_by', 'managed_by_entity'], blob: ['ip'] },
};

const CHUNK = 5_000;

/**
 * Stored rows matching identity tuples (blob members as hex), each returned with `_i`, the index of
 * its tuple. One indexed join per chunk through json_each, never one query per row; read-only.
 */
export async function rowsByIdentity<Row>(
	store: Store,
	kind: ImportKind,
	tuples: unknown[][],
	/** Columns to read (id is always read); all when omitted. Fewer columns make a million-row re-import cheaper. */
	select?: string[],
): Promise<(Row & { _i: number })[]> {
	const { table, columns, blob } = IDENTITY[kind];
	const on = columns.map((c, i) => `t.${c} = ${blob.includes(c) ? `unhex(j.value->>${i + 1})` : `j.value->>${i + 1}`}`).join(' AND ');
	const list = select ? ['id', ...select.filter(c => c !== 'id')].map(c => `t.${c}`).join(', ') : 't.*';
	const sql = `SELECT j.value->>0 AS _i, ${list} FROM json_each(?) j JOIN ${table} t ON ${on}`;
	const out: (Row & { _i: number })[] = [];
	for (let i = 0; i < tuples.length; i += CHUNK) {
		const chunk = tuples.slice(i, i + CHUNK).map((t, k) => [i + k, ...t]);
		for (const r of await store.all<Row & { _i: number }>(sql, [JSON.stringify(chunk)])) out.push(r);
	}
	return out;
}

/** Whole stored rows by id (the updates of a batch, whose unset fields are kept from the stored row). */
export async function rowsById<Row>(store: Store, kind: ImportKind, ids: number[]): Promise<Row[]> {
	const out: Row[] = [];
	for (let i = 0; i < ids.length; i += CHUNK) {
		const chunk = JSON.stringify(ids.slice(i, i + CHUNK));
		for (const r of await store.all<Row>(`SELECT * FROM ${IDENTITY[kind].table} WHERE id IN (SELECT value FROM json_each(?))`, [chunk])) out.push(r);
	}
	return out;
}

/** Whether any row of this kind is stored in these spaces (a fresh space needs no identity lookups). */
export async function anyStored(store: Store, kind: ImportKind, spaceIds: number[]): Promise<boolean> {
	const row = await store.get<{ found: number }>(
		`SELECT EXISTS (SELECT 1 FROM ${IDENTITY[kind].table} WHERE space_id IN (SELECT value FROM json_each(?))) AS found`,
		[JSON.stringify(spaceIds)],
	);
	return !!row?.found;
}

/** Ids of stored rows by identity tuple, -1 where none (after a write, to attach custom values and tags). */
export async function idsByIdentity(store: Store, kind: ImportKind, tuples: unknown[][]): Promise<number[]> {
	const ids = tuples.map(() => -1);
	for (const r of await rowsByIdentity<{ id: number }>(store, kind, tuples, ['id'])) ids[Number(r._i)] = r.id;
	return ids;
}

/** Every stored row of one owner (inventory sync), streamed. */
export async function eachOwnedRow<Row>(
	store: Store,
	kind: 'range' | 'address',
	owner: { managedBy: string; managedByEntity: string; spaceId?: number },
	onRow: (row: Row) => void,
): Promise<number> {
	const params: (string | number)[] = [owner.managedBy, owner.managedByEntity];
	let where = 'managed_by = ? COLLATE NOCASE AND managed_by_entity = ? COLLATE NOCASE';
	if (owner.spaceId !== undefined) {
		where += ' AND space_id = ?';
		params.push(owner.spaceId);
	}
	// Collected DHCP scopes belong to their server, never to an inventory file.
	if (kind === 'range') where += ' AND server_id IS NULL';
	return store.each<Row>(`SELECT * FROM ${kind} WHERE ${where}`, params, onRow);
}

/** Deletes rows by id in batches, with one audit entry per row (before image), in the caller's transaction. */
export async function deleteRows(tx: Store, kind: ImportKind, rows: { id: number; summary: string; before: unknown }[], options: ChangeOptions = {}): Promise<number> {
	let deleted = 0;
	await tx.transaction(async () => {
		for (let i = 0; i < rows.length; i += CHUNK) {
			const chunk = rows.slice(i, i + CHUNK);
			const ids = JSON.stringify(chunk.map(r => r.id));
			await tx.run(`DELETE FROM custom_field_value WHERE object_kind = ? AND object_id IN (SELECT value FROM json_each(?))`, [kind, ids]);
			await tx.run(`DELETE FROM object_tag WHERE object_kind = ? AND object_id IN (SELECT value FROM json_each(?))`, [kind, ids]);
			deleted += (await tx.run(`DELETE FROM ${IDENTITY[kind].table} WHERE id IN (SELECT value FROM json_each(?))`, [ids])).changes;
			await auditMany(tx, chunk.map(r => ({ action: 'delete' as const, kind, id: r.id, summary: r.summary, before: r.before })), options);
		}
	});
	return deleted;
}

/**
 * Replaces the values of the given custom fields on many objects: for each (object, field) pair in
 * `values`, stored values of that field are dropped and the new ones written. Batched.
 */
export async function replaceFieldValues(tx: Store, kind: ImportKind, values: { objectId: number; fieldId: number; values: string[] }[]): Promise<void> {
	if (values.length === 0) return;
	await tx.transaction(async () => {
		for (let i = 0; i < values.length; i += CHUNK) {
			const chunk = values.slice(i, i + CHUNK);
			await tx.run(
				`DELETE FROM custom_field_value WHERE object_kind = ? AND (object_id, field_id) IN (SELECT value->>0, value->>1 FROM json_each(?))`,
				[kind, JSON.stringify(chunk.map(v => [v.objectId, v.fieldId]))],
			);
			const rows = chunk.flatMap(v => v.values.map(value => [kind, v.objectId, v.fieldId, value]));
			await tx.insertMany('custom_field_value', ['object_kind', 'object_id', 'field_id', 'value'], rows, { conflict: 'ignore' });
		}
	});
}

/** Sets the tags of many objects to exactly the given names; unknown tag names are created. */
export async function replaceTags(tx: Store, kind: ImportKind, tags: { objectId: number; names: string[] }[]): Promise<void> {
	if (tags.length === 0) return;
	await tx.transaction(async () => {
		const names = [...new Set(tags.flatMap(t => t.names))];
		await tx.insertMany('tag', ['name'], names.map(n => [n]), { conflict: 'ignore' });
		const ids = new Map<string, number>();
		await tx.each<{ id: number; name: string }>('SELECT id, name FROM tag WHERE name IN (SELECT value FROM json_each(?))', [JSON.stringify(names)], r =>
			ids.set(r.name.toLowerCase(), r.id),
		);
		for (let i = 0; i < tags.length; i += CHUNK) {
			const chunk = tags.slice(i, i + CHUNK);
			await tx.run(`DELETE FROM object_tag WHERE object_kind = ? AND object_id IN (SELECT value FROM json_each(?))`, [kind, JSON.stringify(chunk.map(t => t.objectId))]);
			const rows = chunk.flatMap(t => t.names.map(n => [kind, t.objectId, ids.get(n.toLowerCase())]));
			await tx.insertMany('object_tag', ['object_kind', 'object_id', 'tag_id'], rows, { conflict: 'ignore' });
		}
	});
}

/** Custom-field values and tags of many objects (exports), keyed by object id. */
export async function annotationsOf(
	store: Store,
	kind: ImportKind,
	ids: number[],
): Promise<{ fields: Map<number, Map<string, string[]>>; tags: Map<number, string[]> }> {
	const fields = new Map<number, Map<string, string[]>>();
	const tags = new Map<number, string[]>();
	if (ids.length === 0) return { fields, tags };
	const list = JSON.stringify(ids);
	await store.each<{ object_id: number; name: string; value: string }>(
		`SELECT v.object_id, f.name, v.value FROM custom_field_value v JOIN custom_field f ON f.id = v.field_id
			WHERE v.object_kind = ? AND v.object_id IN (SELECT value FROM json_each(?)) ORDER BY v.object_id, f.name, v.value`,
		[kind, list],
		r => {
			if (!fields.has(r.object_id)) fields.set(r.object_id, new Map());
			const m = fields.get(r.object_id)!;
			if (!m.has(r.name)) m.set(r.name, []);
			m.get(r.name)!.push(r.value);
		},
	);
	await store.each<{ object_id: number; name: string }>(
		`SELECT o.object_id, t.name FROM object_tag o JOIN tag t ON t.id = o.tag_id
			WHERE o.object_kind = ? AND o.object_id IN (SELECT value FROM json_each(?)) ORDER BY o.object_id, t.name`,
		[kind, list],
		r => {
			if (!tags.has(r.object_id)) tags.set(r.object_id, []);
			tags.get(r.object_id)!.push(r.name);
		},
	);
	return { fields, tags };
}

/** A stored row as exports read it: the table's columns plus the space name (and, for ranges and addresses, their subnet's start and prefix length). */
export type ExportRow = Record<string, unknown> & { id: number; space_name: string; subnet_len?: number | null; subnet_start?: Buffer | null };

/**
 * One page of a kind's rows in address order (space, family, start/ip, id) after `anchor`, never
 * OFFSET: exports of millions of rows run in constant memory.
 */
export async function exportPage(
	store: Store,
	kind: ImportKind,
	/** `subnet`: also read the parent subnet's start and length (layouts that print a mask or network need them). */
	options: { spaceId?: number; anchor?: [number, number, Buffer, number]; limit: number; subnet?: boolean },
): Promise<ExportRow[]> {
	const key = kind === 'address' ? 'ip' : 'start';
	const where: string[] = [];
	const params: (number | Buffer)[] = [];
	if (options.spaceId !== undefined) {
		where.push('t.space_id = ?');
		params.push(options.spaceId);
	}
	if (options.anchor) {
		where.push(`(t.space_id, t.family, t.${key}, t.id) > (?, ?, ?, ?)`);
		params.push(...options.anchor);
	}
	const subnetLen =
		options.subnet && (kind === 'address' || kind === 'range')
			? ', (SELECT n.prefix_len FROM subnet n WHERE n.id = t.subnet_id) AS subnet_len, (SELECT n.start FROM subnet n WHERE n.id = t.subnet_id) AS subnet_start'
			: '';
	return store.all<ExportRow>(
		`SELECT t.*, s.name AS space_name${subnetLen} FROM ${IDENTITY[kind].table} t JOIN address_space s ON s.id = t.space_id
			${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.space_id, t.family, t.${key}, t.id LIMIT ?`,
		[...params, options.limit],
	);
}

/** Names of the custom fields that have a value on some object of this kind (the export's extra columns). */
export async function usedFieldNames(store: Store, kind: ImportKind): Promise<string[]> {
	const rows = await store.all<{ name: string }>(
		`SELECT f.name FROM custom_field f WHERE EXISTS (SELECT 1 FROM custom_field_value v WHERE v.field_id = f.id AND v.object_kind = ?) ORDER BY f.name COLLATE NOCASE`,
		[kind],
	);
	return rows.map(r => r.name);
}
