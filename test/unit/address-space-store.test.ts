// The address-space store: auto-parenting, overlap rules, free gaps, utilization, whereis, conflicts, audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';
import { addBlock, deleteBlock, getBlock, upsertBlocks } from '../../store/blocks.js';
import { addSubnet, deleteSubnet, getSubnet, upsertSubnets } from '../../store/subnets.js';
import { addRange, deleteRange, getRange, upsertRanges } from '../../store/ranges.js';
import { addAddress, deleteAddress, editAddress, insertAddresses } from '../../store/addresses.js';
import { freePrefixesInBlock, nextFreeAddresses, rebuildFreeGaps } from '../../store/free-space.js';
import { rollupUtilization } from '../../store/utilization.js';
import { whereis } from '../../store/whereis.js';
import { findConflicts } from '../../store/conflicts.js';
import { addField, fieldValues, setFieldValue } from '../../store/custom-fields.js';
import { applyTag, tagsOf } from '../../store/tags.js';
import { AddressSpaceError } from '../../store/errors.js';
import { formatPrefix, keyBuffer, parseAddress, parsePrefix, parseSpan, type Family } from '../../source/domain/ip.js';

const P = (t: string) => parsePrefix(t);
const open = () => Store.open(':memory:', { actor: 'tester' });

async function gapsSnapshot(store: Store): Promise<string[]> {
	const rows = await store.all<{ container_id: number; start: Buffer; end: Buffer; fit_len: number }>(
		'SELECT container_id, start, end, fit_len FROM free_gap ORDER BY container_id, start',
	);
	return rows.map(r => `${r.container_id}:${r.start.toString('hex')}-${r.end.toString('hex')}/${r.fit_len}`);
}

async function figures(store: Store): Promise<string[]> {
	const out: string[] = [];
	for (const t of ['block', 'subnet', 'range']) {
		const rows = await store.all<Record<string, number>>(`SELECT * FROM ${t} ORDER BY id`);
		for (const r of rows) out.push(`${t}${r.id}:${r.size}/${r.used}/${r.allocated ?? ''}`);
	}
	return out;
}

test('blocks auto-parent: a block inserted in between adopts what it contains; deleting it hands them back', async () => {
	const s = await open();
	const b8 = await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/8') });
	const b24 = await addBlock(s, { spaceId: 1, prefix: P('10.1.2.0/24') });
	const sn = await addSubnet(s, { spaceId: 1, prefix: P('10.1.3.0/24') });
	assert.equal((await getBlock(s, b24.id))!.parent_id, b8.id);
	assert.equal((await getSubnet(s, sn.id))!.block_id, b8.id);
	const b16 = await addBlock(s, { spaceId: 1, prefix: P('10.1.0.0/16') });
	assert.equal(b16.parent_id, b8.id);
	assert.equal((await getBlock(s, b24.id))!.parent_id, b16.id);
	assert.equal((await getSubnet(s, sn.id))!.block_id, b16.id);
	await deleteBlock(s, b16.id);
	assert.equal((await getBlock(s, b24.id))!.parent_id, b8.id);
	assert.equal((await getSubnet(s, sn.id))!.block_id, b8.id);
	await s.close();
});

