// Store conditions the panes share: address spans against key columns, MACs, text, and scopes built from a row.
import type { Param } from '../../store/database.js';
import type { Condition } from '../../store/pages.js';
import type { FilterTerm } from '../domain/filter-term.js';
import { formatKey, fromKey, keyBuffer, parsePrefix, parseSpan, prefixSpan, type Span } from '../domain/ip.js';

export function keys(span: Span): [Buffer, Buffer] {
	return [keyBuffer(span.family, span.start), keyBuffer(span.family, span.end)];
}

/** A single-address column inside the span (index range scan on family + ip). */
export function addressIn(familyExpr: string, ipExpr: string, span: Span): Condition {
	const [s, e] = keys(span);
	return { sql: `${familyExpr} = ? AND ${ipExpr} BETWEEN ? AND ?`, params: [span.family, s, e] };
}

/** A start–end object overlapping the span. */
export function spanOverlaps(familyExpr: string, startExpr: string, endExpr: string, span: Span): Condition {
	const [s, e] = keys(span);
	return { sql: `${familyExpr} = ? AND ${startExpr} <= ? AND ${endExpr} >= ?`, params: [span.family, e, s] };
}

/** A start–end object lying wholly inside the span. */
export function spanWithin(familyExpr: string, startExpr: string, endExpr: string, span: Span): Condition {
	const [s, e] = keys(span);
	return { sql: `${familyExpr} = ? AND ${startExpr} >= ? AND ${endExpr} <= ?`, params: [span.family, s, e] };
}

/** Case-insensitive substring over several text columns. */
export function textMatches(exprs: string[], text: string): Condition {
	const needle = text.toLowerCase();
	return { sql: exprs.map(e => `instr(lower(${e}), ?) > 0`).join(' OR '), params: exprs.map(() => needle) as Param[] };
}

/** A span read from a blob pair on a row. */
export function rowSpan(row: Record<string, unknown>, family = 'family', start = 'start', end = 'end'): Span {
	const f = Number(row[family]) as 4 | 6;
	const hex = (v: unknown) => Buffer.from(v as Uint8Array).toString('hex');
	return { family: f, start: BigInt(`0x${hex(row[start])}`), end: BigInt(`0x${hex(row[end])}`) };
}

/** Reads a `:pane ARG` argument as an address span (CIDR, range or single address), or null. */
export function argumentSpan(arg: string): Span | null {
	try {
		if (arg.includes('/')) return prefixSpan(parsePrefix(arg, { hostBits: 'normalise' }));
		return parseSpan(arg);
	} catch {
		return null;
	}
}

/** The filter term for exactly the address stored in a row's key column. */
export function singleAddress(row: Record<string, unknown>, column = 'ip'): FilterTerm {
	const a = fromKey(row[column] as Uint8Array);
	return { kind: 'span', span: { family: a.family, start: a.value, end: a.value }, text: formatKey(row[column] as Uint8Array) };
}
