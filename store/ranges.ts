// Ranges: start–end runs inside a subnet (static, DHCP pools, reserved). CRUD with auto-parenting
// (subnet_id = the subnet holding the whole range), overlap rules, and bulk upsert for import and ingest.
//
// Bulk API (caller's transaction; parents by sorted merge; utilization left to rollupUtilization(tx)):
//   upsertRanges(tx: Store, rows: RangeUpsert[], options?: ChangeOptions & { allowOverlap?: boolean })
//     : Promise<{ created: number; updated: number; ids: number[]; rejected: { index: number; message: string }[] }>
//   Identity: (server_id, scope_key) for collected scopes, else (space, start, end, managed_by, managed_by_entity).
//   Manual rows that overlap a stored range or an earlier row, or cross a subnet boundary, are rejected;
//   discovered rows (allowOverlap, or discovered: true) are written as they come.
import type { Store } from './database.js';
import { audit, auditMany, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import { adoptInto, assignContainers, containingPrefixes, firstOverlaps, keyValue, loadSpans, type Interval } from './containment.js';
import { overlappingSubnet, subnetCidr } from './subnets.js';
import { refreshUtilization } from './utilization.js';
import { formatSpan, formatSpanCompact, keyBuffer, keyHex, type Family, type Span } from '../source/domain/ip.js';

export type RangeAssignment = 'static' | 'dynamic' | 'reserved';
export const RANGE_ASSIGNMENTS: RangeAssignment[] = ['static', 'dynamic', 'reserved'];

export interface RangeRow {
	id: number;
	space_id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
	subnet_id: number | null;
	name: string;
	description: string;
	managed_by: string;
	managed_by_entity: string;
	assignment_type: RangeAssignment;
	server_id: number | null;
	scope_key: string | null;
	config: string;
	discovered: number;
	size: number;
	used: number;
	reported_used: number | null;
	created_at: number;
	updated_at: number;
}

export interface RangeInput {
	spaceId: number;
	span: Span;
	name?: string;
	description?: string;
	managedBy?: string;
	managedByEntity?: string;
	assignmentType?: RangeAssignment;
	serverId?: number | null;
	scopeKey?: string | null;
	/** JSON text or an object (options, lease time … as collected). */
	config?: string | Record<string, unknown>;
	discovered?: boolean;
	reportedUsed?: number | null;
}

export type RangeUpsert = RangeInput;

export interface RangeChanges {
	name?: string;
	description?: string;
	managedBy?: string;
	managedByEntity?: string;
	assignmentType?: RangeAssignment;
}

export function rangeSpan(row: Pick<RangeRow, 'family' | 'start' | 'end'>): Span {
	return { family: row.family, start: keyValue(row.start), end: keyValue(row.end) };
}

export function rangeText(row: Pick<RangeRow, 'family' | 'start' | 'end'>): string {
	return formatSpan(rangeSpan(row));
}

export async function getRange(store: Store, id: number): Promise<RangeRow | undefined> {
	return store.get<RangeRow>('SELECT * FROM range WHERE id = ?', [id]);
}

/** Ranges with exactly this span (several when managed by different services). */
export async function findRanges(store: Store, spaceId: number, span: Span): Promise<RangeRow[]> {
	return store.all<RangeRow>('SELECT * FROM range WHERE space_id = ? AND family = ? AND start = ? AND end = ? ORDER BY id', [
		spaceId,
		span.family,
		keyBuffer(span.family, span.start),
		keyBuffer(span.family, span.end),
	]);
}

export interface RangeQuery {
	spaceId: number;
	family?: Family;
	within?: Span;
	subnetId?: number;
	after?: { family: Family; start: bigint; id: number };
	limit?: number;
}

export async function listRanges(store: Store, q: RangeQuery): Promise<RangeRow[]> {
	const where = ['space_id = ?'];
	const params: (number | Buffer)[] = [q.spaceId];
	const family = q.within?.family ?? q.family;
	if (family) where.push('family = ?'), params.push(family);
	if (q.within) {
		where.push('start >= ? AND end <= ?');
		params.push(keyBuffer(q.within.family, q.within.start), keyBuffer(q.within.family, q.within.end));
	}
	if (q.subnetId !== undefined) where.push('subnet_id = ?'), params.push(q.subnetId);
	if (q.after) {
		where.push('(family, start, id) > (?, ?, ?)');
		params.push(q.after.family, keyBuffer(q.after.family, q.after.start), q.after.id);
	}
	return store.all<RangeRow>(`SELECT * FROM range WHERE ${where.join(' AND ')} ORDER BY family, start, id LIMIT ?`, [...params, q.limit ?? 1000]);
}

function text(value: string | undefined, what: string, fallback = ''): string {
	const t = (value ?? fallback).trim();
	if (t.length > 200) throw invalid(`${what} is longer than 200 characters`);
	return t;
}

function assignment(v: string | undefined): RangeAssignment {
	const a = (v ?? 'static').toLowerCase();
	if (a === 'dhcp') return 'dynamic';
	if (!(RANGE_ASSIGNMENTS as string[]).includes(a)) throw invalid(`assignment type "${v}" is not one of ${RANGE_ASSIGNMENTS.join(', ')}`);
	return a as RangeAssignment;
}

function configText(c: RangeInput['config']): string {
	if (c === undefined) return '{}';
	return typeof c === 'string' ? c : JSON.stringify(c);
}

/** The first stored range overlapping the span, or undefined (ranges are few per subnet: bounded scans). */
export async function overlappingRange(store: Store, spaceId: number, span: Span, excludeId?: number): Promise<RangeRow | undefined> {
	const s = keyBuffer(span.family, span.start);
	const e = keyBuffer(span.family, span.end);
	const inside = await store.get<RangeRow>(
		'SELECT * FROM range WHERE space_id = ? AND family = ? AND start BETWEEN ? AND ? AND id IS NOT ? ORDER BY start LIMIT 1',
		[spaceId, span.family, s, e, excludeId ?? null],
	);
	if (inside) return inside;
	const before = await store.get<RangeRow>(
		'SELECT * FROM range WHERE space_id = ? AND family = ? AND start < ? AND id IS NOT ? ORDER BY start DESC LIMIT 1',
		[spaceId, span.family, s, excludeId ?? null],
	);
	return before && keyValue(before.end) >= span.start ? before : undefined;
}

export async function addRange(store: Store, input: RangeInput, options: ChangeOptions = {}): Promise<RangeRow> {
	return store.transaction(async tx => {
		const span = input.span;
		const label = formatSpan(span);
		if (span.start > span.end) throw invalid(`range ${label} is reversed: the start is after the end`);
		const managedBy = text(input.managedBy, 'managed-by', 'IPAM');
		const entity = text(input.managedByEntity, 'managed-by entity');
		const same = (await findRanges(tx, input.spaceId, span)).find(r => r.managed_by === managedBy && r.managed_by_entity === entity);
		if (same) throw conflict(`range ${label} managed by ${managedBy} already exists (id ${same.id})`);
		if (!input.discovered) {
			const other = await overlappingRange(tx, input.spaceId, span);
			if (other) throw conflict(`range ${label} overlaps range ${rangeText(other)} (id ${other.id}${other.name ? `, "${other.name}"` : ''})`);
		}
		const subnet = (await containingPrefixes(tx, 'subnet', input.spaceId, span))[0];
		if (!subnet) {
			const crossed = await overlappingSubnet(tx, input.spaceId, span);
			if (crossed) throw conflict(`range ${label} crosses the boundary of subnet ${subnetCidr(crossed)} (id ${crossed.id}); a range must lie inside one subnet`);
		}
		const { lastID: id } = await tx.run(
			`INSERT INTO range (space_id, family, start, end, subnet_id, name, description, managed_by, managed_by_entity, assignment_type,
				server_id, scope_key, config, discovered, size, reported_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				input.spaceId,
				span.family,
				keyBuffer(span.family, span.start),
				keyBuffer(span.family, span.end),
				subnet?.id ?? null,
				text(input.name, 'the name'),
				text(input.description, 'the description'),
				managedBy,
				entity,
				assignment(input.assignmentType),
				input.serverId ?? null,
				input.scopeKey ?? null,
				configText(input.config),
				input.discovered ? 1 : 0,
				Number(span.end - span.start + 1n),
				input.reportedUsed ?? null,
			],
		);
		await adoptAddresses(tx, [id]);
		await refreshUtilization(tx, { ranges: [id], subnets: subnet ? [subnet.id] : [] });
		const row = (await getRange(tx, id))!;
		await audit(tx, { action: 'create', kind: 'range', id, summary: `range ${label}`, after: row }, options);
		return row;
	});
}

export async function editRange(store: Store, id: number, changes: RangeChanges, options: ChangeOptions = {}): Promise<RangeRow> {
	return store.transaction(async tx => {
		const before = await getRange(tx, id);
		if (!before) throw notFound(`no range with id ${id}`);
		await tx.run(
			`UPDATE range SET name = ?, description = ?, managed_by = ?, managed_by_entity = ?, assignment_type = ?, updated_at = unixepoch() WHERE id = ?`,
			[
				changes.name === undefined ? before.name : text(changes.name, 'the name'),
				changes.description === undefined ? before.description : text(changes.description, 'the description'),
				changes.managedBy === undefined ? before.managed_by : text(changes.managedBy, 'managed-by', 'IPAM'),
				changes.managedByEntity === undefined ? before.managed_by_entity : text(changes.managedByEntity, 'managed-by entity'),
				changes.assignmentType === undefined ? before.assignment_type : assignment(changes.assignmentType),
				id,
			],
		).catch(err => {
			if (/UNIQUE/.test(String(err))) throw conflict(`another range ${rangeText(before)} already has that managed-by and entity`);
			throw err;
		});
		const after = (await getRange(tx, id))!;
		await audit(tx, { action: 'update', kind: 'range', id, summary: `range ${rangeText(before)}`, before, after }, options);
		return after;
	});
}

export async function deleteRange(store: Store, id: number, options: ChangeOptions = {}): Promise<RangeRow> {
	return store.transaction(async tx => {
		const before = await getRange(tx, id);
		if (!before) throw notFound(`no range with id ${id}`);
		for (const table of ['address', 'lease', 'reservation']) await tx.run(`UPDATE ${table} SET range_id = NULL WHERE range_id = ?`, [id]);
		await tx.run(`DELETE FROM custom_field_value WHERE object_kind = 'range' AND object_id = ?`, [id]);
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'range' AND object_id = ?`, [id]);
		await tx.run('DELETE FROM range WHERE id = ?', [id]);
		// Addresses of the deleted range may sit in another (discovered, overlapping) one.
		const others = await tx.all<{ id: number }>(
			'SELECT id FROM range WHERE space_id = ? AND family = ? AND start <= ? AND end >= ?',
			[before.space_id, before.family, before.end, before.start],
		);
		await adoptAddresses(tx, others.map(o => o.id));
		await refreshUtilization(tx, { ranges: others.map(o => o.id), subnets: before.subnet_id ? [before.subnet_id] : [] });
		await audit(tx, { action: 'delete', kind: 'range', id, summary: `range ${rangeText(before)}`, before }, options);
		return before;
	});
}

/** Addresses, current leases and reservations inside the given ranges that have no range take them. */
export async function adoptAddresses(tx: Store, rangeIds: number[]): Promise<void> {
	if (rangeIds.length === 0) return;
	for (const child of ['address', 'reservation'] as const) {
		await adoptInto(tx, { child, column: 'range_id', parent: 'range', lo: 'ip', hi: 'ip', when: 'c.range_id IS NULL' }, rangeIds);
	}
	// Leases (keyed by address, no rowid) normally arrive with their range; link any that did not.
	await tx.run(
		`UPDATE lease SET range_id = (SELECT x.id FROM (SELECT r.id, r.end FROM range r WHERE r.space_id = lease.space_id AND r.family = lease.family
			AND r.start <= lease.ip ORDER BY r.start DESC LIMIT 1) x WHERE x.end >= lease.ip) WHERE range_id IS NULL`,
	);
}

interface Sorted extends Interval {
	index: number;
	row: RangeUpsert;
}

export async function upsertRanges(
	tx: Store,
	rows: RangeUpsert[],
	options: ChangeOptions & { allowOverlap?: boolean } = {},
): Promise<{ created: number; updated: number; ids: number[]; rejected: { index: number; message: string }[] }> {
	const rejected: { index: number; message: string }[] = [];
	const ids = rows.map(() => 0);
	if (rows.length === 0) return { created: 0, updated: 0, ids, rejected };
	return tx.transaction(async () => {
		const groups = new Map<string, Sorted[]>();
		rows.forEach((row, index) => {
			if (row.span.start > row.span.end) {
				rejected.push({ index, message: `range ${formatSpan(row.span)} is reversed: the start is after the end` });
				return;
			}
			try {
				assignment(row.assignmentType);
			} catch (err) {
				rejected.push({ index, message: (err as Error).message });
				return;
			}
			const key = `${row.spaceId}:${row.span.family}`;
			if (!groups.has(key)) groups.set(key, []);
			groups.get(key)!.push({ start: row.span.start, end: row.span.end, index, row });
		});
		const scoped: unknown[][] = [];
		const manual: unknown[][] = [];
		const accepted: Sorted[] = [];
		for (const [key, items] of groups) {
			const [spaceId, family] = key.split(':').map(Number) as [number, Family];
			items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
			const subnets = await loadSpans(tx, 'subnet', spaceId, family);
			const owners = assignContainers(subnets, items);
			let keep = items.map((item, i) => ({ item, owner: owners[i] }));
			const strict = (s: Sorted) => !options.allowOverlap && !s.row.discovered;
			// A manual range outside every subnet must not cross one.
			const crossing = firstOverlaps(subnets, items);
			keep = keep.filter(({ item, owner }, i) => {
				if (!owner && crossing[i] && strict(item)) {
					rejected.push({ index: item.index, message: `range ${formatSpan(item.row.span)} crosses the boundary of subnet ${formatSpanCompact({ family, start: crossing[i]!.start, end: crossing[i]!.end })}` });
					return false;
				}
				return true;
			});
			if (keep.some(k => strict(k.item))) {
				const mine = new Set(keep.map(k => `${k.item.start}:${k.item.end}`));
				const existing = (await loadSpans(tx, 'range', spaceId, family)).filter(e => !mine.has(`${e.start}:${e.end}`));
				const hits = firstOverlaps(existing, keep.map(k => k.item));
				let reach: Sorted | undefined;
				keep = keep.filter(({ item }, i) => {
					if (!strict(item)) return true;
					const label = formatSpan(item.row.span);
					if (hits[i]) {
						rejected.push({ index: item.index, message: `range ${label} overlaps stored range ${formatSpan({ family, start: hits[i]!.start, end: hits[i]!.end })} (id ${hits[i]!.id})` });
						return false;
					}
					if (reach && reach.end >= item.start && !(reach.start === item.start && reach.end === item.end)) {
						rejected.push({ index: item.index, message: `range ${label} overlaps ${formatSpan(reach.row.span)} earlier in the same batch` });
						return false;
					}
					if (!reach || item.end > reach.end) reach = item;
					return true;
				});
			}
			for (const { item, owner } of keep) {
				const r = item.row;
				const values = [
					spaceId,
					family,
					keyHex(family, item.start),
					keyHex(family, item.end),
					owner?.id ?? null,
					r.name ?? '',
					r.description ?? '',
					r.managedBy ?? 'IPAM',
					r.managedByEntity ?? '',
					assignment(r.assignmentType),
					r.serverId ?? null,
					r.scopeKey ?? null,
					configText(r.config),
					r.discovered ? 1 : 0,
					Number(item.end - item.start + 1n),
					r.reportedUsed ?? null,
				];
				(r.serverId ? scoped : manual).push(values);
				accepted.push(item);
			}
		}
		const columns = [
			'space_id', 'family', { name: 'start', blob: true }, { name: 'end', blob: true }, 'subnet_id', 'name', 'description', 'managed_by',
			'managed_by_entity', 'assignment_type', 'server_id', 'scope_key', 'config', 'discovered', 'size', 'reported_used',
		];
		const update = `name = excluded.name, description = excluded.description, assignment_type = excluded.assignment_type,
			subnet_id = excluded.subnet_id, config = excluded.config, reported_used = excluded.reported_used, updated_at = unixepoch()`;
		const before = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM range'))!.n;
		const maxBefore = (await tx.get<{ m: number | null }>('SELECT max(id) AS m FROM range'))?.m ?? 0;
		await tx.insertMany('range', columns, manual, {
			upsert: `ON CONFLICT (space_id, family, start, end, managed_by, managed_by_entity) WHERE server_id IS NULL DO UPDATE SET ${update}`,
		});
		await tx.insertMany('range', columns, scoped, {
			upsert: `ON CONFLICT (server_id, scope_key) WHERE server_id IS NOT NULL DO UPDATE SET ${update}, start = excluded.start, end = excluded.end,
				family = excluded.family, size = excluded.size, managed_by = excluded.managed_by, managed_by_entity = excluded.managed_by_entity`,
		});
		const created = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM range'))!.n - before;
		await resolveIds(tx, accepted, ids);
		await adoptAddresses(tx, accepted.map(a => ids[a.index]));
		// A collector re-sends the same scopes every cycle: only the ones it created are news.
		const audited = options.source === 'collector' ? accepted.filter(a => ids[a.index] > maxBefore) : accepted;
		await auditMany(
			tx,
			audited.map(a => ({ action: 'import' as const, kind: 'range', id: ids[a.index], summary: `range ${formatSpan(a.row.span)}`, after: { ...a.row, span: formatSpan(a.row.span) } })),
			options,
		);
		return { created, updated: accepted.length - created, ids, rejected };
	});
}

async function resolveIds(tx: Store, items: Sorted[], ids: number[]): Promise<void> {
	const scoped = items.filter(i => i.row.serverId);
	const manual = items.filter(i => !i.row.serverId);
	for (let i = 0; i < scoped.length; i += 10_000) {
		const part = scoped.slice(i, i + 10_000);
		const found = await tx.all<{ k: number; id: number }>(
			`SELECT j.key AS k, r.id FROM json_each(?) j CROSS JOIN range r ON r.server_id = j.value->>0 AND r.scope_key = j.value->>1`,
			[JSON.stringify(part.map(p => [p.row.serverId, p.row.scopeKey ?? null]))],
		);
		for (const f of found) ids[part[f.k].index] = f.id;
	}
	for (let i = 0; i < manual.length; i += 10_000) {
		const part = manual.slice(i, i + 10_000);
		const found = await tx.all<{ k: number; id: number }>(
			`SELECT j.key AS k, r.id FROM json_each(?) j CROSS JOIN range r ON r.server_id IS NULL AND r.space_id = j.value->>0
				AND r.family = j.value->>1 AND r.start = unhex(j.value->>2) AND r.end = unhex(j.value->>3)
				AND r.managed_by = j.value->>4 AND r.managed_by_entity = j.value->>5`,
			[
				JSON.stringify(
					part.map(p => [p.row.spaceId, p.row.span.family, keyHex(p.row.span.family, p.start), keyHex(p.row.span.family, p.end), p.row.managedBy ?? 'IPAM', p.row.managedByEntity ?? '']),
				),
			],
		);
		for (const f of found) ids[part[f.k].index] = f.id;
	}
}
