import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
	jsonItems,
	v4LeasesFromJson,
	v4ReservationsFromJson,
	v4ScopeStatisticsFromJson,
	v4ScopesFromJson,
	v6LeasesFromJson,
	v6ReservationsFromJson,
	v6ScopeStatisticsFromJson,
	v6ScopesFromJson,
} from '../../../source/formats/windows-dhcp-json.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture, sample } from './samples.js';

const read = (name: string) => readFileSync(fixture('windows-powershell', name), 'utf8');

test('5.1 v4 leases: IPAddress objects, \\/Date()\\/, dashed client ids, states; a bad item is reported, others kept', () => {
	const r = v4LeasesFromJson(read('ps51_Get-DhcpServerv4Lease.json'), { source: 'DHCP1 Get-DhcpServerv4Lease' });
	assert.equal(r.records.length, 3);
	const [a, b, c] = r.records;
	assert.deepEqual([a.ip, a.mac, a.clientId, a.state, a.ends, a.scopeKey, a.hostname], ['10.30.0.21', '00:50:56:b0:68:05', null, 'active', 1795600000, '10.30.0.0', 'ws-021.corp.example']);
	assert.deepEqual([b.state, b.ends, b.mac, b.clientId?.startsWith('ff:00:00:00:01')], ['reserved', null, '00:50:56:b0:68:06', true]);
	assert.equal(c.state, 'declined');
	assert.equal(c.hostname, 'bad\u001b[31mhost');
	assert.deepEqual(r.issues.map(formatIssue), ['DHCP1 Get-DhcpServerv4Lease:4: item 4: IPAddress missing or not an IPv4 address']);
});

test('7.x single object with ISO time and a depth WARNING line before the JSON', () => {
	const r = v4LeasesFromJson(read('ps7_Get-DhcpServerv4Lease_single.json'));
	assert.deepEqual(r.issues, []);
	assert.equal(r.records.length, 1);
	assert.equal(r.records[0].ends, Date.parse('2026-11-20T09:30:00Z') / 1000);
	assert.equal(r.records[0].state, 'offered');
});

test('scopes: 5.1 objects and plain strings, mask to prefix, TimeSpan object and text', () => {
	const r = v4ScopesFromJson(read('ps51_Get-DhcpServerv4Scope.json'));
	assert.deepEqual(r.issues, []);
	assert.deepEqual(
		r.records.map(s => [s.key, s.subnet, s.start, s.end, s.name, s.state, s.leaseSeconds]),
		[
			['10.30.0.0', '10.30.0.0/23', '10.30.0.20', '10.30.1.250', 'HQ-F1', 'Active', 691200],
			['10.31.0.0', '10.31.0.0/24', '10.31.0.10', '10.31.0.200', 'Lab', 'Inactive', 86400],
		],
	);
	assert.equal(r.records[0].description, 'HQ floor 1');
	assert.equal(r.records[1].description, undefined);
});

test('statistics: v4 aliases, v6 Uint64 counters beyond 2^53', () => {
	const s4 = v4ScopeStatisticsFromJson(read('ps51_Get-DhcpServerv4ScopeStatistics.json')).records;
	assert.deepEqual(s4, [{ scopeKey: '10.30.0.0', family: 4, free: 11, inUse: 175, reserved: 3, pending: 2, percentInUse: 94.08602 }]);
	const s6 = v6ScopeStatisticsFromJson(read('ps51_Get-DhcpServerv6ScopeStatistics.json')).records;
	assert.equal(s6[0].scopeKey, '2001:db8:30::');
	assert.equal(s6[0].inUse, 12);
	assert.ok(s6[0].free > 1e19);
});

test('reservations: the {"value":[…],"Count":n} wrapper, IPAddress object without IPAddressToString, escaped < >', () => {
	const r = v4ReservationsFromJson(read('ps51_Get-DhcpServerv4Reservation_wrapped.json'));
	assert.deepEqual(r.issues, []);
	assert.deepEqual(r.records.map(x => [x.ip, x.mac, x.name, x.scopeKey]), [
		['10.30.0.5', '00:50:56:b0:00:05', 'printer-1', '10.30.0.0'],
		['10.30.0.6', '00:50:56:b0:00:06', 'printer-2', '10.30.0.0'],
	]);
	assert.equal(r.records[0].description, '2nd floor <HP>');
});

test('v6 scope, leases and a single reservation object', () => {
	const sc = v6ScopesFromJson(read('ps51_Get-DhcpServerv6Scope.json')).records;
	assert.deepEqual([sc[0].key, sc[0].subnet, sc[0].start, sc[0].end, sc[0].leaseSeconds], ['2001:db8:30::', '2001:db8:30::/64', '2001:db8:30::', '2001:db8:30:0:ffff:ffff:ffff:ffff', 1036800]);
	const ls = v6LeasesFromJson(read('ps51_Get-DhcpServerv6Lease.json'), { unspecifiedOffsetMinutes: 60 }).records;
	assert.deepEqual(ls.map(l => [l.ip, l.leaseType, l.iaid, l.mac, l.scopeKey]), [
		['2001:db8:30::1:10', 'na', 234881024, '00:50:56:b0:70:01', '2001:db8:30::'],
		['2001:db8:30::1:11', 'ta', 7, '00:50:56:b0:70:02', '2001:db8:30::'],
	]);
	assert.equal(ls[0].ends, 1795700000);
	assert.equal(ls[1].ends, Date.parse('2026-11-20T09:00:00Z') / 1000);
	const rs = v6ReservationsFromJson(read('ps51_Get-DhcpServerv6Reservation_single.json')).records;
	assert.deepEqual([rs.length, rs[0].ip, rs[0].iaid, rs[0].name], [1, '2001:db8:30::5', 1, 'srv6']);
});

test('empty output is no records; garbage output is one issue', () => {
	assert.deepEqual(jsonItems(read('empty.json')), []);
	assert.deepEqual(v4LeasesFromJson('').records, []);
	const bad = v4LeasesFromJson('Get-DhcpServerv4Lease : Failed to get leases', { source: 'DHCP9' });
	assert.equal(bad.records.length, 0);
	assert.match(formatIssue(bad.issues[0]), /^DHCP9:0: output is not JSON/);
});

test('real 5.1 capture of Get-DhcpServerv4Scope', t => {
	const p = sample('windows-powershell', 'gowindows_ps51_Get-DhcpServerv4Scope_compress.json');
	if (!p) return t.skip('../shared absent: windows-powershell sample missing');
	const r = v4ScopesFromJson(readFileSync(p, 'utf8'));
	assert.deepEqual(r.records.map(s => [s.key, s.subnet, s.start, s.end, s.name, s.description, s.leaseSeconds]), [
		['192.168.10.0', '192.168.10.0/24', '192.168.10.5', '192.168.10.10', 'test', 'Test description', 691200],
	]);
});