test('overlaps are conflicts naming the existing object, and leave the store and audit trail unchanged', async () => {
	const s = await open();
	await addSubnet(s, { spaceId: 1, prefix: P('10.1.2.0/24'), name: 'office' });
	await addRange(s, { spaceId: 1, span: parseSpan('10.1.2.10-10.1.2.50') });
	const before = await s.all('SELECT * FROM audit');
	const expectConflict = async (work: Promise<unknown>, pattern: RegExp) => {
		await assert.rejects(work, (e: unknown) => e instanceof AddressSpaceError && e.kind === 'conflict' && pattern.test(e.message));
	};
	await expectConflict(addSubnet(s, { spaceId: 1, prefix: P('10.1.2.128/25') }), /overlaps subnet 10\.1\.2\.0\/24 \(id 1, "office"\)/);
	await expectConflict(addSubnet(s, { spaceId: 1, prefix: P('10.1.0.0/16') }), /overlaps subnet 10\.1\.2\.0\/24/);
	await expectConflict(addSubnet(s, { spaceId: 1, prefix: P('10.1.2.0/24') }), /already exists/);
	await expectConflict(addRange(s, { spaceId: 1, span: parseSpan('10.1.2.40-10.1.2.60') }), /overlaps range 10\.1\.2\.10-10\.1\.2\.50/);
	await expectConflict(addRange(s, { spaceId: 1, span: parseSpan('10.1.2.200-10.1.3.5') }), /crosses the boundary of subnet 10\.1\.2\.0\/24/);
	await expectConflict(addBlock(s, { spaceId: 1, prefix: P('10.1.2.0/26') }), /inside subnet 10\.1\.2\.0\/24/);
	assert.deepEqual(await s.all('SELECT * FROM audit'), before);
	assert.equal((await s.get<{ n: number }>('SELECT count(*) AS n FROM subnet'))!.n, 1);
	// Another address space may hold the same prefix.
	await s.run(`INSERT INTO address_space (name) VALUES ('Lab')`);
	await addSubnet(s, { spaceId: 2, prefix: P('10.1.2.0/24') });
	await s.close();
});

test('every change writes an audit row with actor, source and before/after in the same transaction', async () => {
	const s = await open();
	const sn = await addSubnet(s, { spaceId: 1, prefix: P('192.0.2.0/24') }, { source: 'tui' });
	const a = await addAddress(s, { spaceId: 1, address: parseAddress('192.0.2.7'), hostname: 'printer' });
	await editAddress(s, a.id, { hostname: 'printer-2' });
	await deleteAddress(s, a.id);
	await deleteSubnet(s, sn.id);
	const rows = await s.all<{ actor: string; source: string; action: string; object_kind: string; before: string | null; after: string | null }>(
		'SELECT actor, source, action, object_kind, before, after FROM audit ORDER BY id',
	);
	assert.deepEqual(rows.map(r => `${r.actor} ${r.source} ${r.action} ${r.object_kind}`), [
		'tester tui create subnet',
		'tester cli create address',
		'tester cli update address',
		'tester cli delete address',
		'tester cli delete subnet',
	]);
	assert.equal(JSON.parse(rows[2].before!).hostname, 'printer');
	assert.equal(JSON.parse(rows[2].after!).hostname, 'printer-2');
	assert.equal(JSON.parse(rows[1].after!).ip, '192.0.2.7');
	await s.close();
});

function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

for (const family of [4, 6] as Family[]) {
	test(`IPv${family}: free gaps kept incrementally equal a full rebuild after random adds and deletes`, async () => {
		const seed = Number(process.env.IPAM_TEST_SEED ?? 4242);
		const rand = rng(seed + family);
		const s = await open();
		const root = family === 4 ? P('10.0.0.0/8') : P('2001:db8::/32');
		const bits = family === 4 ? 32 : 128;
		await addBlock(s, { spaceId: 1, prefix: root });
		const live: { kind: 'block' | 'subnet'; id: number }[] = [];
		for (let i = 0; i < 120; i++) {
			if (live.length && rand() < 0.3) {
				const [victim] = live.splice(Math.floor(rand() * live.length), 1);
				if (victim.kind === 'block') await deleteBlock(s, victim.id);
				else await deleteSubnet(s, victim.id);
			} else {
				const len = root.length + 2 + Math.floor(rand() * (family === 4 ? 20 : 40));
				const offset = BigInt(Math.floor(rand() * 2 ** Math.min(len - root.length, 50))) << BigInt(bits - len);
				const prefix = { family, network: root.network + offset, length: len };
				const kind = rand() < 0.35 ? 'block' : 'subnet';
				try {
					const row = kind === 'block' ? await addBlock(s, { spaceId: 1, prefix }) : await addSubnet(s, { spaceId: 1, prefix });
					live.push({ kind, id: row.id });
				} catch (err) {
					if (!(err instanceof AddressSpaceError)) throw err;
				}
			}
			if (i % 10 === 9) {
				const incremental = await gapsSnapshot(s);
				await s.transaction(tx => rebuildFreeGaps(tx));
				assert.deepEqual(incremental, await gapsSnapshot(s), `after step ${i} (seed ${seed})`);
			}
		}
		await s.close();
	});
}

