// Utilization: the units an object is counted in, and its threshold state.
//
// Definitions (decided for issue 2; the store's rollup implements exactly these):
//  - range: size = end − start + 1; used = DISTINCT in-use addresses in it: address rows with status
//    in-use/reserved ∪ lease rows in state active/reserved ∪ reservation rows.
//  - subnet: size = 2^(bits − len); used = distinct in-use addresses in the subnet (in ranges or not).
//  - block: units are addresses for IPv4 and for IPv6 blocks of /64 or longer, /64s for IPv6 blocks
//    shorter than /64. size in units; allocated = units covered by descendant subnets (each counted
//    once); used = in-use addresses for address-unit blocks, = allocated /64s for /64-unit blocks.
//  - state: over if used/size > utilization.over (80 %), under if < utilization.under (20 %), else optimal.
import type { Family } from './ip.js';

export type UtilizationState = 'over' | 'optimal' | 'under';

export interface Thresholds {
	/** Percent. */
	over: number;
	under: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { over: 80, under: 20 };

/** True when an IPv6 block of this length is counted in /64s rather than addresses. */
export function countsIn64s(family: Family, length: number): boolean {
	return family === 6 && length < 64;
}

/** A block's or subnet's size in its units, as a float (IPv6 sizes overflow 64 bits). */
export function blockUnits(family: Family, length: number): number {
	if (countsIn64s(family, length)) return 2 ** (64 - length);
	return 2 ** ((family === 4 ? 32 : 128) - length);
}

export function subnetSize(family: Family, length: number): number {
	return 2 ** ((family === 4 ? 32 : 128) - length);
}

export function percent(used: number, size: number): number {
	return size > 0 ? (used / size) * 100 : 0;
}

export function utilizationState(used: number, size: number, t: Thresholds = DEFAULT_THRESHOLDS): UtilizationState {
	const p = percent(used, size);
	if (p > t.over) return 'over';
	if (p < t.under) return 'under';
	return 'optimal';
}

/** "37.5%" with one decimal, "<0.1%" for tiny non-zero shares of huge IPv6 blocks. */
export function formatPercent(used: number, size: number): string {
	const p = percent(used, size);
	if (p > 0 && p < 0.1) return '<0.1%';
	return `${p.toFixed(1)}%`;
}

/** A count for display: exact below a billion, else as a power of two ("2^64") or in exponent form. */
export function formatCount(n: number): string {
	if (n < 1e9) return String(Math.round(n));
	const log = Math.log2(n);
	if (Number.isInteger(log)) return `2^${log}`;
	return n.toExponential(2);
}
