// Logical groups: an ordered list of custom fields (Region → Site → Building) that arranges objects of
// one kind into a tree by their values, as MS IPAM's logical groups do. Counted in SQL, one row per path.
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { requireField, type FieldRow, type ObjectKind } from './custom-fields.js';

export interface GroupRow {
	id: number;
	name: string;
	object_kind: ObjectKind;
	field_order: string;
}

export interface GroupNode {
	/** The field this level groups by, and the value ('' = objects without one). */
	field: string;
	value: string;
	count: number;
	children: GroupNode[];
}

const KINDS: ObjectKind[] = ['block', 'subnet', 'range', 'address'];

export async function listGroups(store: Store): Promise<(GroupRow & { fields: string[] })[]> {
	const rows = await store.all<GroupRow>('SELECT * FROM logical_group ORDER BY name COLLATE NOCASE LIMIT 1000');
	const out: (GroupRow & { fields: string[] })[] = [];
	for (const r of rows) out.push({ ...r, fields: await fieldNames(store, r) });
	return out;
}

async function fieldNames(store: Store, g: GroupRow): Promise<string[]> {
	const ids = JSON.parse(g.field_order) as number[];
	const rows = await store.all<{ id: number; name: string }>('SELECT f.id, f.name FROM json_each(?) j CROSS JOIN custom_field f ON f.id = j.value', [g.field_order]);
	return ids.map(id => rows.find(r => r.id === id)?.name ?? `#${id}`);
}

export async function requireGroup(store: Store, name: string): Promise<GroupRow> {
	const g = await store.get<GroupRow>('SELECT * FROM logical_group WHERE name = ?', [name.trim()]);
	if (!g) throw notFound(`no logical group named "${name}"`);
	return g;
}

export async function addGroup(store: Store, input: { name: string; kind: string; fields: string[] }, options?: ChangeOptions): Promise<GroupRow> {
	const name = input.name.trim();
	if (!name) throw invalid('a logical group needs a name');
	if (!(KINDS as string[]).includes(input.kind)) throw invalid(`"${input.kind}" is not an object kind (${KINDS.join(', ')})`);
	if (input.fields.length === 0 || input.fields.length > 8) throw invalid('a logical group orders 1 to 8 custom fields');
	return store.transaction(async tx => {
		if (await tx.get('SELECT 1 FROM logical_group WHERE name = ?', [name])) throw conflict(`logical group "${name}" already exists`);
		const fields: FieldRow[] = [];
		for (const f of input.fields) fields.push(await requireField(tx, f));
		if (new Set(fields.map(f => f.id)).size !== fields.length) throw invalid('a field appears twice in the group order');
		const { lastID } = await tx.run('INSERT INTO logical_group (name, object_kind, field_order) VALUES (?, ?, ?)', [name, input.kind, JSON.stringify(fields.map(f => f.id))]);
		const row = (await tx.get<GroupRow>('SELECT * FROM logical_group WHERE id = ?', [lastID]))!;
		await audit(tx, { action: 'create', kind: 'logical_group', id: lastID, summary: `logical group ${name}`, after: { ...row, fields: fields.map(f => f.name) } }, options);
		return row;
	});
}

export async function deleteGroup(store: Store, name: string, options?: ChangeOptions): Promise<GroupRow> {
	return store.transaction(async tx => {
		const g = await requireGroup(tx, name);
		await tx.run('DELETE FROM logical_group WHERE id = ?', [g.id]);
		await audit(tx, { action: 'delete', kind: 'logical_group', id: g.id, summary: `logical group ${g.name}`, before: g }, options);
		return g;
	});
}

/**
 * The group's tree: objects of its kind counted under each path of field values. A multi-valued field
 * puts an object under each of its values; objects without a value sit under ''.
 */
export async function groupTree(store: Store, name: string): Promise<{ group: GroupRow; fields: string[]; total: number; tree: GroupNode[] }> {
	const group = await requireGroup(store, name);
	const ids = JSON.parse(group.field_order) as number[];
	const fields = await fieldNames(store, group);
	const tree: GroupNode[] = [];
	// One query per level, so an object with several values of a multi-valued field counts once per node.
	for (let depth = 1; depth <= ids.length; depth++) {
		const level = ids.slice(0, depth);
		const joins = level
			.map((_, i) => `LEFT JOIN custom_field_value v${i} ON v${i}.object_kind = ?1 AND v${i}.object_id = o.id AND v${i}.field_id = ?${i + 2}`)
			.join('\n');
		const keys = level.map((_, i) => `k${i}`).join(', ');
		const rows = await store.all<Record<string, string | number>>(
			`SELECT ${level.map((_, i) => `coalesce(v${i}.value, '') AS k${i}`).join(', ')}, count(DISTINCT o.id) AS n
				FROM ${group.object_kind} o ${joins} GROUP BY ${keys} ORDER BY ${keys}`,
			[group.object_kind, ...level],
		);
		for (const r of rows) {
			let nodes = tree;
			let node: GroupNode | undefined;
			for (let i = 0; i < depth; i++) {
				const value = String(r[`k${i}`]);
				node = nodes.find(n => n.value === value);
				if (!node) nodes.push((node = { field: fields[i], value, count: 0, children: [] }));
				nodes = node.children;
			}
			node!.count = Number(r.n);
		}
	}
	const total = (await store.get<{ n: number }>(`SELECT count(*) AS n FROM ${group.object_kind}`))!.n;
	return { group, fields, total, tree };
}
