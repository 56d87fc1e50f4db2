// The address-expiry task: inventory addresses past their expiry date become inactive (MS IPAM's "Address Expiry").
import type { Store } from './database.js';
import { auditMany } from './audit.js';

/** Marks in-use addresses whose expires_at has passed as inactive; one audit row each. Returns how many. */
export async function expireAddresses(store: Store, now: number): Promise<number> {
	return store.transaction(async tx => {
		const rows = await tx.all<{ id: number; ip: Buffer; expires_at: number }>(
			`SELECT id, ip, expires_at FROM address WHERE expires_at IS NOT NULL AND expires_at <= ? AND status = 'in-use'`,
			[now],
		);
		if (rows.length === 0) return 0;
		await tx.run(`UPDATE address SET status = 'inactive', updated_at = ? WHERE expires_at IS NOT NULL AND expires_at <= ? AND status = 'in-use'`, [now, now]);
		await auditMany(
			tx,
			rows.map(r => ({ action: 'update' as const, kind: 'address', id: r.id, summary: 'expired: status in-use → inactive', before: { status: 'in-use' }, after: { status: 'inactive' } })),
			{ source: 'collector' },
		);
		return rows.length;
	});
}