test('free subnets come from the gap index: best fit first, never overlapping a child', async () => {
	const s = await open();
	const b = await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/16') });
	await addSubnet(s, { spaceId: 1, prefix: P('10.0.0.0/24') });
	await addSubnet(s, { spaceId: 1, prefix: P('10.0.2.0/23') });
	// The tightest gap holding a /24 is 10.0.1.0/24, between the two subnets.
	assert.deepEqual((await freePrefixesInBlock(s, b.id, 24, 3)).map(formatPrefix), ['10.0.1.0/24', '10.0.4.0/24', '10.0.5.0/24']);
	assert.deepEqual((await freePrefixesInBlock(s, b.id, 22, 1)).map(formatPrefix), ['10.0.4.0/22']);
	assert.deepEqual(await freePrefixesInBlock(s, b.id, 15, 1), []);
	const v6 = await addBlock(s, { spaceId: 1, prefix: P('2001:db8::/32') });
	await addSubnet(s, { spaceId: 1, prefix: P('2001:db8::/64') });
	assert.deepEqual((await freePrefixesInBlock(s, v6.id, 56, 2)).map(formatPrefix), ['2001:db8:0:100::/56', '2001:db8:0:200::/56']);
	await s.close();
});

test('utilization follows the definitions: distinct in-use addresses, leases and reservations; blocks in /64s', async () => {
	const s = await open();
	await s.run(`INSERT INTO server (id, name, kind) VALUES (1, 'kea1', 'kea')`);
	const b = await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/16') });
	const sn = await addSubnet(s, { spaceId: 1, prefix: P('10.0.1.0/24') });
	const r = await addRange(s, { spaceId: 1, span: parseSpan('10.0.1.100-10.0.1.199'), assignmentType: 'dynamic' });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.1.100') });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.1.100'), managedBy: 'MS DHCP' }); // same IP twice: counted once
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.1.5') }); // in the subnet, outside the range
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.1.6'), status: 'inactive' }); // not in use
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.9.9') }); // in the block, outside every subnet
	const ip = (t: string) => keyBuffer(4, parseAddress(t).value);
	await s.run(
		`INSERT INTO lease (space_id, ip, source, family, server_id, range_id, state, collected_at) VALUES
			(1, ?, 'server:1', 4, 1, ?, 'active', 0), (1, ?, 'server:1', 4, 1, ?, 'active', 0), (1, ?, 'server:1', 4, 1, ?, 'expired', 0)`,
		[ip('10.0.1.100'), r.id, ip('10.0.1.101'), r.id, ip('10.0.1.102'), r.id],
	);
	await s.run(`INSERT INTO reservation (server_id, range_id, family, ip) VALUES (1, ?, 4, ?), (1, ?, 4, ?)`, [r.id, ip('10.0.1.101'), r.id, ip('10.0.1.150')]);
	await s.transaction(tx => rollupUtilization(tx));
	// range: .100 (address+lease), .101 (lease+reservation), .150 (reservation) = 3 of 100
	assert.deepEqual([(await getRange(s, r.id))!.used, (await getRange(s, r.id))!.size], [3, 100]);
	// subnet: the range's 3 plus .5 = 4 of 256
	assert.deepEqual([(await getSubnet(s, sn.id))!.used, (await getSubnet(s, sn.id))!.size], [4, 256]);
	const block = (await getBlock(s, b.id))!;
	assert.deepEqual([block.size, block.allocated, block.used], [65536, 256, 5]);
	// A rollup with nothing changed writes no history; one that changes something writes a row for it.
	const history = (await s.get<{ n: number }>('SELECT count(*) AS n FROM utilization_history'))!.n;
	assert.deepEqual(await s.transaction(tx => rollupUtilization(tx)), { ranges: 0, subnets: 0, blocks: 0 });
	assert.equal((await s.get<{ n: number }>('SELECT count(*) AS n FROM utilization_history'))!.n, history);

	const v6 = await addBlock(s, { spaceId: 1, prefix: P('2001:db8::/32') });
	await addSubnet(s, { spaceId: 1, prefix: P('2001:db8:1::/64') });
	await addSubnet(s, { spaceId: 1, prefix: P('2001:db8:2::/56') });
	await addSubnet(s, { spaceId: 1, prefix: P('2001:db8:3::/120') });
	await addSubnet(s, { spaceId: 1, prefix: P('2001:db8:3::100/120') }); // same /64 as the one before
	const v6row = (await getBlock(s, v6.id))!;
	assert.deepEqual([v6row.size, v6row.allocated, v6row.used], [2 ** 32, 1 + 256 + 1, 258]);
	await s.close();
});

