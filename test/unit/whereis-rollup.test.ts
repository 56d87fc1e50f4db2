// whereis against a brute-force oracle on nested blocks and discovered (nesting) subnets; rollup figures with nesting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';
import { addBlock, getBlock } from '../../store/blocks.js';
import { addSubnet } from '../../store/subnets.js';
import { addRange, upsertRanges } from '../../store/ranges.js';
import { addAddress, deleteAddress as deleteAddressById, insertAddresses } from '../../store/addresses.js';
import { rollupUtilization, utilizationTrend } from '../../store/utilization.js';
import { whereis } from '../../store/whereis.js';
import { Random } from '../../source/demo/random.js';
import { AddressSpaceError } from '../../store/errors.js';
import { bitsOf, keyBuffer, keyHex, parsePrefix, prefixMask, type Address, type Family } from '../../source/domain/ip.js';
import { supernetKeysJson } from '../../store/containment.js';

const rng = (seed: number) => {
	const r = new Random(seed);
	return () => r.next();
};

const hex = (b: Buffer) => b.toString('hex');

interface Spanned {
	id: number;
	start: Buffer;
	end: Buffer;
	prefix_len?: number;
}

test('whereis equals a brute-force search over every block, subnet and range (nested blocks, nested discovered subnets)', async () => {
	const seed = Number(process.env.IPAM_TEST_SEED ?? 7);
	const rand = rng(seed);
	const s = await Store.open(':memory:', { actor: 'tester' });
	const base: Record<Family, bigint> = { 4: 0x0a000000n, 6: 0x20010db8n << 96n };
	// Everything inside one /16 (v4) or /48 (v6) so random probes hit nested objects often.
	const within = (family: Family, len: number) => {
		const bits = bitsOf(family);
		const room = family === 4 ? 16 : 80;
		const offset = BigInt(Math.floor(rand() * 2 ** Math.min(room, 48))) << BigInt(Math.max(0, room - 48));
		const value = base[family] + (offset & ((1n << BigInt(room)) - 1n));
		const host = BigInt(bits - len);
		return { family, network: (value >> host) << host, length: len };
	};
	const lens: Record<Family, number[]> = { 4: [17, 18, 20, 22, 24, 26, 28], 6: [52, 56, 60, 64, 72, 120] };
	for (const family of [4, 6] as Family[]) {
		await addBlock(s, { spaceId: 1, prefix: within(family, family === 4 ? 16 : 48) });
		for (let i = 0; i < 40; i++) {
			const len = lens[family][Math.floor(rand() * lens[family].length)];
			try {
				if (rand() < 0.3) await addBlock(s, { spaceId: 1, prefix: within(family, len - 2) });
				else await addSubnet(s, { spaceId: 1, prefix: within(family, len), discovered: rand() < 0.5 });
			} catch (err) {
				if (!(err instanceof AddressSpaceError)) throw err;
			}
		}
		const subnets = await s.all<{ start: Buffer; end: Buffer }>('SELECT start, end FROM subnet WHERE family = ?', [family]);
		for (const sub of subnets.slice(0, 30)) {
			const lo = BigInt(`0x${hex(sub.start)}`);
			const hi = BigInt(`0x${hex(sub.end)}`);
			const a = lo + BigInt(Math.floor(rand() * Number(hi - lo > 1000n ? 1000n : hi - lo)));
			try {
				await addRange(s, { spaceId: 1, span: { family, start: a, end: a + BigInt(Math.floor(rand() * 20)) } });
				await addAddress(s, { spaceId: 1, address: { family, value: a } });
			} catch (err) {
				if (!(err instanceof AddressSpaceError)) throw err;
			}
		}
	}
	const nested = await s.get<{ n: number }>(
		'SELECT count(*) AS n FROM subnet a JOIN subnet b ON a.family = b.family AND b.id <> a.id AND b.start BETWEEN a.start AND a.end AND b.end <= a.end',
	);
	assert.ok(nested!.n > 0, `the store has nested subnets to exercise (seed ${seed})`);
	const all = {
		block: await s.all<Spanned & { family: Family }>('SELECT * FROM block'),
		subnet: await s.all<Spanned & { family: Family }>('SELECT * FROM subnet'),
		range: await s.all<Spanned & { family: Family }>('SELECT * FROM range ORDER BY start DESC'),
	};
	const holds = (o: Spanned, key: Buffer) => Buffer.compare(o.start, key) <= 0 && Buffer.compare(o.end, key) >= 0;
	const probes: Address[] = [];
	for (const family of [4, 6] as Family[]) {
		for (const o of [...all.block, ...all.subnet, ...all.range].filter(x => x.family === family)) {
			const lo = BigInt(`0x${hex(o.start)}`);
			probes.push({ family, value: lo }, { family, value: BigInt(`0x${hex(o.end)}`) }, { family, value: lo - 1n });
		}
		for (let i = 0; i < 200; i++) probes.push({ family, value: within(family, bitsOf(family)).network });
	}
	for (const a of probes) {
		const key = keyBuffer(a.family, a.value);
		const w = await whereis(s, 1, a);
		const blocks = all.block.filter(b => b.family === a.family && holds(b, key)).sort((x, y) => x.prefix_len! - y.prefix_len!);
		assert.deepEqual(w.blocks.map(b => b.id), blocks.map(b => b.id), `blocks of ${hex(key)}`);
		const subnet = all.subnet.filter(x => x.family === a.family && holds(x, key)).sort((x, y) => y.prefix_len! - x.prefix_len!)[0];
		assert.equal(w.subnet?.id, subnet?.id, `subnet of ${hex(key)}`);
		const floor = subnet?.start ?? Buffer.alloc(0);
		const near = all.range.filter(r => r.family === a.family && Buffer.compare(r.start, key) <= 0 && Buffer.compare(r.start, floor) >= 0).slice(0, 8);
		assert.equal(w.range?.id, near.find(r => Buffer.compare(r.end, key) >= 0)?.id, `range of ${hex(key)}`);
		const records = await s.all<{ id: number }>('SELECT id FROM address WHERE family = ? AND ip = ? ORDER BY id', [a.family, key]);
		assert.deepEqual(w.addresses.map(r => r.id), records.map(r => r.id));
		for (const r of w.addresses) assert.ok(Buffer.isBuffer(r.ip) && r.ip.equals(key));
	}
	await s.close();
});

