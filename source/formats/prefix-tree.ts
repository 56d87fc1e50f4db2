// Which rows of a NetBox or phpIPAM prefix file hold other prefixes, and so are blocks: by the export's own word, by nesting inside the file, or by phpIPAM's master column.
import { formatPrefix, prefixSpan, type Prefix } from '../domain/ip.js';
import type { SubnetImport } from './ipam-rows.js';

/** The identity of a prefix in a file: its space (lowercase) and the prefix. */
export function prefixKey(space: string, p: Prefix): string {
	return `${space.toLowerCase()}|${p.family}|${p.network}|${p.length}`;
}

/**
 * Rows that hold other prefixes → why. Containment counts within one address space only, as in the
 * store (and as NetBox counts children within one VRF). Duplicate rows of one prefix share the answer.
 */
export function containersInFile(rows: SubnetImport[], defaultSpace: string): Map<SubnetImport, string> {
	const why = new Map<string, string>();
	const spaceOf = (r: SubnetImport) => (r.space ?? defaultSpace).toLowerCase();
	const keyOf = (r: SubnetImport) => prefixKey(spaceOf(r), r.prefix);
	for (const r of rows) if (r.container && !why.has(keyOf(r))) why.set(keyOf(r), r.container);

	const sorted = rows
		.map(r => ({ row: r, space: spaceOf(r), span: prefixSpan(r.prefix) }))
		.sort((a, b) => (a.space < b.space ? -1 : a.space > b.space ? 1 : a.span.family - b.span.family || cmp(a.span.start, b.span.start) || a.row.prefix.length - b.row.prefix.length));
	const stack: typeof sorted = [];
	for (const item of sorted) {
		while (stack.length > 0) {
			const top = stack[stack.length - 1];
			if (top.space === item.space && top.span.family === item.span.family && top.span.end >= item.span.start) break;
			stack.pop();
		}
		// The innermost row strictly around this one is its parent; ancestors further out get theirs from their own children.
		for (let i = stack.length - 1; i >= 0; i--) {
			if (stack[i].row.prefix.length === item.row.prefix.length) continue;
			const k = keyOf(stack[i].row);
			if (!why.has(k)) why.set(k, `it holds ${formatPrefix(item.row.prefix)} (line ${item.row.line})`);
			break;
		}
		stack.push(item);
	}

	// phpIPAM names each subnet's master: in the child's space if the file has it there, else wherever it is
	// (phpIPAM lets a child sit in another VRF than its master).
	const byPrefix = new Map<string, SubnetImport[]>();
	for (const r of rows) {
		const k = formatPrefix(r.prefix);
		const list = byPrefix.get(k);
		if (list) list.push(r);
		else byPrefix.set(k, [r]);
	}
	for (const r of rows) {
		if (!r.master) continue;
		const named = byPrefix.get(formatPrefix(r.master)) ?? [];
		const same = named.filter(m => spaceOf(m) === spaceOf(r));
		for (const m of same.length > 0 ? same : named) {
			if (!why.has(keyOf(m))) why.set(keyOf(m), `line ${r.line} names it as the master subnet of ${formatPrefix(r.prefix)}`);
		}
	}

	const out = new Map<SubnetImport, string>();
	for (const r of rows) {
		const w = why.get(keyOf(r));
		if (w) out.set(r, w);
	}
	return out;
}

function cmp(a: bigint, b: bigint): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
