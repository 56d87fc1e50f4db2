// The bulk address writer (store/address-bulk.ts): batches queued two at a time land whole, whatever their shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';
import { AddressWriter } from '../../store/address-bulk.js';
import type { AddressUpsert } from '../../store/addresses.js';
import { upsertSubnets } from '../../store/subnets.js';
import { parsePrefix } from '../../source/domain/ip.js';

test('AddressWriter: queued batches of many shapes (which columns vary) all land with their own values and parents', async () => {
	const store = await Store.open(':memory:');
	await store.transaction(tx => upsertSubnets(tx, [{ spaceId: 1, prefix: parsePrefix('10.0.0.0/16') }]));
	const subnet = (await store.get<{ id: number }>('SELECT id FROM subnet'))!.id;
	const want = new Map<string, { hostname: string; description: string; owner: string; mac: string | null }>();
	await store.transaction(async tx => {
		const writer = new AddressWriter(tx, { depth: 2 });
		// 40 batches, each varying a different set of columns: more statement shapes than the writer keeps prepared.
		for (let b = 0; b < 40; b++) {
			const rows: AddressUpsert[] = [];
			for (let i = 0; i < 5; i++) {
				const fields = {
					hostname: b & 1 ? `h${b}-${i}` : `h${b}`,
					description: b & 2 ? `d${i}` : '',
					owner: b & 4 ? `o${i}` : `team${b}`,
					mac: b & 8 ? `00:00:00:00:${b.toString(16).padStart(2, '0')}:0${i}` : null,
				};
				const value = 0x0a000000n + BigInt(b * 8 + i);
				want.set(value.toString(16), fields);
				rows.push({ spaceId: 1, address: { family: 4, value }, ...fields, status: b & 16 ? 'reserved' : 'in-use' });
			}
			await writer.write(rows);
		}
		await writer.settle();
		assert.equal(writer.changes, 200);
	});
	const stored = await store.all<{ ip: Buffer; hostname: string; description: string; owner: string; mac: string | null; subnet_id: number }>(
		'SELECT ip, hostname, description, owner, mac, subnet_id FROM address',
	);
	assert.equal(stored.length, 200);
	for (const r of stored) {
		const { subnet_id, ip, ...fields } = r;
		assert.deepEqual(fields, want.get(ip.toString('hex').replace(/^0+/, '')), ip.toString('hex'));
		assert.equal(subnet_id, subnet);
	}
	await store.close();
});

test('AddressWriter: a failed statement fails the writer, after every queued one has stopped', async () => {
	const store = await Store.open(':memory:');
	await store.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON address WHEN NEW.ip = x'0a000005' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
	await assert.rejects(
		store.transaction(async tx => {
			const writer = new AddressWriter(tx, { depth: 2 });
			try {
				for (let b = 0; b < 6; b++) await writer.write([{ spaceId: 1, address: { family: 4, value: 0x0a000000n + BigInt(b * 2 + 1) } }]);
				await writer.settle();
			} catch (err) {
				await writer.settle().catch(() => undefined);
				throw err;
			}
		}),
		/refused/,
	);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM address'))?.n, 0);
	await store.close();
});
