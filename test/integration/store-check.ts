// Collected batches through the real ingest into a temporary store, and the store's leases read back for comparison.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CollectionBatch } from '../../source/domain/dhcp.js';
import { formatKey } from '../../source/domain/ip.js';
import { Store } from '../../store/database.js';
import { ingestBatch } from '../../store/ingest.js';
import { addServer } from '../../store/servers.js';

export interface StoredLease {
	ip: string;
	mac: string | null;
	hostname: string | null;
	state: string;
	ends: number | null;
}

export class TempStore {
	private constructor(
		readonly store: Store,
		private readonly dir: string,
	) {}

	static async open(): Promise<TempStore> {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-store-'));
		return new TempStore(await Store.open(path.join(dir, 'ipam.db')), dir);
	}

	async ingest(server: { name: string; kind: string; transport: string; endpoint: Record<string, unknown> }, batch: CollectionBatch) {
		const existing = await this.store.get<{ id: number }>('SELECT id FROM server WHERE name = ?', [server.name]);
		const id = existing?.id ?? (await addServer(this.store, server)).id;
		return { serverId: id, result: await ingestBatch(this.store, id, batch) };
	}

	async leases(serverId: number): Promise<StoredLease[]> {
		const rows = await this.store.all<{ ip: Buffer; mac: string | null; name: string | null; state: string; ends: number | null }>(
			`SELECT l.ip, c.mac, h.name, l.state, l.ends FROM lease l LEFT JOIN client c ON c.id = l.client_ref
			 LEFT JOIN host h ON h.id = l.host_ref WHERE l.server_id = ? ORDER BY l.ip`,
			[serverId],
		);
		return rows.map(r => ({ ip: formatKey(r.ip), mac: r.mac, hostname: r.name, state: r.state, ends: r.ends }));
	}

	async close(): Promise<void> {
		await this.store.close();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}
