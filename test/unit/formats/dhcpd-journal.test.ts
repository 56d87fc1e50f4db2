import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DhcpdLeaseJournal } from '../../../source/formats/dhcpd-journal.js';
import { parseDhcpdLeases } from '../../../source/formats/dhcpd-leases.js';
import { formatDhcpdLease } from '../../../source/formats/dhcpd-leases-writer.js';
import type { LeaseRecord } from '../../../source/domain/dhcp.js';
import { fixture } from './samples.js';

const lease = (ip: string, state: LeaseRecord['state'], starts: number, mac: string, ends = starts + 3600): LeaseRecord => ({
	family: 4,
	ip,
	state,
	starts,
	ends,
	cltt: starts,
	mac,
});

test('journal blocks become assign, renew, release, expire and reassignment events', () => {
	const text = [
		lease('10.0.0.1', 'active', 1000, '00:00:00:00:00:01'),
		lease('10.0.0.1', 'active', 1000, '00:00:00:00:00:01'),
		lease('10.0.0.1', 'active', 2800, '00:00:00:00:00:01', 6400),
		lease('10.0.0.1', 'released', 3000, '00:00:00:00:00:01', 3000),
		lease('10.0.0.2', 'active', 1500, '00:00:00:00:00:02'),
		lease('10.0.0.2', 'free', 1500, '00:00:00:00:00:02', 5100),
		lease('10.0.0.2', 'active', 6000, '00:00:00:00:00:03'),
		lease('10.0.0.2', 'active', 7800, '00:00:00:00:00:03', 11400),
		lease('10.0.0.3', 'abandoned', 7000, '00:00:00:00:00:04'),
	]
		.map(formatDhcpdLease)
		.join('');
	const j = new DhcpdLeaseJournal();
	const events = j.apply(parseDhcpdLeases(text).entries);
	assert.deepEqual(
		events.map(e => `${e.kind} ${e.ip} ${e.ts} ${e.mac}`),
		[
			'assign 10.0.0.1 1000 00:00:00:00:00:01',
			'renew 10.0.0.1 2800 00:00:00:00:00:01',
			'release 10.0.0.1 3000 00:00:00:00:00:01',
			'assign 10.0.0.2 1500 00:00:00:00:00:02',
			'expire 10.0.0.2 5100 00:00:00:00:00:02',
			'assign 10.0.0.2 6000 00:00:00:00:00:03',
			'renew 10.0.0.2 7800 00:00:00:00:00:03',
			'decline 10.0.0.3 7000 00:00:00:00:00:04',
		],
	);
	assert.equal(events[0].expires, 4600);
	assert.equal(j.size, 3);
	assert.deepEqual(j.current().map(l => l.state), ['released', 'active', 'abandoned']);
	assert.equal(j.current()[1].starts, 6000);
});

test('the quirks fixture: an assignment then a release of 10.1.0.5; backup leases are not events', () => {
	const j = new DhcpdLeaseJournal();
	const events = j.apply(parseDhcpdLeases(readFileSync(fixture('dhcpd', 'quirks.leases'))).entries);
	assert.deepEqual(events.map(e => `${e.kind} ${e.ip}`), ['assign 10.1.0.5', 'release 10.1.0.5']);
	assert.equal(events[0].hostname, 'evil\u001b[2Jhost');
});