test('incremental utilization equals a full rollup after single changes', async () => {
	const s = await open();
	await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/8') });
	await addBlock(s, { spaceId: 1, prefix: P('10.1.0.0/16') });
	const sn = await addSubnet(s, { spaceId: 1, prefix: P('10.1.1.0/24') });
	await addSubnet(s, { spaceId: 1, prefix: P('10.2.0.0/24') });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.1.1.20') });
	const r = await addRange(s, { spaceId: 1, span: parseSpan('10.1.1.10-10.1.1.30') }); // adopts .20
	await addAddress(s, { spaceId: 1, address: parseAddress('10.1.1.25') });
	const loose = await addAddress(s, { spaceId: 1, address: parseAddress('10.3.0.1') });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.2.0.9') });
	await deleteAddress(s, loose.id);
	await deleteRange(s, r.id);
	await deleteSubnet(s, sn.id);
	await addSubnet(s, { spaceId: 1, prefix: P('10.1.1.0/24') });
	const incremental = await figures(s);
	await s.transaction(tx => rollupUtilization(tx));
	assert.deepEqual(incremental, await figures(s));
	await s.close();
});

test('incremental utilization equals a full rollup after random single changes (IPv4 and IPv6)', async () => {
	const seed = Number(process.env.IPAM_TEST_SEED ?? 99);
	const rand = rng(seed);
	const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
	const s = await open();
	await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/16') });
	await addBlock(s, { spaceId: 1, prefix: P('2001:db8::/40') });
	const v4 = (n: number) => ({ family: 4 as const, value: 0x0a000000n + BigInt(n) });
	const v6 = (n: number) => ({ family: 6 as const, value: (0x20010db8n << 96n) + (BigInt(n) << 60n) + BigInt(n % 7) });
	for (let i = 0; i < 150; i++) {
		const r = rand();
		try {
			if (r < 0.15) {
				const len = 20 + Math.floor(rand() * 8);
				await addSubnet(s, { spaceId: 1, prefix: { family: 4, network: (v4(Math.floor(rand() * 65536)).value >> BigInt(32 - len)) << BigInt(32 - len), length: len } });
			} else if (r < 0.22) {
				const len = pick([48, 56, 64, 120]);
				await addSubnet(s, { spaceId: 1, prefix: { family: 6, network: (v6(Math.floor(rand() * 200)).value >> BigInt(128 - len)) << BigInt(128 - len), length: len } });
			} else if (r < 0.3) {
				const row = await s.get<{ id: number }>('SELECT id FROM subnet ORDER BY (id * ?) % 997 LIMIT 1', [1 + Math.floor(rand() * 996)]);
				if (row) await deleteSubnet(s, row.id);
			} else if (r < 0.36) {
				const len = 17 + Math.floor(rand() * 4);
				await addBlock(s, { spaceId: 1, prefix: { family: 4, network: (v4(Math.floor(rand() * 65536)).value >> BigInt(32 - len)) << BigInt(32 - len), length: len } });
			} else if (r < 0.42) {
				const sub = await s.get<{ start: Buffer }>('SELECT start FROM subnet WHERE family = 4 ORDER BY (id * ?) % 997 LIMIT 1', [1 + Math.floor(rand() * 996)]);
				if (sub) {
					const a = BigInt(`0x${sub.start.toString('hex')}`) + BigInt(Math.floor(rand() * 40));
					await addRange(s, { spaceId: 1, span: { family: 4, start: a, end: a + BigInt(Math.floor(rand() * 30)) } });
				}
			} else if (r < 0.46) {
				const row = await s.get<{ id: number }>('SELECT id FROM range ORDER BY (id * ?) % 997 LIMIT 1', [1 + Math.floor(rand() * 996)]);
				if (row) await deleteRange(s, row.id);
			} else if (r < 0.75) {
				const a = rand() < 0.8 ? v4(Math.floor(rand() * 65536)) : v6(Math.floor(rand() * 200));
				await addAddress(s, { spaceId: 1, address: a, status: rand() < 0.8 ? 'in-use' : 'inactive', managedBy: rand() < 0.2 ? 'MS DHCP' : 'IPAM' });
			} else if (r < 0.87) {
				const row = await s.get<{ id: number }>('SELECT id FROM address ORDER BY (id * ?) % 997 LIMIT 1', [1 + Math.floor(rand() * 996)]);
				if (row) await editAddress(s, row.id, { status: pick(['in-use', 'inactive', 'reserved'] as const) });
			} else {
				const row = await s.get<{ id: number }>('SELECT id FROM address ORDER BY (id * ?) % 997 LIMIT 1', [1 + Math.floor(rand() * 996)]);
				if (row) await deleteAddress(s, row.id);
			}
		} catch (err) {
			if (!(err instanceof AddressSpaceError)) throw err;
		}
		if (i % 25 === 24) {
			const incremental = await figures(s);
			await s.transaction(tx => rollupUtilization(tx));
			assert.deepEqual(incremental, await figures(s), `after step ${i} (seed ${seed})`);
		}
	}
	await s.close();
});

