// Pure address-space domain functions: gaps, free addresses and runs, host spans, containment, utilization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPrefix, formatSpanCompact, parseAddress, parsePrefix, parseSpan, prefixSpan, type Span } from '../../source/domain/ip.js';
import { freeAddresses, freeRun, gapsIn, hostSpan, prefixesInGap } from '../../source/domain/free-space.js';
import { containingChain, partiallyOverlap, smallestContaining } from '../../source/domain/hierarchy.js';
import { blockUnits, countsIn64s, formatCount, formatPercent, utilizationState } from '../../source/domain/utilization.js';
import { assignContainers, firstOverlaps } from '../../store/containment.js';

const S = (t: string) => parseSpan(t);
const A = (t: string) => parseAddress(t).value;
const text = (spans: Span[]) => spans.map(formatSpanCompact);

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

test('gaps between children, including nested and overlapping (discovered) children and ones reaching outside', () => {
	const c = S('10.0.0.0/24');
	assert.deepEqual(text(gapsIn(c, [])), ['10.0.0.0/24']);
	assert.deepEqual(text(gapsIn(c, [S('10.0.0.0/26'), S('10.0.0.0/27'), S('10.0.0.32-10.0.0.70'), S('10.0.0.192/26')])), ['10.0.0.71-10.0.0.191']);
	assert.deepEqual(text(gapsIn(c, [S('9.0.0.0/8'), S('10.0.0.128/25')])), ['10.0.0.0/25']);
	assert.deepEqual(text(gapsIn(c, [S('10.0.0.0/8')])), []);
	const g = gapsIn(S('2001:db8::/32'), [S('2001:db8::/33')])[0];
	assert.equal(g.fitLen, 33);
});

test('gaps equal the complement of the children, checked address by address on small random cases', () => {
	const rand = rng(7);
	for (let n = 0; n < 200; n++) {
		const container = { family: 4 as const, start: 1000n, end: 1255n };
		const children: Span[] = [];
		for (let k = 0; k < 6; k++) {
			const a = 990n + BigInt(Math.floor(rand() * 280));
			children.push({ family: 4, start: a, end: a + BigInt(Math.floor(rand() * 40)) });
		}
		children.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
		const gaps = gapsIn(container, children);
		for (let v = container.start; v <= container.end; v++) {
			const covered = children.some(c => c.start <= v && v <= c.end);
			const inGap = gaps.some(g => g.start <= v && v <= g.end);
			assert.equal(inGap, !covered, `value ${v}`);
		}
	}
});

test('aligned prefixes inside a gap, lowest first', () => {
	assert.deepEqual(prefixesInGap(S('10.0.0.5-10.0.3.255'), 24, 5).map(formatPrefix), ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']);
	assert.deepEqual(prefixesInGap(S('10.0.0.5-10.0.0.200'), 24, 5), []);
});

test('host spans skip network and broadcast (IPv4, not /31 /32) and the subnet-router anycast (IPv6)', () => {
	assert.deepEqual(text([hostSpan(parsePrefix('10.0.0.0/24'))!]), ['10.0.0.1-10.0.0.254']);
	assert.deepEqual(text([hostSpan(parsePrefix('10.0.0.0/31'))!]), ['10.0.0.0/31']);
	assert.deepEqual(text([hostSpan(parsePrefix('10.0.0.7/32'))!]), ['10.0.0.7/32']);
	assert.equal(hostSpan(parsePrefix('2001:db8::/64'))!.start, A('2001:db8::1'));
});

test('next free addresses and free runs skip used ones (used may repeat or lie outside)', () => {
	const span = S('10.0.0.10-10.0.0.20');
	const used = [A('10.0.0.1'), A('10.0.0.10'), A('10.0.0.11'), A('10.0.0.11'), A('10.0.0.13'), A('10.0.0.30')];
	assert.deepEqual(freeAddresses(span, used, 3), [A('10.0.0.12'), A('10.0.0.14'), A('10.0.0.15')]);
	assert.deepEqual(freeAddresses(span, [], 2), [A('10.0.0.10'), A('10.0.0.11')]);
	assert.deepEqual(text([freeRun(span, used, 5n)!]), ['10.0.0.14-10.0.0.18']);
	assert.equal(freeRun(span, used, 8n), null);
	assert.deepEqual(text([freeRun(span, [A('10.0.0.19')], 9n)!]), ['10.0.0.10-10.0.0.18']);
});

test('containment chain and smallest container match a brute-force reference; the sorted merge agrees', () => {
	const rand = rng(11);
	for (let n = 0; n < 100; n++) {
		// A laminar family: random prefixes inside 10.0.0.0/16 are nested or disjoint by construction.
		const nodes = Array.from({ length: 30 }, (_, i) => {
			const len = 16 + Math.floor(rand() * 12);
			const net = (0x0a000000 + Math.floor(rand() * 65536)) & ~(2 ** (32 - len) - 1);
			return { id: i + 1, ...prefixSpan({ family: 4, network: BigInt(net >>> 0), length: len }) };
		}).filter((x, i, all) => all.findIndex(y => y.start === x.start && y.end === x.end) === i);
		const v = BigInt(0x0a000000 + Math.floor(rand() * 65536));
		const chain = containingChain(nodes, 4, v);
		assert.ok(chain.every(c => c.start <= v && v <= c.end));
		for (let i = 1; i < chain.length; i++) assert.ok(chain[i].end - chain[i].start >= chain[i - 1].end - chain[i - 1].start);
		const sorted = [...nodes].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : 1));
		const merged = assignContainers(sorted, sorted, { strict: true });
		sorted.forEach((item, i) => assert.equal(merged[i]?.id, smallestContaining(nodes, item, item.id)?.id, `parent of ${formatSpanCompact(item)}`));
	}
});

test('first overlaps by sorted merge equal a brute-force check', () => {
	const rand = rng(5);
	for (let n = 0; n < 200; n++) {
		const mk = (k: number) =>
			Array.from({ length: k }, (_, i) => {
				const a = BigInt(Math.floor(rand() * 1000));
				return { id: i, start: a, end: a + BigInt(Math.floor(rand() * 60)) };
			}).sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
		const existing = mk(10);
		const items = mk(10);
		const hits = firstOverlaps(existing, items);
		items.forEach((it, i) => {
			const any = existing.some(e => e.start <= it.end && it.start <= e.end);
			assert.equal(!!hits[i], any);
			if (hits[i]) assert.ok(hits[i]!.start <= it.end && it.start <= hits[i]!.end);
		});
	}
	assert.equal(partiallyOverlap(S('10.0.0.0-10.0.0.10'), S('10.0.0.5-10.0.0.20')), true);
	assert.equal(partiallyOverlap(S('10.0.0.0/24'), S('10.0.0.0/25')), false);
});

test('utilization units and states follow the thresholds', () => {
	assert.equal(countsIn64s(6, 48), true);
	assert.equal(countsIn64s(6, 64), false);
	assert.equal(blockUnits(6, 48), 65536);
	assert.equal(blockUnits(4, 24), 256);
	assert.equal(utilizationState(81, 100), 'over');
	assert.equal(utilizationState(80, 100), 'optimal');
	assert.equal(utilizationState(20, 100), 'optimal');
	assert.equal(utilizationState(19, 100), 'under');
	assert.equal(utilizationState(50, 100, { over: 40, under: 10 }), 'over');
	assert.equal(formatPercent(1, 2 ** 32), '<0.1%');
	assert.equal(formatCount(2 ** 64), '2^64');
	assert.equal(formatCount(65536), '65536');
});
