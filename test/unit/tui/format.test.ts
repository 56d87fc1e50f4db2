// Counts in the panes group thousands exactly as the en-US locale does, without loading ICU at start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countText, groupThousands } from '../../../source/panes/format.js';

test('groupThousands matches en-US grouping', () => {
	for (const n of [0, 7, 999, 1000, 1001, 65535, 100000, 999999, 1000000, 9999999, -1, -999, -1000, -1234567]) {
		assert.equal(groupThousands(n), n.toLocaleString('en-US'), String(n));
	}
	for (let n = 1; n < 1e7; n = n * 7 + 3) assert.equal(groupThousands(n), n.toLocaleString('en-US'), String(n));
});

test('countText rounds and groups below ten million, abbreviates above', () => {
	assert.equal(countText(1234.6), '1,235');
	assert.equal(countText(9_999_999), '9,999,999');
	assert.equal(countText(16_777_216), '16.8M');
	assert.equal(countText('x'), '');
});