test('whereis finds the block chain, subnet and range of an address that has no record', async () => {
	const s = await open();
	await addBlock(s, { spaceId: 1, prefix: P('10.0.0.0/8') });
	await addBlock(s, { spaceId: 1, prefix: P('10.1.0.0/16') });
	await addBlock(s, { spaceId: 1, prefix: P('10.1.0.0/20') });
	await addBlock(s, { spaceId: 1, prefix: P('10.200.0.0/16') });
	await addSubnet(s, { spaceId: 1, prefix: P('10.1.2.0/24') });
	await addRange(s, { spaceId: 1, span: parseSpan('10.1.2.10-10.1.2.20') });
	await addRange(s, { spaceId: 1, span: parseSpan('10.1.2.30-10.1.2.40') });
	const w = await whereis(s, 1, parseAddress('10.1.2.34'));
	assert.deepEqual(w.blocks.map(b => b.prefix_len), [8, 16, 20]);
	assert.equal(w.subnet?.prefix_len, 24);
	assert.equal(w.range?.id, 2);
	assert.equal(w.addresses.length, 0);
	const gap = await whereis(s, 1, parseAddress('10.1.2.25'));
	assert.equal(gap.range, null);
	assert.equal(gap.subnet?.prefix_len, 24);
	const outside = await whereis(s, 1, parseAddress('10.5.0.1'));
	assert.deepEqual(outside.blocks.map(b => b.prefix_len), [8]);
	assert.equal(outside.subnet, null);
	assert.deepEqual((await nextFreeAddresses(s, 1, parseSpan('10.1.2.10-10.1.2.20'), 2)).length, 2);
	await s.close();
});

