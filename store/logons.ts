// Logon history writes: interning accounts and workstation names, the batched logon_event insert, and the
// domain controllers' read cursors (collect_cursor) committed with the rows.
import type { Store } from './database.js';
import { accountKey, isComputerAccount, type LogonRecord } from '../source/domain/logon.js';
import { parseAddress, addressKeyHex } from '../source/domain/ip.js';
import type { LogonCursor } from '../source/collectors/windows-logons/index.js';

export interface LogonInsertResult {
	/** Rows written (re-read records already stored are not counted). */
	inserted: number;
	/** Records skipped because the account is a computer account (name ends in $). */
	computerAccounts: number;
}

const CHUNK = 20_000;

/**
 * Interns names into a `(id, name UNIQUE, name_lc …)` table and returns name → id. One batched INSERT OR IGNORE
 * and one lookup per chunk, inside the caller's transaction.
 */
async function intern(tx: Store, table: 'host' | 'user_account', rows: Map<string, unknown[]>): Promise<Map<string, number>> {
	const ids = new Map<string, number>();
	if (rows.size === 0) return ids;
	const columns = table === 'host' ? ['name', 'name_lc'] : ['name', 'domain', 'name_lc'];
	await tx.insertMany(table, columns, [...rows.values()], { conflict: 'ignore' });
	const names = [...rows.keys()];
	for (let i = 0; i < names.length; i += 10_000) {
		const found = await tx.all<{ id: number; name: string }>(
			`SELECT id, name FROM ${table} WHERE name IN (SELECT value FROM json_each(?))`,
			[JSON.stringify(names.slice(i, i + 10_000))],
		);
		for (const r of found) ids.set(r.name, r.id);
	}
	return ids;
}

/** Interns host names as given (the lease ingest does the same), returning name → host.id. */
export async function internHosts(tx: Store, names: Iterable<string>): Promise<Map<string, number>> {
	const rows = new Map<string, unknown[]>();
	for (const n of names) rows.set(n, [n, n.toLowerCase()]);
	return intern(tx, 'host', rows);
}

/**
 * Writes logon records in batches, in one transaction: the store never holds half an import.
 * Computer accounts are dropped (they name machines, not people). Re-reading the same events is harmless.
 */
export async function insertLogons(store: Store, records: LogonRecord[]): Promise<LogonInsertResult> {
	let inserted = 0;
	let computerAccounts = 0;
	await store.transaction(async tx => {
		for (let i = 0; i < records.length; i += CHUNK) {
			const chunk = records.slice(i, i + CHUNK).filter(r => {
				if (!isComputerAccount(r.user)) return true;
				computerAccounts++;
				return false;
			});
			const users = new Map<string, unknown[]>();
			const hosts = new Map<string, unknown[]>();
			for (const r of chunk) {
				const key = accountKey(r.user, r.domain);
				if (!users.has(key)) users.set(key, [key, r.domain, r.user.toLowerCase()]);
				if (r.host && !hosts.has(r.host)) hosts.set(r.host, [r.host, r.host.toLowerCase()]);
			}
			const userIds = await intern(tx, 'user_account', users);
			const hostIds = await intern(tx, 'host', hosts);
			const rows = chunk.map(r => [
				r.ts,
				r.kind,
				userIds.get(accountKey(r.user, r.domain)),
				r.host ? hostIds.get(r.host) : null,
				r.family,
				r.ip ? addressKeyHex(parseAddress(r.ip)) : null,
				r.serverId ?? null,
				r.logonId ?? null,
				r.logonType ?? null,
				r.source ?? '',
			]);
			inserted += await tx.insertMany(
				'logon_event',
				['ts', 'kind', 'user_ref', 'host_ref', 'family', { name: 'ip', blob: true }, 'server_id', 'logon_id', 'logon_type', 'source'],
				rows,
				{ conflict: 'ignore' },
			);
		}
	});
	return { inserted, computerAccounts };
}

// ---------------------------------------------------------------- the domain controllers' read cursor

/** The collect_cursor source name of a domain controller's Security log. */
export const LOGON_CURSOR_SOURCE = 'security-log';

export type { LogonCursor };

export async function logonCursor(store: Store, serverId: number): Promise<LogonCursor | null> {
	const row = await store.get<{ position: string }>('SELECT position FROM collect_cursor WHERE server_id = ? AND source = ?', [serverId, LOGON_CURSOR_SOURCE]);
	if (!row) return null;
	try {
		const p = JSON.parse(row.position) as Partial<LogonCursor>;
		if (typeof p.ts !== 'number' || !Number.isFinite(p.ts)) return null;
		return { ts: p.ts, recordId: typeof p.recordId === 'number' ? p.recordId : null };
	} catch {
		// A corrupt cursor restarts from the default window; the unique index keeps re-read events single.
		return null;
	}
}

/** The later of two cursors: a backfill (`logons collect --since` long ago) never moves one back. */
export function laterCursor(a: LogonCursor | null, b: LogonCursor | null): LogonCursor | null {
	if (!a || !b) return a ?? b;
	if (a.ts !== b.ts) return a.ts > b.ts ? a : b;
	return (a.recordId ?? -1) >= (b.recordId ?? -1) ? a : b;
}

/**
 * Stores a domain controller's logon records and moves its cursor forward, in one transaction: a run that fails
 * half-way leaves neither rows nor a cursor past them.
 */
export async function insertLogonsFrom(store: Store, serverId: number, records: LogonRecord[], cursor: LogonCursor | null, now: number): Promise<LogonInsertResult> {
	return store.transaction(async tx => {
		const result = await insertLogons(tx, records);
		const next = laterCursor(await logonCursor(tx, serverId), cursor);
		if (next) {
			await tx.run(
				`INSERT INTO collect_cursor (server_id, source, position, updated_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (server_id, source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
				[serverId, LOGON_CURSOR_SOURCE, JSON.stringify(next), now],
			);
		}
		return result;
	});
}
