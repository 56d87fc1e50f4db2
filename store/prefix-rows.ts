// Lookups shared by the two prefix tables (block, subnet): by exact prefix, and key-paged lists.
import type { Store } from './database.js';
import { formatPrefix, keyBuffer, prefixSpan, type Family, type Prefix } from '../source/domain/ip.js';
import { keyValue } from './containment.js';

type PrefixColumns = { family: Family; start: Uint8Array; prefix_len: number };

/** A block or subnet row's prefix, from its key columns. */
export function rowPrefix(row: PrefixColumns): Prefix {
	return { family: row.family, network: keyValue(row.start), length: row.prefix_len };
}

export function rowCidr(row: PrefixColumns): string {
	return formatPrefix(rowPrefix(row));
}

export async function findPrefixRow<R>(store: Store, table: 'block' | 'subnet', spaceId: number, prefix: Prefix): Promise<R | undefined> {
	return store.get<R>(`SELECT * FROM ${table} WHERE space_id = ? AND family = ? AND start = ? AND prefix_len = ?`, [
		spaceId,
		prefix.family,
		keyBuffer(prefix.family, prefix.network),
		prefix.length,
	]);
}

export interface PrefixQuery {
	spaceId: number;
	family?: Family;
	/** Only rows inside this prefix (inclusive). */
	within?: Prefix;
	/** Key of the last row of the previous page. */
	after?: { family: Family; start: bigint; prefixLen: number };
	limit?: number;
}

/** One page in address order (family, start, prefix length), by key; `extra` adds conditions. */
export async function listPrefixRows<R>(
	store: Store,
	table: 'block' | 'subnet',
	q: PrefixQuery,
	extra: { sql: string; params: (number | Buffer)[] }[] = [],
): Promise<R[]> {
	const where = ['space_id = ?'];
	const params: (number | Buffer)[] = [q.spaceId];
	const family = q.within?.family ?? q.family;
	if (family) where.push('family = ?'), params.push(family);
	if (q.within) {
		const s = prefixSpan(q.within);
		where.push('start >= ? AND end <= ?');
		params.push(keyBuffer(s.family, s.start), keyBuffer(s.family, s.end));
	}
	for (const e of extra) where.push(e.sql), params.push(...e.params);
	if (q.after) {
		where.push('(family, start, prefix_len) > (?, ?, ?)');
		params.push(q.after.family, keyBuffer(q.after.family, q.after.start), q.after.prefixLen);
	}
	return store.all<R>(`SELECT * FROM ${table} WHERE ${where.join(' AND ')} ORDER BY family, start, prefix_len LIMIT ?`, [...params, q.limit ?? 1000]);
}
