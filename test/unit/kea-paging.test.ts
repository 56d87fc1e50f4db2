// Kea lease paging against an in-memory control channel that pages exactly like lease4-get-page: random lease
// sets, pools, page sizes and stream counts must always yield every lease exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeaAnswer } from '../../source/collectors/kea/answer.js';
import type { KeaChannel } from '../../source/collectors/kea/channel.js';
import type { ScopeIndex } from '../../source/collectors/kea/config.js';
import { collectLeases, leaseRecord } from '../../source/collectors/kea/leases.js';
import { formatValue, parseAddress } from '../../source/domain/ip.js';

function channelOver(addresses: bigint[]): KeaChannel & { calls: number } {
	const sorted = [...addresses].sort((a, b) => (a < b ? -1 : 1));
	return {
		family: 4,
		where: 'memory',
		calls: 0,
		async command(_command: string, args?: Record<string, unknown>): Promise<KeaAnswer> {
			this.calls++;
			const from = args!.from === 'start' ? -1n : parseAddress(String(args!.from)).value;
			const page = sorted.filter(a => a > from).slice(0, Number(args!.limit));
			if (page.length === 0) return { result: 3, text: '0 IPv4 lease(s) found.', arguments: { leases: [], count: 0 } };
			const leases = page.map(a => ({ 'ip-address': formatValue(4, a), 'hw-address': '02:00:00:00:00:01', cltt: 1000, 'valid-lft': 60, 'subnet-id': 1, state: 0 }));
			return { result: 0, arguments: { leases, count: leases.length } };
		},
	};
}

let seed = 12345;
const random = (n: number) => {
	seed = (seed * 1103515245 + 12345) & 0x7fffffff;
	// The high bits: an LCG's low bits repeat with a short period.
	return (seed >>> 12) % n;
};

test('every lease is collected exactly once, whatever the pools, page size and stream count', async () => {
	for (let round = 0; round < 150; round++) {
		const base = 0x0a000000n;
		const addresses = new Set<bigint>();
		const count = random(400);
		for (let i = 0; i < count; i++) addresses.add(base + BigInt(random(1200)));
		// Leases at the very ends of the address space too: outside every pool.
		if (round % 3 === 0) addresses.add(0n);
		if (round % 4 === 0) addresses.add(0xffffffffn);
		const pools: ScopeIndex = new Map();
		const poolCount = 1 + random(4);
		const spans = [];
		for (let p = 0; p < poolCount; p++) {
			const start = base + BigInt(random(1200));
			spans.push({ key: `1/${p}`, start, end: start + BigInt(random(800)) });
		}
		pools.set(1, spans);
		const limit = 1 + random(60);
		const streams = 1 + random(4);
		const channel = channelOver([...addresses]);
		const out = await collectLeases(channel, pools, { limit, streams });
		const got = out.leases.map(l => parseAddress(l.ip).value);
		assert.equal(new Set(got).size, got.length, `round ${round}: duplicates`);
		assert.deepEqual(new Set(got), addresses, `round ${round}: limit ${limit}, ${streams} streams`);
		// Each segment stops at its end: at most one extra (crossing or empty) page per segment, splits included.
		assert.ok(channel.calls <= Math.ceil(addresses.size / limit) + 2 * (streams + out.splits), `round ${round}: ${channel.calls} calls, ${out.splits} splits`);
	}
});

test('an idle worker takes over half of a busy segment when the leases crowd one end of a big pool', async () => {
	// 3,000 leases at the start of a /8 pool: the pool-weighted cut leaves the second worker nothing at first.
	const addresses = Array.from({ length: 3000 }, (_, i) => 0x0a000001n + BigInt(i));
	const channel = channelOver(addresses);
	const out = await collectLeases(channel, new Map([[1, [{ key: '1', start: 0x0a000001n, end: 0x0afffffen }]]]), { limit: 100, streams: 2 });
	assert.equal(out.leases.length, 3000);
	assert.ok(out.splits > 0);
});

test('a lease the server cannot describe is skipped with a reason; the rest are kept', () => {
	assert.match(String(leaseRecord({ 'hw-address': 'x' }, 4, null)), /without "ip-address"/);
	assert.match(String(leaseRecord({ 'ip-address': '10.0.0.300' }, 4, null)), /not an IPv4 address/);
	const v6 = leaseRecord({ 'ip-address': '2001:DB8:0:0::1', type: 'IA_PD', 'prefix-len': 56, duid: '00:01:02', iaid: 7, cltt: 10, 'valid-lft': 4294967295, state: 2 }, 6, null);
	assert.deepEqual(typeof v6 === 'string' ? v6 : [v6.ip, v6.leaseType, v6.prefixLen, v6.ends, v6.state], ['2001:db8::1', 'pd', 56, null, 'expired']);
});
