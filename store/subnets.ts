// Subnets: CRUD with auto-parenting (block_id = the smallest containing block), overlap rules, bulk upsert.
//
// Bulk API (caller's transaction, batched writes, parents by sorted merge; free gaps of the touched
// blocks are rebuilt; utilization is left to one rollupUtilization(tx) at the end of the batch):
//   upsertSubnets(tx: Store, rows: SubnetUpsert[], options?: ChangeOptions & { allowOverlap?: boolean })
//     : Promise<{ created: number; updated: number; ids: number[]; rejected: { index: number; message: string }[] }>
//   `ids[i]` is the id of rows[i] (0 when rejected). Discovered rows (collectors) may overlap; manual
//   rows that overlap a stored subnet or an earlier row of the batch are rejected, not written.
import type { Store } from './database.js';
import { audit, auditMany, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { adoptInto, assignContainers, containingPrefixes, firstOverlaps, keyValue, loadSpans, type Interval } from './containment.js';
import { refreshGapsAround, rebuildFreeGaps } from './free-space.js';
import { adjustBlocks, refreshUtilization } from './utilization.js';
import { findPrefixRow, listPrefixRows, rowCidr, type PrefixQuery } from './prefix-rows.js';
import { formatPrefix, formatSpanCompact, keyBuffer, keyHex, prefixSpan, type Family, type Prefix, type Span } from '../source/domain/ip.js';
import { subnetSize } from '../source/domain/utilization.js';

export interface SubnetRow {
	id: number;
	space_id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
	prefix_len: number;
	block_id: number | null;
	name: string;
	description: string;
	vlan: number | null;
	discovered: number;
	size: number;
	used: number;
	created_at: number;
	updated_at: number;
}

export interface SubnetInput {
	spaceId: number;
	prefix: Prefix;
	name?: string;
	description?: string;
	vlan?: number | null;
	discovered?: boolean;
}

export type SubnetUpsert = SubnetInput;

export interface SubnetChanges {
	name?: string;
	description?: string;
	vlan?: number | null;
}

export const subnetCidr = rowCidr;

export async function getSubnet(store: Store, id: number): Promise<SubnetRow | undefined> {
	return store.get<SubnetRow>('SELECT * FROM subnet WHERE id = ?', [id]);
}

export async function findSubnet(store: Store, spaceId: number, prefix: Prefix): Promise<SubnetRow | undefined> {
	return findPrefixRow<SubnetRow>(store, 'subnet', spaceId, prefix);
}

export async function requireSubnet(store: Store, spaceId: number, prefix: Prefix): Promise<SubnetRow> {
	const row = await findSubnet(store, spaceId, prefix);
	if (!row) throw notFound(`no subnet ${formatPrefix(prefix)} in this address space`);
	return row;
}

export interface SubnetQuery extends PrefixQuery {
	/** Only subnets whose smallest block is this one. */
	blockId?: number;
}

export async function listSubnets(store: Store, q: SubnetQuery): Promise<SubnetRow[]> {
	return listPrefixRows<SubnetRow>(store, 'subnet', q, q.blockId !== undefined ? [{ sql: 'block_id = ?', params: [q.blockId] }] : []);
}

function text(value: string | undefined, what: string): string {
	const t = (value ?? '').trim();
	if (t.length > 200) throw invalid(`${what} is longer than 200 characters`);
	return t;
}

function vlanOf(v: number | null | undefined): number | null {
	if (v === undefined || v === null) return null;
	if (!Number.isInteger(v) || v < 0 || v > 4094) throw invalid(`VLAN ${v} is not a number from 0 to 4094`);
	return v;
}

/** The first stored subnet overlapping the span (containing either end of it, or inside it), or undefined. */
export async function overlappingSubnet(store: Store, spaceId: number, span: Span, excludeId?: number): Promise<SubnetRow | undefined> {
	for (const v of span.start === span.end ? [span.start] : [span.start, span.end]) {
		const around = (await containingPrefixes<SubnetRow>(store, 'subnet', spaceId, { family: span.family, start: v, end: v })).filter(s => s.id !== excludeId);
		if (around.length) return around[around.length - 1];
	}
	return store.get<SubnetRow>('SELECT * FROM subnet WHERE space_id = ? AND family = ? AND start BETWEEN ? AND ? AND id IS NOT ? ORDER BY start LIMIT 1', [
		spaceId,
		span.family,
		keyBuffer(span.family, span.start),
		keyBuffer(span.family, span.end),
		excludeId ?? null,
	]);
}

export async function addSubnet(store: Store, input: SubnetInput, options: ChangeOptions = {}): Promise<SubnetRow> {
	return store.transaction(async tx => {
		const span = prefixSpan(input.prefix);
		const cidr = formatPrefix(input.prefix);
		const same = await findSubnet(tx, input.spaceId, input.prefix);
		if (same) throw conflict(`subnet ${cidr} already exists (id ${same.id}${same.name ? `, "${same.name}"` : ''})`);
		if (!input.discovered) {
			const other = await overlappingSubnet(tx, input.spaceId, span);
			if (other) throw conflict(`subnet ${cidr} overlaps subnet ${subnetCidr(other)} (id ${other.id}${other.name ? `, "${other.name}"` : ''})`);
		}
		const block = (await containingPrefixes(tx, 'block', input.spaceId, span))[0];
		const { lastID: id } = await tx.run(
			`INSERT INTO subnet (space_id, family, start, end, prefix_len, block_id, name, description, vlan, discovered, size)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				input.spaceId,
				span.family,
				keyBuffer(span.family, span.start),
				keyBuffer(span.family, span.end),
				input.prefix.length,
				block?.id ?? null,
				text(input.name, 'the name'),
				text(input.description, 'the description'),
				vlanOf(input.vlan),
				input.discovered ? 1 : 0,
				subnetSize(span.family, input.prefix.length),
			],
		);
		await adoptChildren(tx, [id]);
		if (block) await refreshGapsAround(tx, block.id, span);
		const outer = (await containingPrefixes(tx, 'subnet', input.spaceId, span, { strict: true }))[0];
		const simple = block && !outer && (await deltaFits(tx, id, span, input.prefix.length));
		await refreshUtilization(tx, { subnets: outer ? [id, outer.id] : [id], rangesInSubnets: [id], blocks: block && !simple ? [block.id] : [] });
		if (block && simple) await adjustBlocks(tx, block.id, allocationOf(span.family, input.prefix.length, 1));
		const row = (await getSubnet(tx, id))!;
		await audit(tx, { action: 'create', kind: 'subnet', id, summary: `subnet ${cidr}`, after: row }, options);
		return row;
	});
}

export async function editSubnet(store: Store, id: number, changes: SubnetChanges, options: ChangeOptions = {}): Promise<SubnetRow> {
	return store.transaction(async tx => {
		const before = await getSubnet(tx, id);
		if (!before) throw notFound(`no subnet with id ${id}`);
		await tx.run('UPDATE subnet SET name = ?, description = ?, vlan = ?, updated_at = unixepoch() WHERE id = ?', [
			changes.name === undefined ? before.name : text(changes.name, 'the name'),
			changes.description === undefined ? before.description : text(changes.description, 'the description'),
			changes.vlan === undefined ? before.vlan : vlanOf(changes.vlan),
			id,
		]);
		const after = (await getSubnet(tx, id))!;
		await audit(tx, { action: 'update', kind: 'subnet', id, summary: `subnet ${subnetCidr(before)}`, before, after }, options);
		return after;
	});
}

/** Deletes a subnet; its ranges and addresses move to the next subnet containing them (normally none). */
export async function deleteSubnet(store: Store, id: number, options: ChangeOptions = {}): Promise<SubnetRow> {
	return store.transaction(async tx => {
		const before = await getSubnet(tx, id);
		if (!before) throw notFound(`no subnet with id ${id}`);
		const span = { family: before.family, start: keyValue(before.start), end: keyValue(before.end) };
		const outer = (await containingPrefixes(tx, 'subnet', before.space_id, span, { strict: true }))[0];
		const simple = before.block_id && !outer && (await deltaFits(tx, id, span, before.prefix_len));
		await tx.run('UPDATE range SET subnet_id = ? WHERE subnet_id = ?', [outer?.id ?? null, id]);
		await tx.run('UPDATE address SET subnet_id = ? WHERE subnet_id = ?', [outer?.id ?? null, id]);
		await tx.run(`DELETE FROM custom_field_value WHERE object_kind = 'subnet' AND object_id = ?`, [id]);
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'subnet' AND object_id = ?`, [id]);
		await tx.run('DELETE FROM subnet WHERE id = ?', [id]);
		if (before.block_id) await refreshGapsAround(tx, before.block_id, span);
		await refreshUtilization(tx, { subnets: outer ? [outer.id] : [], blocks: before.block_id && !simple ? [before.block_id] : [] });
		if (before.block_id && simple) {
			await adjustBlocks(tx, before.block_id, { ...allocationOf(before.family, before.prefix_len, -1), used: -before.used });
		}
		await audit(tx, { action: 'delete', kind: 'subnet', id, summary: `subnet ${subnetCidr(before)}`, before }, options);
		return before;
	});
}

/**
 * Whether a subnet's arrival or removal changes its blocks by plain deltas: no other subnet nests with
 * it, it holds no address records (they would move between subnet and loose counts), and it is not an
 * IPv6 subnet longer than /64 (whose /64 other subnets may share).
 */
async function deltaFits(tx: Store, id: number, span: Span, length: number): Promise<boolean> {
	if (span.family === 6 && length > 64) return false;
	const other = await tx.get('SELECT 1 FROM subnet s, subnet me WHERE me.id = ? AND s.space_id = me.space_id AND s.family = me.family AND s.start BETWEEN me.start AND me.end AND s.id <> me.id LIMIT 1', [id]);
	if (other) return false;
	return !(await tx.get('SELECT 1 FROM address WHERE subnet_id = ? LIMIT 1', [id]));
}

/** What one subnet adds to (sign 1) or takes from (-1) its blocks' allocation. */
function allocationOf(family: Family, length: number, sign: 1 | -1): { addresses: number; n64: number } {
	return { addresses: sign * subnetSize(family, length), n64: family === 6 && length <= 64 ? sign * 2 ** (64 - length) : 0 };
}

/** Ranges and addresses inside the given subnets that had no subnet, or a larger one, move into them. */
export async function adoptChildren(tx: Store, subnetIds: number[]): Promise<void> {
	const larger = (c: string) => `c.${c} IS NULL OR (SELECT o.prefix_len FROM subnet o WHERE o.id = c.${c}) < p.prefix_len`;
	await adoptInto(tx, { child: 'range', column: 'subnet_id', parent: 'subnet', lo: 'start', hi: 'end', when: larger('subnet_id') }, subnetIds);
	await adoptInto(tx, { child: 'address', column: 'subnet_id', parent: 'subnet', lo: 'ip', hi: 'ip', when: larger('subnet_id') }, subnetIds);
}

interface Sorted extends Interval {
	index: number;
	row: SubnetUpsert;
}

export async function upsertSubnets(
	tx: Store,
	rows: SubnetUpsert[],
	options: ChangeOptions & { allowOverlap?: boolean } = {},
): Promise<{ created: number; updated: number; ids: number[]; rejected: { index: number; message: string }[] }> {
	const rejected: { index: number; message: string }[] = [];
	const ids: number[] = rows.map(() => 0);
	if (rows.length === 0) return { created: 0, updated: 0, ids, rejected };
	return tx.transaction(async () => {
		const groups = new Map<string, Sorted[]>();
		rows.forEach((row, index) => {
			const s = prefixSpan(row.prefix);
			const key = `${row.spaceId}:${s.family}`;
			if (!groups.has(key)) groups.set(key, []);
			groups.get(key)!.push({ start: s.start, end: s.end, index, row });
		});
		const data: unknown[][] = [];
		const accepted: Sorted[] = [];
		for (const [key, items] of groups) {
			const [spaceId, family] = key.split(':').map(Number) as [number, Family];
			items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
			const blocks = await loadSpans(tx, 'block', spaceId, family);
			let keep = items;
			if (!options.allowOverlap) keep = await dropOverlaps(tx, spaceId, family, items, rejected);
			const owners = assignContainers(blocks, keep);
			keep.forEach((item, i) => {
				const r = item.row;
				data.push([
					spaceId,
					family,
					keyHex(family, item.start),
					keyHex(family, item.end),
					r.prefix.length,
					owners[i]?.id ?? null,
					r.name ?? '',
					r.description ?? '',
					r.vlan ?? null,
					r.discovered ? 1 : 0,
					subnetSize(family, r.prefix.length),
				]);
				accepted.push(item);
			});
		}
		const before = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM subnet'))!.n;
		const maxBefore = (await tx.get<{ m: number | null }>('SELECT max(id) AS m FROM subnet'))?.m ?? 0;
		await tx.insertMany(
			'subnet',
			['space_id', 'family', { name: 'start', blob: true }, { name: 'end', blob: true }, 'prefix_len', 'block_id', 'name', 'description', 'vlan', 'discovered', 'size'],
			data,
			{
				// A discovered row only fills blanks: a collector must not overwrite what a person wrote.
				upsert: `ON CONFLICT (space_id, family, start, prefix_len) DO UPDATE SET
					name = CASE WHEN excluded.discovered = 1 AND name <> '' THEN name ELSE excluded.name END,
					description = CASE WHEN excluded.discovered = 1 AND description <> '' THEN description ELSE excluded.description END,
					vlan = coalesce(excluded.vlan, vlan), discovered = min(discovered, excluded.discovered), block_id = excluded.block_id, updated_at = unixepoch()`,
			},
		);
		const created = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM subnet'))!.n - before;
		await resolveIds(tx, accepted, ids);
		const accIds = accepted.map(a => ids[a.index]);
		await adoptChildren(tx, accIds);
		const blockIds = await tx.all<{ block_id: number }>(
			'SELECT DISTINCT s.block_id FROM json_each(?) j CROSS JOIN subnet s ON s.id = j.value WHERE s.block_id IS NOT NULL',
			[JSON.stringify(accIds)],
		);
		await rebuildFreeGaps(tx, blockIds.map(b => b.block_id));
		// A collector re-sends the same subnets every cycle: only the ones it created are news.
		const audited = options.source === 'collector' ? accepted.filter(a => ids[a.index] > maxBefore) : accepted;
		await auditMany(
			tx,
			audited.map(a => ({
				action: 'import' as const,
				kind: 'subnet',
				id: ids[a.index],
				summary: `subnet ${formatPrefix(a.row.prefix)}`,
				after: { ...a.row, prefix: formatPrefix(a.row.prefix) },
			})),
			options,
		);
		return { created, updated: accepted.length - created, ids, rejected };
	});
}

async function dropOverlaps(tx: Store, spaceId: number, family: Family, items: Sorted[], rejected: { index: number; message: string }[]): Promise<Sorted[]> {
	const mine = new Set(items.map(i => `${i.start}:${i.end}`));
	const existing = (await loadSpans(tx, 'subnet', spaceId, family)).filter(e => !mine.has(`${e.start}:${e.end}`));
	const hits = firstOverlaps(existing, items);
	const keep: Sorted[] = [];
	let reach: Sorted | undefined;
	items.forEach((item, i) => {
		const cidr = formatPrefix(item.row.prefix);
		if (hits[i]) {
			const e = hits[i]!;
			rejected.push({ index: item.index, message: `subnet ${cidr} overlaps stored subnet ${formatSpanCompact({ family, start: e.start, end: e.end })} (id ${e.id})` });
		} else if (reach && reach.end >= item.start) {
			rejected.push({ index: item.index, message: `subnet ${cidr} overlaps ${formatPrefix(reach.row.prefix)} earlier in the same batch` });
		} else {
			keep.push(item);
			if (!reach || item.end > reach.end) reach = item;
		}
	});
	return keep;
}

async function resolveIds(tx: Store, items: Sorted[], ids: number[]): Promise<void> {
	for (let i = 0; i < items.length; i += 10_000) {
		const part = items.slice(i, i + 10_000);
		const found = await tx.all<{ k: number; id: number }>(
			`SELECT j.key AS k, s.id FROM json_each(?) j CROSS JOIN subnet s
				ON s.space_id = j.value->>0 AND s.family = j.value->>1 AND s.start = unhex(j.value->>2) AND s.prefix_len = j.value->>3`,
			[JSON.stringify(part.map(p => [p.row.spaceId, p.row.prefix.family, keyHex(p.row.prefix.family, p.start), p.row.prefix.length]))],
		);
		for (const f of found) ids[part[f.k].index] = f.id;
	}
}
