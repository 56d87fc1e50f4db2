import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDhcpdIa, formatDhcpdLease, formatLeaseTime } from '../../../source/formats/dhcpd-leases-writer.js';
import { parseDhcpdLeases } from '../../../source/formats/dhcpd-leases.js';
import type { LeaseRecord } from '../../../source/domain/dhcp.js';

test('times are written as dhcpd does: weekday, UTC date and time, or never', () => {
	assert.equal(formatLeaseTime(Date.parse('2026-11-18T09:05:07Z') / 1000), '3 2026/11/18 09:05:07');
	assert.equal(formatLeaseTime(Date.parse('2024-02-29T23:59:59Z') / 1000), '4 2024/02/29 23:59:59');
	assert.equal(formatLeaseTime(null), 'never');
});

test('written blocks read back to the same lease, escapes included', () => {
	const lease: LeaseRecord = {
		family: 4,
		ip: '10.9.8.7',
		state: 'active',
		starts: 1795000000,
		ends: 1795043200,
		cltt: 1795000000,
		mac: '00:50:56:b0:68:05',
		clientId: '01:00:50:56:b0:68:05',
		hostname: 'q"uote\\back\u001b[1mé',
		vendorClass: 'MSFT 5.0',
	};
	const { entries, issues } = parseDhcpdLeases(formatDhcpdLease(lease));
	assert.deepEqual(issues, []);
	assert.equal(entries[0].type, 'lease');
	assert.deepEqual(entries[0].type === 'lease' && entries[0].lease, lease);
});

test('written ia-na blocks read back with IAID, DUID and times', () => {
	const lease: LeaseRecord = {
		family: 6,
		ip: '2001:db8:40::1005',
		state: 'active',
		ends: 1795043200,
		leaseType: 'na',
		duid: '00:03:00:01:00:50:56:b0:68:05',
		iaid: 305419896,
		cltt: 1795000000,
		mac: '00:50:56:b0:68:05',
	};
	const { entries, issues } = parseDhcpdLeases(formatDhcpdIa(lease));
	assert.deepEqual(issues, []);
	assert.deepEqual(entries[0].type === 'lease' && entries[0].lease, lease);
});