test('bulk upserts parent by sorted merge like single adds, reject overlaps per row, and resolve address parents', async () => {
	const s = await open();
	await s.transaction(async tx => {
		await upsertBlocks(tx, [{ spaceId: 1, prefix: P('10.0.0.0/8') }, { spaceId: 1, prefix: P('10.1.0.0/16') }], { source: 'import' });
		const res = await upsertSubnets(
			tx,
			[
				{ spaceId: 1, prefix: P('10.1.2.0/24'), name: 'a' },
				{ spaceId: 1, prefix: P('10.9.0.0/24') },
				{ spaceId: 1, prefix: P('10.1.2.0/25') },
				{ spaceId: 1, prefix: P('192.168.0.0/24') },
			],
			{ source: 'import' },
		);
		assert.equal(res.created, 3);
		assert.deepEqual(res.rejected.map(r => r.index), [2]);
		assert.match(res.rejected[0].message, /10\.1\.2\.0\/25 overlaps .*10\.1\.2\.0\/24/);
		const ranges = await upsertRanges(tx, [
			{ spaceId: 1, span: parseSpan('10.1.2.10-10.1.2.99'), assignmentType: 'dynamic' },
			{ spaceId: 1, span: parseSpan('10.1.2.50-10.1.2.60') },
			{ spaceId: 1, span: parseSpan('10.1.2.250-10.1.3.10') },
		]);
		assert.deepEqual(ranges.rejected.map(r => r.index).sort(), [1, 2]);
		await insertAddresses(tx, [
			{ spaceId: 1, address: parseAddress('10.1.2.20'), hostname: 'x' },
			{ spaceId: 1, address: parseAddress('10.1.2.200') },
			{ spaceId: 1, address: parseAddress('10.7.7.7') },
		]);
		await rollupUtilization(tx);
	});
	const subnets = await s.all<{ block_id: number; prefix_len: number }>('SELECT block_id, prefix_len FROM subnet ORDER BY start');
	assert.deepEqual(subnets.map(x => x.block_id), [2, 1, null]);
	const addrs = await s.all<{ subnet_id: number | null; range_id: number | null }>('SELECT subnet_id, range_id FROM address ORDER BY ip');
	assert.deepEqual(addrs.map(a => [a.subnet_id, a.range_id]), [[1, 1], [1, null], [null, null]]);
	assert.equal((await getRange(s, 1))!.used, 1);
	assert.equal((await getBlock(s, 1))!.used, 3);
	// Re-running the same import updates, it does not duplicate.
	const again = await s.transaction(tx => upsertSubnets(tx, [{ spaceId: 1, prefix: P('10.1.2.0/24'), name: 'renamed' }]));
	assert.deepEqual([again.created, again.updated], [0, 1]);
	assert.equal((await getSubnet(s, 1))!.name, 'renamed');
	await s.close();
});

test('conflicts: discovered overlapping subnets, duplicate addresses, addresses outside every range', async () => {
	const s = await open();
	await addSubnet(s, { spaceId: 1, prefix: P('10.0.0.0/24') });
	await addRange(s, { spaceId: 1, span: parseSpan('10.0.0.10-10.0.0.20') });
	await addSubnet(s, { spaceId: 1, prefix: P('10.0.1.0/24') });
	await s.transaction(tx => upsertSubnets(tx, [{ spaceId: 1, prefix: P('10.0.1.0/25'), discovered: true }], { allowOverlap: true, source: 'collector' }));
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.0.15') });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.0.15'), managedBy: 'MS DHCP', managedByEntity: 'dhcp1' });
	await addAddress(s, { spaceId: 1, address: parseAddress('10.0.0.200') });
	const found = await findConflicts(s);
	const kinds = found.map(c => `${c.kind} ${c.object}`);
	assert.ok(kinds.includes('subnet-overlap 10.0.1.0/25'), kinds.join('; '));
	assert.ok(kinds.includes('duplicate-address 10.0.0.15'), kinds.join('; '));
	assert.ok(kinds.includes('outside-range 10.0.0.200'), kinds.join('; '));
	assert.equal(found.filter(c => c.kind === 'outside-range').length, 1);
	await s.close();
});

