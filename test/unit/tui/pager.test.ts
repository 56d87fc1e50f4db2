import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pager, type PageFetch } from '../../../source/app/pager.js';

type R = { n: number; _k: number[] };

/** A key-paged source over 0..size-1, counting reads, like the store's readPage. */
function source(size: number) {
	const reads: { direction: string; limit: number }[] = [];
	const fetch: PageFetch<R> = async (direction, anchor, limit, inclusive) => {
		reads.push({ direction, limit });
		const a = anchor ? Number(anchor[0]) : null;
		let rows: number[] = [];
		if (direction === 'after') {
			const from = a === null ? 0 : inclusive ? a : a + 1;
			for (let i = from; i < size && rows.length < limit; i++) rows.push(i);
		} else {
			const from = a === null ? size - 1 : inclusive ? a : a - 1;
			for (let i = from; i >= 0 && rows.length < limit; i--) rows.push(i);
			rows = rows.reverse();
		}
		return rows.map(n => ({ n, _k: [n] }));
	};
	return { fetch, reads };
}

const selected = (p: Pager<R>) => p.selected()?.n;

test('the first screen shows the first rows with the cursor on top', async () => {
	const { fetch } = source(1000);
	const p = new Pager(fetch, 10);
	await p.reset();
	await p.settled();
	const v = p.view();
	assert.deepEqual(v.rows.map(r => r.n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	assert.equal(v.cursor, 0);
	assert.equal(v.atStart, true);
	assert.equal(v.atEnd, false);
});

test('moving past the buffered rows reads the next ones and the screen follows the cursor', async () => {
	const { fetch } = source(1000);
	const p = new Pager(fetch, 10);
	await p.reset();
	for (let i = 0; i < 95; i++) await p.move(1);
	await p.settled();
	assert.equal(selected(p), 95);
	const v = p.view();
	assert.equal(v.rows[v.cursor].n, 95);
	assert.equal(v.rows.at(-1)!.n, 95, 'cursor on the last visible line while scrolling down');
	await p.move(-1);
	assert.equal(selected(p), 94);
});

test('memory stays bounded however far one scrolls', async () => {
	const { fetch } = source(100_000);
	const p = new Pager(fetch, 20, 5);
	await p.reset();
	for (let i = 0; i < 300; i++) await p.page(1);
	await p.settled();
	assert.equal(selected(p), 6000);
	assert.ok(p.bufferedRows() <= 20 * 5 + 40, `buffer holds ${p.bufferedRows()} rows`);
	// And back up past what was trimmed.
	for (let i = 0; i < 10; i++) await p.page(-1);
	await p.settled();
	assert.equal(selected(p), 5800);
});

test('G and g jump to the ends without reading everything in between', async () => {
	const { fetch, reads } = source(1_000_000);
	const p = new Pager(fetch, 10);
	await p.reset({ fromEnd: true });
	await p.settled();
	assert.equal(selected(p), 999_999);
	assert.equal(p.view().atEnd, true);
	await p.move(5);
	assert.equal(selected(p), 999_999, 'no row after the last');
	await p.reset();
	await p.settled();
	assert.equal(selected(p), 0);
	assert.ok(reads.every(r => r.limit <= 40), 'every read is about a screen or two');
});

test('a reset makes a slower earlier read void (typing a filter quickly)', async () => {
	let slow = true;
	const fetch: PageFetch<R> = async (_d, _a, limit) => {
		const wasSlow = slow;
		await new Promise(r => setTimeout(r, wasSlow ? 50 : 1));
		const base = wasSlow ? 500 : 0;
		return Array.from({ length: limit }, (_, i) => ({ n: base + i, _k: [base + i] }));
	};
	const p = new Pager(fetch, 5);
	const first = p.reset();
	slow = false;
	await p.reset();
	await first;
	await new Promise(r => setTimeout(r, 80));
	assert.equal(selected(p), 0, 'rows of the newer query stay');
});

test('refresh keeps the selected row when it still exists', async () => {
	const { fetch } = source(500);
	const p = new Pager(fetch, 10);
	await p.reset();
	for (let i = 0; i < 37; i++) await p.move(1);
	await p.refresh();
	await p.settled();
	assert.equal(selected(p), 37);
});

test('an empty source gives an empty view, not an error', async () => {
	const { fetch } = source(0);
	const p = new Pager(fetch, 10);
	await p.reset();
	await p.move(1);
	const v = p.view();
	assert.equal(v.rows.length, 0);
	assert.equal(v.cursor, -1);
	assert.equal(v.error, null);
});

test('a failing read shows as an error on the view', async () => {
	const p = new Pager<R>(async () => {
		throw new Error('database is locked');
	}, 10);
	await p.reset();
	await p.settled();
	assert.equal(p.view().error, 'database is locked');
});

test('a read landing off screen keeps the same view object (no re-render); a move changes it', async () => {
	const { fetch: direct, reads } = source(1000);
	// Reads answer a little later, so the prefetch surely lands after the move that started it.
	const fetch: PageFetch<R> = (...args) => new Promise(r => setTimeout(() => r(direct(...args)), 5));
	const p = new Pager(fetch, 10);
	await p.reset();
	await p.settled();
	for (let i = 0; i < 9; i++) await p.move(1);
	await p.settled();
	const readsBefore = reads.length;
	let notified = 0;
	p.subscribe(() => notified++);
	// The cursor comes within two screens of the buffer's end: a prefetch starts.
	await p.move(1);
	const before = p.view();
	notified = 0;
	await p.settled();
	await new Promise(r => setTimeout(r, 20));
	assert.ok(reads.length > readsBefore && notified > 0, 'a prefetch read landed and notified');
	assert.equal(p.view(), before, 'same rows on screen, same view object');
	await p.move(1);
	assert.notEqual(p.view(), before);
	assert.equal(p.view().rows[p.view().cursor].n, 11);
});