test('rollup: a subnet nested in a discovered one adds no allocation, an address counts once (in its innermost subnet); a second rollup writes nothing', async () => {
	const s = await Store.open(':memory:', { actor: 'tester' });
	const b = await addBlock(s, { spaceId: 1, prefix: parsePrefix('10.0.0.0/16') });
	await addSubnet(s, { spaceId: 1, prefix: parsePrefix('10.0.0.0/22'), discovered: true });
	await addSubnet(s, { spaceId: 1, prefix: parsePrefix('10.0.1.0/24'), discovered: true });
	await addSubnet(s, { spaceId: 1, prefix: parsePrefix('10.0.8.0/24') });
	for (const ip of ['10.0.1.5', '10.0.2.5', '10.0.8.5']) await addAddress(s, { spaceId: 1, address: { family: 4, value: BigInt(`0x${ip.split('.').map(n => Number(n).toString(16).padStart(2, '0')).join('')}`) } });
	await s.exec('UPDATE block SET used = 0, allocated = 0; UPDATE subnet SET used = 0');
	const changed = await s.transaction(tx => rollupUtilization(tx));
	assert.deepEqual(changed, { ranges: 0, subnets: 3, blocks: 1 });
	const row = (await getBlock(s, b.id))!;
	assert.equal(row.allocated, 1024 + 256);
	assert.equal(row.used, 3);
	const subnets = await s.all<{ prefix_len: number; used: number }>('SELECT prefix_len, used FROM subnet ORDER BY start, prefix_len');
	assert.deepEqual(subnets.map(x => [x.prefix_len, x.used]), [[22, 1], [24, 1], [24, 1]]);
	const history = await s.all<{ object_kind: string }>('SELECT object_kind FROM utilization_history');
	assert.ok(history.length >= 4);
	assert.deepEqual(await s.transaction(tx => rollupUtilization(tx)), { ranges: 0, subnets: 0, blocks: 0 });
	assert.equal((await s.all('SELECT 1 FROM utilization_history')).length, history.length);
	await s.close();
});