test('custom fields enforce allowed values and multiplicity; tags attach to objects', async () => {
	const s = await open();
	const sn = await addSubnet(s, { spaceId: 1, prefix: P('10.0.0.0/24') });
	await setFieldValue(s, 'subnet', sn.id, 'environment', ['production']);
	assert.deepEqual(await fieldValues(s, 'subnet', sn.id), { Environment: ['Production'] });
	await assert.rejects(setFieldValue(s, 'subnet', sn.id, 'Environment', ['Prod']), /not an allowed value/);
	await assert.rejects(setFieldValue(s, 'subnet', sn.id, 'Nope', ['x']), (e: unknown) => e instanceof AddressSpaceError && e.kind === 'invalid');
	await assert.rejects(setFieldValue(s, 'subnet', sn.id, 'Site', ['a', 'b']), /takes one value/);
	await addField(s, { name: 'Contacts', multiValued: true });
	await setFieldValue(s, 'subnet', sn.id, 'Contacts', ['ann']);
	await setFieldValue(s, 'subnet', sn.id, 'Contacts', ['bob', 'ann']);
	assert.deepEqual((await fieldValues(s, 'subnet', sn.id)).Contacts, ['ann', 'bob']);
	await assert.rejects(applyTag(s, 'subnet', sn.id, 'core'), /no tag named/);
	await applyTag(s, 'subnet', sn.id, 'core', { create: true });
	assert.deepEqual(await tagsOf(s, 'subnet', sn.id), ['core']);
	await s.close();
});

test('logical groups count objects under each path of field values, once per node', async () => {
	const { addGroup, groupTree } = await import('../../store/logical-groups.js');
	const s = await open();
	await addField(s, { name: 'Zone', multiValued: true });
	const subnets = [];
	for (const c of ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']) subnets.push(await addSubnet(s, { spaceId: 1, prefix: P(c) }));
	await setFieldValue(s, 'subnet', subnets[0].id, 'Region', ['EU']);
	await setFieldValue(s, 'subnet', subnets[0].id, 'Zone', ['a', 'b']);
	await setFieldValue(s, 'subnet', subnets[1].id, 'Region', ['EU']);
	await setFieldValue(s, 'subnet', subnets[1].id, 'Zone', ['a']);
	await addGroup(s, { name: 'geo', kind: 'subnet', fields: ['Region', 'Zone'] });
	await assert.rejects(addGroup(s, { name: 'bad', kind: 'subnet', fields: ['Nope'] }), /unknown custom field/);
	const t = await groupTree(s, 'geo');
	assert.equal(t.total, 3);
	const flat = (nodes: typeof t.tree, depth = 0): string[] => nodes.flatMap(n => [`${depth}:${n.value || '-'}=${n.count}`, ...flat(n.children, depth + 1)]);
	assert.deepEqual(flat(t.tree), ['0:-=1', '1:-=1', '0:EU=2', '1:a=2', '1:b=1']);
	await s.close();
});

test("a collector's discovered upserts fill blanks only and audit just what they create", async () => {
	const s = await open();
	await addSubnet(s, { spaceId: 1, prefix: P('10.9.0.0/24'), name: 'lab', description: 'set by a person' });
	const audits = async () => (await s.get<{ n: number }>('SELECT count(*) AS n FROM audit'))!.n;
	const discovered = [
		{ spaceId: 1, prefix: P('10.9.0.0/24'), name: 'scope-9', description: 'discovered from DHCP', discovered: true },
		{ spaceId: 1, prefix: P('10.9.1.0/24'), description: 'discovered from DHCP', discovered: true },
	];
	const before = await audits();
	await s.transaction(tx => upsertSubnets(tx, discovered, { source: 'collector', allowOverlap: true }));
	assert.equal(await audits(), before + 1);
	await s.transaction(tx => upsertSubnets(tx, discovered, { source: 'collector', allowOverlap: true }));
	assert.equal(await audits(), before + 1);
	const kept = await s.get<{ name: string; description: string; discovered: number }>('SELECT name, description, discovered FROM subnet WHERE id = 1');
	assert.deepEqual(kept, { name: 'lab', description: 'set by a person', discovered: 0 });
	await s.close();
});
