// Bulk writes of IP addresses: rows in address order, up to 10k a statement (INSERT … SELECT FROM jsonb_each),
// each with its parents (innermost subnet and range) merged from the containers around it; statements queued
// on SQLite's thread ahead of the one running.
//
//   insertAddresses(tx: Store, rows: AddressUpsert[], options?: ChangeOptions & { auditEach?: boolean; summary?: boolean })
//     : Promise<{ created: number; updated: number }>
//   Identity: (space, ip, managed_by, managed_by_entity); an existing row is updated. Without auditEach
//   one audit row summarises the batch (count, first and last address) — a million per-row entries
//   would double the import's cost for no reader. Utilization is left to rollupUtilization(tx).
//   AddressWriter: the same writes for a stream of batches (an import), each batch queued while earlier ones run.
import type { Param, PreparedWrite, RunResult, Store } from './database.js';
import { parentsOfSorted } from './address-parents.js';
import { audit, type ChangeOptions } from './audit.js';
import type { AddressUpsert } from './addresses.js';
import { formatValue, keyHex, type Family } from '../source/domain/ip.js';

/** A bulk column: its name and the value a row gives it (parents come from the merge, not the row). */
type BulkColumn = { name: string; blob?: boolean; value: (r: AddressUpsert, subnetId: number | null, rangeId: number | null) => unknown };

const BULK_COLUMNS: BulkColumn[] = [
	{ name: 'space_id', value: r => r.spaceId },
	{ name: 'family', value: r => r.address.family },
	{ name: 'ip', blob: true, value: r => r.key ?? keyHex(r.address.family, r.address.value) },
	{ name: 'managed_by', value: r => r.managedBy || 'IPAM' },
	{ name: 'managed_by_entity', value: r => r.managedByEntity ?? '' },
	{ name: 'mac', value: r => r.mac ?? null },
	{ name: 'client_id', value: r => r.clientId ?? null },
	{ name: 'duid', value: r => r.duid ?? null },
	{ name: 'hostname', value: r => r.hostname ?? '' },
	{ name: 'description', value: r => r.description ?? '' },
	{ name: 'assignment_type', value: r => r.assignmentType ?? 'static' },
	{ name: 'status', value: r => r.status ?? 'in-use' },
	{ name: 'device_type', value: r => r.deviceType ?? 'Host' },
	{ name: 'owner', value: r => r.owner ?? '' },
	{ name: 'asset_tag', value: r => r.assetTag ?? '' },
	{ name: 'serial_number', value: r => r.serialNumber ?? '' },
	{ name: 'assigned_at', value: r => r.assignedAt ?? null },
	{ name: 'expires_at', value: r => r.expiresAt ?? null },
	{ name: 'subnet_id', value: (_r, s) => s },
	{ name: 'range_id', value: (_r, _s, g) => g },
];

const BULK_UPSERT = `ON CONFLICT (space_id, ip, managed_by, managed_by_entity) DO UPDATE SET mac = excluded.mac, client_id = excluded.client_id,
	duid = excluded.duid, hostname = excluded.hostname, description = excluded.description, assignment_type = excluded.assignment_type,
	status = excluded.status, device_type = excluded.device_type, owner = excluded.owner, asset_tag = excluded.asset_tag,
	serial_number = excluded.serial_number, assigned_at = coalesce(excluded.assigned_at, assigned_at),
	expires_at = excluded.expires_at, updated_at = unixepoch()`;

/** Prepared statements a writer keeps before finalizing the idle ones. */
const KEPT_STATEMENTS = 16;

/** Rows per statement: big enough that statement overhead vanishes, small enough that its text stays cheap to copy. */
const BULK_CHUNK = 10_000;

const bulkStatements = new Map<number, string>();

/**
 * The INSERT for one shape of chunk: columns whose value differs between rows (bit set in `varying`)
 * come from each row's JSONB array; the others are bound once (?2 …) instead of repeated per row.
 */
