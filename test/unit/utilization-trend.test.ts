// Utilization trends shown: the sparkline (source/domain/sparkline.ts), the one-line summary, and the TUI describe row of a block, subnet or range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparkline } from '../../source/domain/sparkline.js';
import { trendSummary } from '../../source/resources/utilization.js';
import { describe } from '../../source/app/describe.js';
import { Store } from '../../store/database.js';
import { addSubnet } from '../../store/subnets.js';
import { addRange } from '../../store/ranges.js';
import { addAddress } from '../../store/addresses.js';
import { parsePrefix } from '../../source/domain/ip.js';

test('sparkline: evenly over time, absolute scale, a peak shorter than a cell still shows', () => {
	const points = [
		{ ts: 0, size: 100, used: 0 },
		{ ts: 50, size: 100, used: 100 },
	];
	assert.equal(sparkline(points, 4, 100), '▁▁██');
	// 90 % throughout reads high, not as a bottom line fitted to the series.
	assert.equal(sparkline([{ ts: 0, size: 10, used: 9 }], 3, 30), '▇▇▇');
	// 1 s at 100 % inside a 25 s cell.
	assert.equal(
		sparkline(
			[
				{ ts: 0, size: 4, used: 1 },
				{ ts: 10, size: 4, used: 4 },
				{ ts: 11, size: 4, used: 1 },
			],
			4,
			100,
		),
		'█▃▃▃',
	);
	assert.equal(sparkline([{ ts: 5, size: 0, used: 0 }], 8, 5), '▁');
	assert.equal(sparkline([], 8, 5), '');
});

test('trend summary: first and last figure and the number of figures', () => {
	const s = trendSummary(
		[
			{ ts: 1000, size: 200, used: 10 },
			{ ts: 2000, size: 200, used: 150 },
		],
		3000,
		4,
	);
	assert.match(s, /^▁▁▆▆  5\.0% → 75\.0%  since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(2 figures\)$/);
	assert.equal(trendSummary([]), 'no figures');
});

test('describe of a subnet and a range has a utilization trend row; an address has none', async t => {
	let clock = 1_800_000_000_000;
	t.mock.method(Date, 'now', () => clock);
	const s = await Store.open(':memory:', { actor: 'tester' });
	try {
		const sn = await addSubnet(s, { spaceId: 1, prefix: parsePrefix('10.9.0.0/28') });
		const r = await addRange(s, { spaceId: 1, span: { family: 4, start: 0x0a090000n, end: 0x0a090003n } });
		let a = 0;
		for (const value of [0x0a090001n, 0x0a090002n, 0x0a090003n]) {
			clock += 600_000;
			a = (await addAddress(s, { spaceId: 1, address: { family: 4, value } })).id;
		}
		clock += 600_000;
		const row = async (kind: 'subnet' | 'range', id: number) => (await describe(s, { kind, id } as never)).find(x => x.title === 'Utilization trend')?.lines;
		const range = await row('range', r.id);
		assert.equal(range?.length, 1);
		assert.equal(range![0][0], 'trend');
		assert.match(range![0][1], /^[▁-█]{32}  0\.0% → 75\.0%  since .* \(4 figures\)$/);
		// Rising in steps: the bars never fall.
		const bars = [...range![0][1].slice(0, 32)];
		assert.deepEqual([...bars].sort(), bars);
		assert.match((await row('subnet', sn.id))![0][1], /0\.0% → 18\.8%/);
		assert.equal((await describe(s, { kind: 'address', id: a } as never)).some(x => x.title === 'Utilization trend'), false);
	} finally {
		await s.close();
	}
});
