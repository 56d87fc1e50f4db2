// The audit trail: one row per change made through the tool, written in the changing transaction.
import type { Store } from './database.js';
import { formatKey } from '../source/domain/ip.js';

export type ChangeSource = 'cli' | 'tui' | 'import' | 'collector';
export type AuditAction = 'create' | 'update' | 'delete' | 'import';

/** How a write is attributed: the actor is the store's; the source says which door it came through. */
export interface ChangeOptions {
	source?: ChangeSource;
}

export interface AuditEntry {
	action: AuditAction;
	kind: string;
	id: number | null;
	summary: string;
	before?: unknown;
	after?: unknown;
}

const KEY_FIELDS = new Set(['start', 'end', 'ip']);

/** A stored row as JSON for the trail: address keys become text, so the trail reads without the schema. */
export function auditable(row: unknown): unknown {
	if (!row || typeof row !== 'object') return row;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
		out[k] = KEY_FIELDS.has(k) && (Buffer.isBuffer(v) || v instanceof Uint8Array) ? formatKey(v) : v;
	}
	return out;
}

function json(v: unknown): string | null {
	return v === undefined || v === null ? null : JSON.stringify(auditable(v));
}

export async function audit(tx: Store, entry: AuditEntry, options: ChangeOptions = {}): Promise<void> {
	await tx.run(
		`INSERT INTO audit (actor, source, action, object_kind, object_id, summary, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		[tx.actor, options.source ?? 'cli', entry.action, entry.kind, entry.id, entry.summary, json(entry.before), json(entry.after)],
	);
}

/** Many entries in one batched write (bulk upserts). */
export async function auditMany(tx: Store, entries: AuditEntry[], options: ChangeOptions = {}): Promise<void> {
	const source = options.source ?? 'cli';
	await tx.insertMany(
		'audit',
		['actor', 'source', 'action', 'object_kind', 'object_id', 'summary', 'before', 'after'],
		entries.map(e => [tx.actor, source, e.action, e.kind, e.id, e.summary, json(e.before), json(e.after)]),
	);
}