function bulkSql(varying: number): string {
	let sql = bulkStatements.get(varying);
	if (sql) return sql;
	let fromRow = 0;
	let bound = 2;
	const exprs = BULK_COLUMNS.map((c, i) => {
		const e = varying & (1 << i) ? `value->>${fromRow++}` : `?${bound++}`;
		return c.blob ? `unhex(${e})` : e;
	});
	// jsonb_each hands each row over as JSONB, so ->> reads a field without parsing text again.
	sql = `INSERT INTO address (${BULK_COLUMNS.map(c => c.name).join(', ')}) SELECT ${exprs.join(', ')} FROM jsonb_each(?1) WHERE true ${BULK_UPSERT}`;
	bulkStatements.set(varying, sql);
	return sql;
}

/** One chunk as a statement: the varying columns as JSON rows, the constant ones as parameters. */
function bulkStatement(rows: AddressUpsert[], subnets: (number | null)[], ranges: (number | null)[]): { sql: string; params: Param[] } {
	let varying = 0;
	const constants: Param[] = [];
	const getters: ((i: number) => unknown)[] = [];
	BULK_COLUMNS.forEach((c, k) => {
		const at = (i: number) => c.value(rows[i], subnets[i], ranges[i]);
		const first = at(0);
		let same = true;
		for (let i = 1; i < rows.length && same; i++) same = at(i) === first;
		if (same) constants.push(first as Param);
		else {
			varying |= 1 << k;
			getters.push(at);
		}
	});
	const data = new Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const row = new Array(getters.length);
		for (let g = 0; g < getters.length; g++) row[g] = getters[g](i);
		data[i] = row;
	}
	return { sql: bulkSql(varying), params: [JSON.stringify(data), ...constants] };
}

const compareAddresses = (a: AddressUpsert, b: AddressUpsert): number =>
	a.spaceId - b.spaceId || a.address.family - b.address.family || (a.address.value < b.address.value ? -1 : a.address.value > b.address.value ? 1 : 0);

/** The rows in (space, family, address) order: parents merge along it and index pages fill in order. Stable. */
function inAddressOrder(rows: AddressUpsert[]): AddressUpsert[] {
	for (let i = 1; i < rows.length; i++) if (compareAddresses(rows[i - 1], rows[i]) > 0) return rows.slice().sort(compareAddresses);
	return rows;
}

type Parents = { subnets: (number | null)[]; ranges: (number | null)[] };
type ParentSource = (spaceId: number, family: Family, values: bigint[]) => Promise<Parents>;

/** Parents of a sorted chunk, one lookup per (space, family) run. */
async function chunkParents(rows: AddressUpsert[], source: ParentSource): Promise<Parents> {
	const subnets: (number | null)[] = [];
	const ranges: (number | null)[] = [];
	for (let start = 0; start < rows.length; ) {
		const { spaceId, address } = rows[start];
		let end = start + 1;
		while (end < rows.length && rows[end].spaceId === spaceId && rows[end].address.family === address.family) end++;
		const values = new Array<bigint>(end - start);
		for (let i = start; i < end; i++) values[i - start] = rows[i].address.value;
		const p = await source(spaceId, address.family, values);
		for (const id of p.subnets) subnets.push(id);
		for (const id of p.ranges) ranges.push(id);
		start = end;
	}
	return { subnets, ranges };
}

/**
 * Writes batches of address rows in the caller's transaction. A batch's statements are queued on
 * SQLite's thread and `write` returns; up to `depth` statements wait or run at once, each on its own
 * prepared statement, so SQLite goes from one to the next without waiting for this thread (which
 * meanwhile reads and checks the next batch). Statements of one writer may run in any order among the
 * `depth` queued: rows of different batches must not share an identity (an import's planner refuses
 * such rows). A failed statement fails the next `write` or `settle`.
 */
export class AddressWriter {
	/** Rows written or updated by statements that have finished. */
	changes = 0;
	private readonly running: Promise<RunResult>[] = [];
	private readonly idle = new Map<string, PreparedWrite[]>();
	private readonly prepared: PreparedWrite[] = [];

	constructor(
		private readonly tx: Store,
		private readonly options: { depth: number; parents?: ParentSource },
	) {}

