import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatTime, parseEndTime, parseTime, parseWindow, TimeError } from '../../source/domain/time.js';

// A Wednesday, local time: the tests build expectations with the same local calendar so any TZ works.
const now = new Date(2026, 10, 25, 10, 30, 0);
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Math.floor(new Date(y, mo - 1, d, h, mi, s).getTime() / 1000);

test('human forms resolve relative to now in local time', () => {
	assert.equal(parseTime('yesterday 14:23', now), local(2026, 11, 24, 14, 23));
	assert.equal(parseTime('today 9:00', now), local(2026, 11, 25, 9, 0));
	assert.equal(parseTime('Today', now), local(2026, 11, 25));
	assert.equal(parseTime('14:23', now), local(2026, 11, 25, 14, 23));
	assert.equal(parseTime('yesterday 2pm', now), local(2026, 11, 24, 14, 0));
	assert.equal(parseTime('last monday', now), local(2026, 11, 23));
	assert.equal(parseTime('last wednesday 8:15', now), local(2026, 11, 18, 8, 15));
	assert.equal(parseTime('now', now), Math.floor(now.getTime() / 1000));
});

test('"ago" forms subtract from now', () => {
	const n = Math.floor(now.getTime() / 1000);
	assert.equal(parseTime('2h ago', now), n - 7200);
	assert.equal(parseTime('30m ago', now), n - 1800);
	assert.equal(parseTime('3 days ago', now), n - 3 * 86400);
	assert.equal(parseTime('1h30m ago', now), n - 5400);
	assert.equal(parseTime('2 hours 15 minutes ago', now), n - 8100);
	assert.throws(() => parseTime('3 fortnights ago', now), /unknown unit "fortnights"/);
});

test('ISO dates and times, with and without zone, and epoch seconds', () => {
	assert.equal(parseTime('2026-11-24', now), local(2026, 11, 24));
	assert.equal(parseTime('2026-11-24 14:23', now), local(2026, 11, 24, 14, 23));
	assert.equal(parseTime('2026-11-24T14:23:05', now), local(2026, 11, 24, 14, 23, 5));
	assert.equal(parseTime('2026-11-24T14:23:05Z', now), Date.UTC(2026, 10, 24, 14, 23, 5) / 1000);
	assert.equal(parseTime('2026-11-24T14:23:05+02:00', now), Date.UTC(2026, 10, 24, 12, 23, 5) / 1000);
	assert.equal(parseTime('1764000000', now), 1764000000);
	assert.equal(parseTime('@1764000000', now), 1764000000);
});

test('bad input names the input and what is accepted', () => {
	assert.throws(() => parseTime('tomorrowish', now), (e: Error) => e instanceof TimeError && /"tomorrowish" is not a time: expected/.test(e.message));
	assert.throws(() => parseTime('yesterday 25:00', now), /"25:00" is not a time of day/);
	assert.throws(() => parseTime('2026-13-40', now), /not a valid date/);
	assert.throws(() => parseTime('', now), /empty time/);
});

test('windows: --at is a point, --to of a date means the end of that day, order is checked', () => {
	assert.deepEqual(parseWindow({ at: 'yesterday 14:23' }, now), { from: local(2026, 11, 24, 14, 23), to: local(2026, 11, 24, 14, 23), at: local(2026, 11, 24, 14, 23) });
	assert.equal(parseEndTime('2026-11-24', now), local(2026, 11, 25) - 1);
	assert.deepEqual(parseWindow({ from: '2026-11-20', to: '2026-11-24' }, now), { from: local(2026, 11, 20), to: local(2026, 11, 25) - 1 });
	assert.deepEqual(parseWindow({}, now), { from: null, to: null });
	assert.throws(() => parseWindow({ from: 'today', to: 'yesterday 10:00' }, now), /is after --to/);
	assert.throws(() => parseWindow({ at: 'now', from: 'today' }, now), /without --from/);
});

test('display helpers', () => {
	assert.equal(formatTime(local(2026, 11, 24, 14, 23, 5)), '2026-11-24 14:23:05');
	assert.equal(formatDuration(3 * 86400 + 4 * 3600), '3d 4h');
	assert.equal(formatDuration(125 * 60), '2h 5m');
	assert.equal(formatDuration(45), '45s');
});
