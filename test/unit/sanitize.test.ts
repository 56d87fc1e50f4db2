import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitize, hasControlCharacters } from '../../source/domain/sanitize.js';

test('escape sequences are removed whole, payload included', () => {
	assert.equal(sanitize('evil\u001b[2J\u001b[31mhost'), 'evilhost');
	assert.equal(sanitize('a\u001b]0;pwned title\u0007b'), 'ab');
	assert.equal(sanitize('a\u001b]52;c;ZXZpbA==\u001b\\b'), 'ab');
	assert.equal(sanitize('x\u009b2Jy'), 'xy');
});

test('control characters go; tabs and newlines become spaces; printable text stays', () => {
	assert.equal(sanitize('line1\nline2\tend\r'), 'line1 line2 end ');
	assert.equal(sanitize('bell\u0007 nul\u0000 del\u007f'), 'bell nul del');
	assert.equal(sanitize('right\u202eto-left'), 'rightto-left');
	assert.equal(sanitize('Zürich-ñandú 東京 host-01'), 'Zürich-ñandú 東京 host-01');
	assert.equal(sanitize(null), '');
	assert.equal(sanitize(42), '42');
});

test('hasControlCharacters spots what sanitize would remove', () => {
	assert.equal(hasControlCharacters('plain'), false);
	assert.equal(hasControlCharacters('a\u001b[0m'), true);
});
