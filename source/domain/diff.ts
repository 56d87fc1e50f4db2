// Before/after differences of JSON values (config-change events, the audit trail) and their one-line-per-change text.
// Used by `ipam events` and the TUI's events pane; output strings are untrusted: sanitize at display.

export interface Change {
	/** Dotted path; array elements with an identity show it: scopes[10.0.0.0/24].options.router */
	path: string;
	op: 'added' | 'removed' | 'changed';
	before?: unknown;
	after?: unknown;
}

/** Fields that identify an element of an array of objects, tried in order. */
const IDENTITY = ['key', 'id', 'ip', 'name', 'scopeId', 'subnet', 'prefix'];

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identityField(items: unknown[]): string | null {
	if (items.length === 0 || !items.every(isObject)) return null;
	for (const f of IDENTITY) {
		const values = items.map(i => (i as Record<string, unknown>)[f]);
		if (values.every(v => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length) return f;
	}
	return null;
}

function join(path: string, key: string): string {
	return path ? `${path}.${key}` : key;
}

function walk(before: unknown, after: unknown, path: string, out: Change[]): void {
	if (before === undefined && after === undefined) return;
	if (before === undefined) {
		out.push({ path, op: 'added', after });
		return;
	}
	if (after === undefined) {
		out.push({ path, op: 'removed', before });
		return;
	}
	if (isObject(before) && isObject(after)) {
		const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
		for (const k of keys) walk(before[k], after[k], join(path, k), out);
		return;
	}
	if (Array.isArray(before) && Array.isArray(after)) {
		const field = identityField([...before, ...after]) ?? (identityField(before) && identityField(after));
		if (field) {
			const index = (list: unknown[]) => new Map(list.map(i => [String((i as Record<string, unknown>)[field]), i]));
			const a = index(before);
			const b = index(after);
			for (const id of [...new Set([...a.keys(), ...b.keys()])]) walk(a.get(id), b.get(id), `${path}[${id}]`, out);
			return;
		}
		if (JSON.stringify(before) === JSON.stringify(after)) return;
		const n = Math.max(before.length, after.length);
		for (let i = 0; i < n; i++) walk(before[i], after[i], `${path}[${i}]`, out);
		return;
	}
	if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, op: 'changed', before, after });
}

/** Every difference between two JSON values; null/undefined on one side means the whole object was added/removed. */
export function diffValues(before: unknown, after: unknown): Change[] {
	const out: Change[] = [];
	walk(before ?? undefined, after ?? undefined, '', out);
	return out;
}

/** Stored JSON text (audit.before/after, config_event.before/after) to a value; bad JSON stays as the text. */
export function parseStoredJson(text: string | null | undefined): unknown {
	if (text === null || text === undefined || text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function show(v: unknown, width: number): string {
	const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
	return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

/** One line a change: "+ path: value", "- path: value", "~ path: old → new". */
export function renderChange(c: Change, width = 120): string {
	const where = c.path || '(whole)';
	if (c.op === 'added') return `+ ${where}: ${show(c.after, width)}`;
	if (c.op === 'removed') return `- ${where}: ${show(c.before, width)}`;
	return `~ ${where}: ${show(c.before, width)} → ${show(c.after, width)}`;
}

/** The diff of two stored JSON texts as lines (empty when equal). */
export function renderDiff(before: string | null | undefined, after: string | null | undefined, width = 120): string[] {
	return diffValues(parseStoredJson(before), parseStoredJson(after)).map(c => renderChange(c, width));
}

/** A short summary: "3 changed, 1 added". */
export function summariseDiff(changes: Change[]): string {
	const count = (op: Change['op']) => changes.filter(c => c.op === op).length;
	return (['changed', 'added', 'removed'] as const)
		.map(op => [op, count(op)] as const)
		.filter(([, n]) => n > 0)
		.map(([op, n]) => `${n} ${op}`)
		.join(', ');
}
