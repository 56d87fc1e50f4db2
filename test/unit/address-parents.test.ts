// Bulk parenting of addresses (store/address-parents.ts, insertAddresses): the windowed merge agrees with the one-address lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';
import { upsertSubnets } from '../../store/subnets.js';
import { upsertRanges } from '../../store/ranges.js';
import { insertAddresses, parentsOf, type AddressUpsert } from '../../store/addresses.js';
import { innermost, ParentWindows, parentsOfSorted } from '../../store/address-parents.js';
import { keyValue } from '../../store/containment.js';
import { parseAddress, parsePrefix, parseSpan } from '../../source/domain/ip.js';

/** A small deterministic generator (tests must be repeatable). */
function random(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

test('innermost: for sorted points, the innermost of nested and disjoint containers, by brute force', () => {
	const rnd = random(7);
	for (let round = 0; round < 50; round++) {
		// Nested intervals: halves of halves, so containers nest or are disjoint, as CIDR prefixes do.
		const containers: { id: number; start: bigint; end: bigint }[] = [];
		let id = 1;
		const split = (start: number, end: number, depth: number) => {
			if (depth === 0 || end - start < 4) return;
			if (rnd() < 0.6) containers.push({ id: id++, start: BigInt(start), end: BigInt(end) });
			const mid = Math.floor((start + end) / 2);
			split(start, mid, depth - 1);
			split(mid + 1, end, depth - 1);
		};
		split(0, 1023, 6);
		const points = Array.from({ length: 200 }, () => BigInt(Math.floor(rnd() * 1100))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		const got = innermost([...containers].reverse(), points);
		const want = points.map(p => {
			const holding = containers.filter(c => c.start <= p && p <= c.end);
			holding.sort((a, b) => Number(a.end - a.start - (b.end - b.start)));
			return holding[0]?.id ?? null;
		});
		assert.deepEqual(got, want);
	}
});

async function storeWithNesting(): Promise<Store> {
	const store = await Store.open(':memory:');
	await store.transaction(async tx => {
		const subnets = ['10.0.0.0/16', '10.0.4.0/22', '10.0.5.0/24', '10.0.9.0/24', '10.1.0.0/24', '10.2.0.0/25'].map(p => ({
			spaceId: 1,
			prefix: parsePrefix(p),
			discovered: true,
		}));
		await upsertSubnets(tx, subnets, { allowOverlap: true });
		const ranges = ['10.0.5.10-10.0.5.20', '10.0.5.30-10.0.5.40', '10.0.9.1-10.0.9.254', '10.1.0.100-10.1.0.199', '10.0.7.0-10.0.7.9'].map(s => ({
			spaceId: 1,
			span: parseSpan(s),
		}));
		const r = await upsertRanges(tx, ranges);
		assert.deepEqual(r.rejected, []);
	});
	return store;
}

test('parentsOfSorted agrees with parentsOf for every address, nested subnets and gaps included', async () => {
	const store = await storeWithNesting();
	const rnd = random(11);
	const values = new Set<bigint>();
	for (let i = 0; i < 400; i++) values.add(0x0a000000n + BigInt(Math.floor(rnd() * 0x30000)));
	// Addresses at container edges, where an off-by-one would show.
	for (const t of ['10.0.5.9', '10.0.5.10', '10.0.5.20', '10.0.5.21', '10.0.4.0', '10.0.7.255', '10.0.255.255', '10.1.0.0', '10.2.0.128', '9.255.255.255']) {
		values.add(parseAddress(t).value);
	}
	const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	// Windows of several sizes: the first address of each window is where containers are read back from.
	for (const size of [1, 7, 50, sorted.length]) {
		for (let i = 0; i < sorted.length; i += size) {
			const window = sorted.slice(i, i + size);
			const got = await parentsOfSorted(store, 1, 4, window);
			for (let k = 0; k < window.length; k++) {
				const want = await parentsOf(store, 1, { family: 4, value: window[k] });
				assert.deepEqual([got.subnets[k], got.ranges[k]], [want.subnetId, want.rangeId], `address ${window[k].toString(16)} in a window of ${size}`);
			}
		}
	}
	await store.close();
});

test('ParentWindows: chunks read a window ahead agree with parentsOf, across window ends, nesting, scattered and backward chunks', async () => {
	const store = await Store.open(':memory:');
	// More subnets and ranges than one window reads (4,096), so chunks cross from one window into the next.
	await store.transaction(async tx => {
		const subnets = Array.from({ length: 5000 }, (_, i) => ({ spaceId: 1, prefix: { family: 4 as const, network: 0x0a000000n + BigInt(i * 64), length: 26 } }));
		// Two discovered supernets overlapping the /26s: innermost must still pick the /26.
		subnets.push({ spaceId: 1, prefix: parsePrefix('10.0.0.0/20'), discovered: true } as never, { spaceId: 1, prefix: parsePrefix('10.4.0.0/16'), discovered: true } as never);
		await upsertSubnets(tx, subnets, { allowOverlap: true });
		const ranges = Array.from({ length: 4500 }, (_, i) => ({ spaceId: 1, span: { family: 4 as const, start: 0x0a000000n + BigInt(i * 64 + 10), end: 0x0a000000n + BigInt(i * 64 + 40) } }));
		assert.deepEqual((await upsertRanges(tx, ranges)).rejected, []);
	});
	const rnd = random(5);
	const all = Array.from({ length: 3000 }, () => 0x0a000000n + BigInt(Math.floor(rnd() * 5200 * 64))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const windows = new ParentWindows(store);
	const check = async (chunk: bigint[], what: string) => {
		const got = await windows.of(1, 4, chunk);
		for (let k = 0; k < chunk.length; k++) {
			const want = await parentsOf(store, 1, { family: 4, value: chunk[k] });
			assert.deepEqual([got.subnets[k], got.ranges[k]], [want.subnetId, want.rangeId], `${chunk[k].toString(16)} (${what})`);
		}
	};
	for (let i = 0; i < all.length; i += 100) await check(all.slice(i, i + 100), 'in order');
	// A chunk before the current window, and one spread over the whole space, are read again or exactly.
	await check(all.slice(0, 50), 'backward');
	await check(all.filter((_, i) => i % 60 === 0), 'scattered');
	await store.close();
});

test('insertAddresses: rows in any order get their parents; a repeated identity keeps the last row', async () => {
	const store = await storeWithNesting();
	const rows: AddressUpsert[] = ['10.1.0.150', '10.0.5.15', '10.9.9.9', '10.0.9.7', '10.0.5.15', '10.0.6.1'].map((t, i) => ({
		spaceId: 1,
		address: parseAddress(t),
		hostname: `h${i}`,
	}));
	rows.push({ spaceId: 2, address: parseAddress('10.0.5.15'), hostname: 'other space' });
	await store.run(`INSERT INTO address_space (id, name) VALUES (2, 'Lab')`);
	const r = await store.transaction(tx => insertAddresses(tx, rows));
	assert.deepEqual(r, { created: 6, updated: 1 });
	const stored = await store.all<{ space_id: number; ip: Buffer; hostname: string; subnet_id: number | null; range_id: number | null }>(
		'SELECT space_id, ip, hostname, subnet_id, range_id FROM address ORDER BY space_id, ip',
	);
	for (const s of stored) {
		const want = await parentsOf(store, s.space_id, { family: 4, value: keyValue(s.ip) });
		assert.deepEqual([s.subnet_id, s.range_id], [want.subnetId, want.rangeId], s.hostname);
	}
	assert.deepEqual(stored.filter(s => s.space_id === 1).map(s => s.hostname).sort(), ['h0', 'h2', 'h3', 'h4', 'h5']);
	// The second 10.0.5.15 row (h4) replaced the first (h1): last one wins, as in the file.
	assert.equal(stored.filter(s => s.space_id === 1 && s.hostname === 'h1').length, 0);
	assert.equal(stored.find(s => s.space_id === 2)?.subnet_id, null, 'space 2 has no subnets');
	await store.close();
});
