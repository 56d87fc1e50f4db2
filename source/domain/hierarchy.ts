// Containment in the address-space tree: blocks nest (a laminar family), subnets and ranges sit inside.
import { spanContains, spanContainsSpan, type Span } from './ip.js';

export interface Node extends Span {
	readonly id: number;
}

/**
 * The chain of nodes containing `value`, innermost first. `nodes` may be in any order; this is the
 * reference the store's indexed query (greatest start ≤ ip, then walk parents) is tested against.
 */
export function containingChain<N extends Node>(nodes: Iterable<N>, family: Span['family'], value: bigint): N[] {
	const out: N[] = [];
	for (const n of nodes) if (n.family === family && spanContains(n, value)) out.push(n);
	return out.sort((a, b) => compareSize(a, b));
}

/** The smallest node strictly containing `inner` (not equal to it), or undefined. */
export function smallestContaining<N extends Node>(nodes: Iterable<N>, inner: Span, excludeId?: number): N | undefined {
	let best: N | undefined;
	for (const n of nodes) {
		if (n.id === excludeId || !spanContainsSpan(n, inner)) continue;
		if (n.start === inner.start && n.end === inner.end) continue;
		if (!best || compareSize(n, best) < 0) best = n;
	}
	return best;
}

function compareSize(a: Span, b: Span): number {
	const d = a.end - a.start - (b.end - b.start);
	return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Two spans that overlap without one containing the other (forbidden between blocks). */
export function partiallyOverlap(a: Span, b: Span): boolean {
	if (a.family !== b.family || a.end < b.start || b.end < a.start) return false;
	return !spanContainsSpan(a, b) && !spanContainsSpan(b, a);
}