	async write(rows: AddressUpsert[]): Promise<void> {
		const sorted = inAddressOrder(rows);
		const parents = this.options.parents ?? ((s, f, v) => parentsOfSorted(this.tx, s, f, v));
		for (let i = 0; i < sorted.length; i += BULK_CHUNK) {
			const chunk = sorted.slice(i, i + BULK_CHUNK);
			const p = await chunkParents(chunk, parents);
			const { sql, params } = bulkStatement(chunk, p.subnets, p.ranges);
			while (this.running.length >= this.options.depth) await this.finishOldest();
			const stmt = await this.statement(sql);
			const run = stmt.run(params);
			this.running.push(run);
			const release = () => this.idle.get(sql)!.push(stmt);
			// Settled by finishOldest in order; until then a failure must not count as unhandled.
			run.then(release, release);
		}
	}

	/** Waits for every queued statement and finalizes the prepared ones; throws the first failure (after all have stopped). */
	async settle(): Promise<void> {
		let failure: unknown;
		while (this.running.length > 0) await this.finishOldest().catch(err => (failure ??= err));
		const prepared = this.prepared.splice(0);
		this.idle.clear();
		await Promise.all(prepared.map(s => s.finalize()));
		if (failure !== undefined) throw failure;
	}

	private async finishOldest(): Promise<void> {
		this.changes += (await this.running.shift()!).changes;
	}

	private async statement(sql: string): Promise<PreparedWrite> {
		let free = this.idle.get(sql);
		if (!free) this.idle.set(sql, (free = []));
		const stmt = free.pop();
		if (stmt) return stmt;
		if (this.prepared.length >= KEPT_STATEMENTS) await this.finalizeIdle();
		const made = await this.tx.prepare(sql);
		this.prepared.push(made);
		return made;
	}

	/** Finalizes the statements no run is using (a file whose batches differ in which columns vary makes a shape each). */
	private async finalizeIdle(): Promise<void> {
		const idle = new Set([...this.idle.values()].flatMap(list => list.splice(0)));
		this.prepared.splice(0, this.prepared.length, ...this.prepared.filter(s => !idle.has(s)));
		await Promise.all([...idle].map(s => s.finalize()));
	}
}

export interface BulkAuditOptions {
	/** One audit row per written address instead of one summary. */
	auditEach?: boolean;
	/** false: no summary row either — the caller writes its own (an import summarises all its batches once). */
	summary?: boolean;
}

/**
 * Rows must be valid (normaliseFields); invalid enum values are refused by the schema's CHECKs. Rows
 * are written in address order, 10k a statement; the next chunk is prepared while SQLite writes one.
 */
export async function insertAddresses(
	tx: Store,
	rows: AddressUpsert[],
	options: ChangeOptions & BulkAuditOptions = {},
): Promise<{ created: number; updated: number }> {
	if (rows.length === 0) return { created: 0, updated: 0 };
	return tx.transaction(async () => {
		const maxBefore = (await tx.get<{ m: number | null }>('SELECT max(id) AS m FROM address'))?.m ?? 0;
		// One statement at a time: rows repeating an identity may fall in two chunks, and the later must win.
		const writer = new AddressWriter(tx, { depth: 1 });
		try {
			await writer.write(rows);
			await writer.settle();
		} catch (err) {
			// Never leave a statement running behind an error: the caller's rollback follows it.
			await writer.settle().catch(() => undefined);
			throw err;
		}
		const total = writer.changes;
		const created = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM address WHERE id > ?', [maxBefore]))!.n;
		if (options.auditEach) {
			await tx.run(
				`INSERT INTO audit (actor, source, action, object_kind, object_id, summary, after)
					SELECT ?, ?, 'import', 'address', id, 'address ' || hex(ip), NULL FROM address WHERE id > ?`,
				[tx.actor, options.source ?? 'import', maxBefore],
			);
		} else if (options.summary !== false) {
			const first = rows[0].address;
			const last = rows[rows.length - 1].address;
			await audit(
				tx,
				{
					action: 'import',
					kind: 'address',
					id: null,
					summary: `${rows.length} addresses (${created} new)`,
					after: { count: rows.length, created, first: formatValue(first.family, first.value), last: formatValue(last.family, last.value) },
				},
				{ source: options.source ?? 'import' },
			);
		}
		return { created, updated: total - created };
	});
}
