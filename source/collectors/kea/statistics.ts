// Kea `statistic-get-all` → the server's own used-address count per scope (pool statistics when the server has them).
import type { ScopeRecord } from '../../domain/dhcp.js';

type Samples = Array<[number, string]>;

/** The newest sample of a statistic (Kea lists samples newest first). */
function latest(stats: Record<string, unknown>, name: string): number | null {
	const samples = stats[name] as Samples | undefined;
	const value = Array.isArray(samples) && Array.isArray(samples[0]) ? samples[0][0] : null;
	return typeof value === 'number' ? value : null;
}

/**
 * Sets `reportedUsed` on each scope. Scope keys are `<id>`, `<id>/<pool>` or `<id>/pd<pool>`: a subnet with one pool
 * takes the subnet counter; several pools need Kea's per-pool counters (Kea ≥ 2.3), else stay unknown.
 */
export function applyStatistics(scopes: ScopeRecord[], stats: Record<string, unknown> | undefined): void {
	if (!stats) return;
	const perSubnet = new Map<string, ScopeRecord[]>();
	for (const scope of scopes) {
		const id = scope.key.split('/')[0];
		perSubnet.set(id, [...(perSubnet.get(id) ?? []), scope]);
	}
	for (const scope of scopes) {
		const [id, pool] = scope.key.split('/');
		const pd = pool?.startsWith('pd');
		const counter = scope.family === 4 ? 'assigned-addresses' : pd ? 'assigned-pds' : 'assigned-nas';
		let used: number | null;
		if (pool === undefined) used = latest(stats, `subnet[${id}].${counter}`);
		else {
			const poolName = pd ? `pd-pool[${pool.slice(2)}]` : `pool[${pool}]`;
			used = latest(stats, `subnet[${id}].${poolName}.${counter}`);
			// One address pool plus pd-pools: the subnet's NA counter belongs to the only address pool.
			const siblings = (perSubnet.get(id) ?? []).filter(s => s.key.includes('/pd') === Boolean(pd));
			if (used === null && siblings.length === 1) used = latest(stats, `subnet[${id}].${counter}`);
		}
		scope.reportedUsed = used;
	}
}