test('utilization trend: each change keeps the figure it replaced; an import of new objects adds no rows for their never-counted 0', async t => {
	let clock = 1_800_000_000_000;
	t.mock.method(Date, 'now', () => clock);
	const s = await Store.open(':memory:', { actor: 'tester' });
	const sn = await addSubnet(s, { spaceId: 1, prefix: parsePrefix('10.9.0.0/24') });
	const r = await addRange(s, { spaceId: 1, span: { family: 4, start: 0x0a090010n, end: 0x0a09001fn } });
	const created = (await s.get<{ created_at: number }>('SELECT created_at FROM range WHERE id = ?', [r.id]))!.created_at;
	clock += 60_000;
	await addAddress(s, { spaceId: 1, address: { family: 4, value: 0x0a090011n } });
	clock += 60_000;
	const second = await addAddress(s, { spaceId: 1, address: { family: 4, value: 0x0a090012n } });
	clock += 60_000;
	await deleteAddressById(s, second.id);
	const t0 = 1_800_000_060;
	assert.deepEqual(await utilizationTrend(s, 'range', r.id), [
		{ ts: created, size: 16, used: 0 },
		{ ts: t0, size: 16, used: 1 },
		{ ts: t0 + 60, size: 16, used: 2 },
		{ ts: t0 + 120, size: 16, used: 1 },
	]);
	assert.equal((await utilizationTrend(s, 'subnet', sn.id)).at(-1)!.used, 1);
	assert.deepEqual(await utilizationTrend(s, 'range', r.id, 2), [
		{ ts: t0 + 60, size: 16, used: 2 },
		{ ts: t0 + 120, size: 16, used: 1 },
	]);

	// A bulk import of a new range with addresses: its first figure replaces nothing anyone saw.
	clock += 60_000;
	await s.transaction(async tx => {
		await upsertRanges(tx, [{ spaceId: 1, span: { family: 4, start: 0x0a090040n, end: 0x0a09004fn } }]);
		await insertAddresses(tx, [0x0a090041n, 0x0a090042n, 0x0a090043n].map(value => ({ spaceId: 1, address: { family: 4 as const, value } })));
	});
	const before = (await s.all('SELECT 1 FROM utilization_history WHERE object_kind = ?', ['range'])).length;
	assert.deepEqual(await s.transaction(tx => rollupUtilization(tx)), { ranges: 1, subnets: 1, blocks: 0 });
	const imported = (await s.get<{ id: number }>('SELECT id FROM range WHERE start = ?', [keyBuffer(4, 0x0a090040n)]))!.id;
	assert.equal((await s.all('SELECT 1 FROM utilization_history WHERE object_kind = ?', ['range'])).length, before);
	assert.deepEqual((await utilizationTrend(s, 'range', imported)).map(p => p.used), [3]);
	// The subnet's figure was seen before the import: its old figure is kept.
	assert.deepEqual((await utilizationTrend(s, 'subnet', sn.id)).map(p => p.used).slice(-2), [1, 4]);
	// After that rollup, a later change of the imported range keeps its counted 3.
	clock += 60_000;
	await addAddress(s, { spaceId: 1, address: { family: 4, value: 0x0a090044n } });
	assert.deepEqual((await utilizationTrend(s, 'range', imported)).map(p => p.used), [3, 4]);
	await s.close();
});

test('supernetKeysJson lists every containing prefix key, as masking the address with each prefix length does', () => {
	const random = rng(3);
	for (let i = 0; i < 2000; i++) {
		const family: Family = i % 2 ? 4 : 6;
		const bits = bitsOf(family);
		let value = 0n;
		for (let b = 0; b < bits; b += 16) value = (value << 16n) | BigInt(Math.floor(random() * 65536));
		const maxLen = i % 3 ? bits : Math.floor(random() * (bits + 1));
		const want: [string, number][] = [];
		for (let len = maxLen; len >= 0; len--) want.push([keyHex(family, value & prefixMask(family, len)), len]);
		assert.deepEqual(JSON.parse(supernetKeysJson(family, value, maxLen)), want, `${family} ${value.toString(16)} /${maxLen}`);
	}
});
