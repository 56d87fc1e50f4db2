// IP blocks: CRUD with auto-parenting (a block's parent is the smallest block containing it), and bulk upsert.
//
// Bulk API (one transaction, batched writes, parents by sorted merge):
//   upsertBlocks(tx: Store, rows: BlockUpsert[], options?: ChangeOptions): Promise<{ created: number; updated: number }>
import type { Store } from './database.js';
import { audit, auditMany, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { assignContainers, containingPrefixes, keyValue, loadSpans } from './containment.js';
import { refreshGapsAround, rebuildFreeGaps } from './free-space.js';
import { rollupBlocks } from './utilization.js';
import { findPrefixRow, listPrefixRows, rowCidr, rowPrefix, type PrefixQuery } from './prefix-rows.js';
import { formatPrefix, keyBuffer, keyHex, prefixSpan, type Family, type Prefix } from '../source/domain/ip.js';
import { blockUnits } from '../source/domain/utilization.js';

export interface BlockRow {
	id: number;
	space_id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
	prefix_len: number;
	parent_id: number | null;
	name: string;
	description: string;
	rir: string;
	discovered: number;
	size: number;
	used: number;
	allocated: number;
	created_at: number;
	updated_at: number;
}

export interface BlockInput {
	spaceId: number;
	prefix: Prefix;
	name?: string;
	description?: string;
	rir?: string;
	discovered?: boolean;
}

export type BlockUpsert = BlockInput;

export interface BlockChanges {
	name?: string;
	description?: string;
	rir?: string;
}

export const blockPrefix = rowPrefix;
export const blockCidr = rowCidr;

export async function getBlock(store: Store, id: number): Promise<BlockRow | undefined> {
	return store.get<BlockRow>('SELECT * FROM block WHERE id = ?', [id]);
}

export async function findBlock(store: Store, spaceId: number, prefix: Prefix): Promise<BlockRow | undefined> {
	return findPrefixRow<BlockRow>(store, 'block', spaceId, prefix);
}

export async function requireBlock(store: Store, spaceId: number, prefix: Prefix): Promise<BlockRow> {
	const row = await findBlock(store, spaceId, prefix);
	if (!row) throw notFound(`no block ${formatPrefix(prefix)} in this address space`);
	return row;
}

export interface BlockQuery extends PrefixQuery {
	/** Only top-level blocks (no parent). */
	roots?: boolean;
}

/** One page of blocks in address order (family, start, prefix length), by key. */
export async function listBlocks(store: Store, q: BlockQuery): Promise<BlockRow[]> {
	return listPrefixRows<BlockRow>(store, 'block', q, q.roots ? [{ sql: 'parent_id IS NULL', params: [] }] : []);
}

function checkName(text: string | undefined, what: string): string {
	const t = (text ?? '').trim();
	if (t.length > 200) throw invalid(`${what} is longer than 200 characters`);
	return t;
}

export async function addBlock(store: Store, input: BlockInput, options: ChangeOptions = {}): Promise<BlockRow> {
	return store.transaction(async tx => {
		const span = prefixSpan(input.prefix);
		const cidr = formatPrefix(input.prefix);
		const containing = await containingPrefixes<BlockRow>(tx, 'block', input.spaceId, span);
		const same = containing.find(b => b.prefix_len === input.prefix.length);
		if (same) throw conflict(`block ${cidr} already exists (id ${same.id}${same.name ? `, "${same.name}"` : ''})`);
		const inSubnet = (await containingPrefixes(tx, 'subnet', input.spaceId, span, { strict: true }))[0];
		if (inSubnet) throw conflict(`block ${cidr} would lie inside subnet ${blockCidr(inSubnet)} (id ${inSubnet.id}); blocks hold subnets, not the reverse`);
		const parent = containing[0];
		const { lastID: id } = await tx.run(
			`INSERT INTO block (space_id, family, start, end, prefix_len, parent_id, name, description, rir, discovered, size)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				input.spaceId,
				span.family,
				keyBuffer(span.family, span.start),
				keyBuffer(span.family, span.end),
				input.prefix.length,
				parent?.id ?? null,
				checkName(input.name, 'the name'),
				checkName(input.description, 'the description'),
				checkName(input.rir, 'the RIR'),
				input.discovered ? 1 : 0,
				blockUnits(span.family, input.prefix.length),
			],
		);
		const s = keyBuffer(span.family, span.start);
		const e = keyBuffer(span.family, span.end);
		await tx.run(
			`UPDATE block SET parent_id = ? WHERE space_id = ? AND family = ? AND start >= ? AND end <= ? AND id <> ? AND parent_id IS ?`,
			[id, input.spaceId, span.family, s, e, id, parent?.id ?? null],
		);
		await tx.run(`UPDATE subnet SET block_id = ? WHERE space_id = ? AND family = ? AND start >= ? AND end <= ? AND block_id IS ?`, [
			id,
			input.spaceId,
			span.family,
			s,
			e,
			parent?.id ?? null,
		]);
		await rebuildFreeGaps(tx, [id]);
		if (parent) await refreshGapsAround(tx, parent.id, span);
		// Only the new block's figures are new: its ancestors hold the same descendants as before.
		await rollupBlocks(tx, [id], undefined, true);
		const row = (await getBlock(tx, id))!;
		await audit(tx, { action: 'create', kind: 'block', id, summary: `block ${cidr}`, after: row }, options);
		return row;
	});
}

export async function editBlock(store: Store, id: number, changes: BlockChanges, options: ChangeOptions = {}): Promise<BlockRow> {
	return store.transaction(async tx => {
		const before = await getBlock(tx, id);
		if (!before) throw notFound(`no block with id ${id}`);
		await tx.run(`UPDATE block SET name = ?, description = ?, rir = ?, updated_at = unixepoch() WHERE id = ?`, [
			changes.name === undefined ? before.name : checkName(changes.name, 'the name'),
			changes.description === undefined ? before.description : checkName(changes.description, 'the description'),
			changes.rir === undefined ? before.rir : checkName(changes.rir, 'the RIR'),
			id,
		]);
		const after = (await getBlock(tx, id))!;
		await audit(tx, { action: 'update', kind: 'block', id, summary: `block ${blockCidr(before)}`, before, after }, options);
		return after;
	});
}

/** Deletes a block; its child blocks and subnets move up to its parent. */
export async function deleteBlock(store: Store, id: number, options: ChangeOptions = {}): Promise<BlockRow> {
	return store.transaction(async tx => {
		const before = await getBlock(tx, id);
		if (!before) throw notFound(`no block with id ${id}`);
		await tx.run('UPDATE block SET parent_id = ? WHERE parent_id = ?', [before.parent_id, id]);
		await tx.run('UPDATE subnet SET block_id = ? WHERE block_id = ?', [before.parent_id, id]);
		await tx.run(`DELETE FROM free_gap WHERE container_kind = 'block' AND container_id = ?`, [id]);
		await tx.run(`DELETE FROM custom_field_value WHERE object_kind = 'block' AND object_id = ?`, [id]);
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'block' AND object_id = ?`, [id]);
		await tx.run('DELETE FROM block WHERE id = ?', [id]);
		if (before.parent_id) await refreshGapsAround(tx, before.parent_id, { family: before.family, start: keyValue(before.start), end: keyValue(before.end) });
		await audit(tx, { action: 'delete', kind: 'block', id, summary: `block ${blockCidr(before)}`, before }, options);
		return before;
	});
}

/**
 * Creates or updates many blocks (identity: space, prefix) in the caller's transaction, re-parents
 * blocks and subnets of the touched spaces by one sorted merge, then rebuilds their free gaps and
 * rolls up their utilization.
 */
export async function upsertBlocks(tx: Store, rows: BlockUpsert[], options: ChangeOptions = {}): Promise<{ created: number; updated: number }> {
	if (rows.length === 0) return { created: 0, updated: 0 };
	return tx.transaction(async () => {
		const before = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM block'))!.n;
		const data = rows.map(r => {
			const s = prefixSpan(r.prefix);
			return [r.spaceId, s.family, keyHex(s.family, s.start), keyHex(s.family, s.end), r.prefix.length, r.name ?? '', r.description ?? '', r.rir ?? '', r.discovered ? 1 : 0, blockUnits(s.family, r.prefix.length)];
		});
		await tx.insertMany(
			'block',
			['space_id', 'family', { name: 'start', blob: true }, { name: 'end', blob: true }, 'prefix_len', 'name', 'description', 'rir', 'discovered', 'size'],
			data,
			{
				// A discovered row only fills blanks: a collector must not overwrite what a person wrote.
				upsert: `ON CONFLICT (space_id, family, start, prefix_len) DO UPDATE SET
					name = CASE WHEN excluded.discovered = 1 AND name <> '' THEN name ELSE excluded.name END,
					description = CASE WHEN excluded.discovered = 1 AND description <> '' THEN description ELSE excluded.description END,
					rir = CASE WHEN excluded.discovered = 1 AND rir <> '' THEN rir ELSE excluded.rir END,
					discovered = min(discovered, excluded.discovered), updated_at = unixepoch()`,
			},
		);
		const created = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM block'))!.n - before;
		// Nothing new: the tree, its gaps and figures are as they were (a collector re-sends its blocks every cycle).
		if (created === 0) {
			if (options.source !== 'collector') await auditBlocks(tx, rows, options);
			return { created, updated: rows.length };
		}
		const touched = new Set(rows.map(r => `${r.spaceId}:${r.prefix.family}`));
		for (const t of touched) {
			const [space, family] = t.split(':').map(Number);
			await reparentSpace(tx, space, family as Family);
		}
		await rebuildFreeGaps(tx);
		await rollupBlocks(tx);
		await auditBlocks(tx, rows, options);
		return { created, updated: rows.length - created };
	});
}

async function auditBlocks(tx: Store, rows: BlockUpsert[], options: ChangeOptions): Promise<void> {
	await auditMany(
		tx,
		rows.map(r => ({ action: 'import' as const, kind: 'block', id: null, summary: `block ${formatPrefix(r.prefix)}`, after: { ...r, prefix: formatPrefix(r.prefix) } })),
		options,
	);
}

/** Recomputes block.parent_id and subnet.block_id of one space and family by a sorted merge; writes only changes. */
export async function reparentSpace(tx: Store, spaceId: number, family: Family): Promise<void> {
	const blocks = await loadSpans(tx, 'block', spaceId, family);
	const parents = assignContainers(blocks, blocks, { strict: true });
	const current = new Map<number, number | null>();
	await tx.each<{ id: number; parent_id: number | null }>('SELECT id, parent_id FROM block WHERE space_id = ? AND family = ?', [spaceId, family], r =>
		current.set(r.id, r.parent_id),
	);
	const blockChanges: [number, number | null][] = [];
	blocks.forEach((b, i) => {
		const p = parents[i]?.id ?? null;
		if (current.get(b.id) !== p) blockChanges.push([b.id, p]);
	});
	await applyParents(tx, 'block', 'parent_id', blockChanges);
	const subnets: { id: number; start: bigint; end: bigint; block_id: number | null }[] = [];
	await tx.each<{ id: number; start: Buffer; end: Buffer; block_id: number | null }>(
		'SELECT id, start, end, block_id FROM subnet WHERE space_id = ? AND family = ? ORDER BY start, end DESC',
		[spaceId, family],
		r => subnets.push({ id: r.id, start: keyValue(r.start), end: keyValue(r.end), block_id: r.block_id }),
	);
	const owners = assignContainers(blocks, subnets);
	const subnetChanges: [number, number | null][] = [];
	subnets.forEach((s, i) => {
		const b = owners[i]?.id ?? null;
		if (s.block_id !== b) subnetChanges.push([s.id, b]);
	});
	await applyParents(tx, 'subnet', 'block_id', subnetChanges);
}

/** Batched parent updates: [id, parent] pairs through json_each. */
export async function applyParents(tx: Store, table: string, column: string, pairs: [number, number | null][]): Promise<void> {
	for (let i = 0; i < pairs.length; i += 10_000) {
		await tx.run(
			`UPDATE ${table} SET ${column} = j.value->>1 FROM json_each(?) j WHERE ${table}.id = j.value->>0`,
			[JSON.stringify(pairs.slice(i, i + 10_000))],
		);
	}
}
