import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDhcpdConf } from '../../../source/formats/dhcpd-conf.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture } from './samples.js';

test('subnets, shared network, pools, bootp ranges, single-address range, options inherited in any order', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'dhcpd.conf'));
	const v4 = r.config.scopes.filter(s => s.family === 4);
	assert.deepEqual(v4.map(s => [s.subnet, s.start, s.end, s.name ?? null]), [
		['10.40.0.0/24', '10.40.0.100', '10.40.0.199', 'HQ-floor1'],
		['10.40.0.0/24', '10.40.0.200', '10.40.0.220', 'HQ-floor1'],
		['10.40.1.0/24', '10.40.1.10', '10.40.1.250', 'HQ-floor1'],
		['10.40.2.0/24', '10.40.2.50', '10.40.2.50', null],
		['10.40.2.0/24', '10.40.2.60', '10.40.2.69', null],
		['10.40.8.0/24', '10.40.8.10', '10.40.8.20', null],
	]);
	assert.equal(v4[1].options?.dynamicBootp, true);
	assert.equal(v4[2].options?.routers, '10.40.1.1');
	assert.equal(v4[2].leaseSeconds, 3600);
	assert.equal(v4[0].leaseSeconds, 43200);
	assert.deepEqual(v4[0].options?.['domain-name-servers'], ['10.0.0.53', '10.0.0.54']);
	assert.equal(r.config.options?.['domain-name'], 'corp.example');
	assert.ok(r.subnets.some(s => s.cidr === '10.40.9.0/24'));
	assert.equal(new Set(r.config.scopes.map(s => s.key)).size, r.config.scopes.length);
});

test('v6: range6 pair, range6 prefix temporary, prefix6 delegation, host with DUID', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'dhcpd.conf'));
	const v6 = r.config.scopes.filter(s => s.family === 6);
	assert.deepEqual(v6.map(s => [s.subnet, s.start, s.end]), [
		['2001:db8:40::/64', '2001:db8:40::1000', '2001:db8:40::1fff'],
		['2001:db8:40::/64', '2001:db8:40::', '2001:db8:40::ff'],
		['2001:db8:40::/64', '2001:db8:4100::', '2001:db8:41ff:ff:ffff:ffff:ffff:ffff'],
	]);
	assert.equal(v6[1].options?.temporary, true);
	assert.equal(v6[2].options?.delegatedLength, 56);
	const srv6 = r.config.reservations.find(x => x.name === 'srv6');
	assert.deepEqual([srv6?.ip, srv6?.duid, srv6?.scopeKey], ['2001:db8:40::6', '00:01:00:01:2c:5e:3f:10:00:11:22:aa:bb:06', v6[0].key]);
});

test('hosts: fixed-address lists, quoted names, client identifiers, names not resolved', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'dhcpd.conf'));
	const v4 = r.config.reservations.filter(x => x.family === 4);
	assert.deepEqual(v4.map(x => [x.name, x.ip, x.mac]), [
		['printer-1', '10.40.0.5', '00:11:22:aa:bb:01'],
		['printer-2', '10.40.0.6', '00:11:22:aa:bb:02'],
		['printer-2', '10.40.1.6', '00:11:22:aa:bb:02'],
	]);
	assert.equal(v4[1].clientId, '01:00:11:22:aa:bb:02');
	assert.equal(v4[0].scopeKey, r.config.scopes[0].key);
	assert.ok(r.issues.some(i => /host by-name: fixed-address "printer3\.corp\.example" is a name/.test(i.message)));
});

test('include loops are reported and not followed; a missing include is reported; reading finishes', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'dhcpd.conf'));
	const lines = r.issues.map(formatIssue);
	assert.ok(lines.some(l => /loop-b\.conf:2: include loop: .*dhcpd\.conf → .*loop-a\.conf → .*loop-b\.conf → .*loop-a\.conf; not followed/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /dhcpd\.conf:58: cannot read .*missing\.conf/.test(l)), lines.join('\n'));
	assert.equal(r.files.length, 4);
	assert.equal(r.issues.length, 3, lines.join('\n'));
});

test('bad statements name file and line; good ranges are kept', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'broken.conf'));
	const lines = r.issues.map(formatIssue).map(l => l.replace(/^[^:]*\//, ''));
	assert.deepEqual(r.config.scopes.map(s => `${s.start}-${s.end}`), ['10.60.0.1-10.60.0.2', '10.50.1.10-10.50.1.20']);
	assert.deepEqual(lines, [
		'broken.conf:5: statement "option routers 10.50.0.1" has no \';\' before \'}\'',
		'broken.conf:7: block opened here is not closed before the end of the file',
		'broken.conf:2: range end 10.50.0.5 is before its start 10.50.0.10; skipped',
		'broken.conf:3: range 10.60.0.1–10.60.0.2 is outside subnet 10.50.0.0/24',
		'broken.conf:4: range "bogus" is not one or two IPv4 addresses; skipped',
	]);
});

test('v6 forms: range6 <address> temporary is its /64, "prefix6 … / 60" with a spaced length, fixed-prefix6 reservations', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'v6-forms.conf'));
	assert.deepEqual(r.issues.map(formatIssue), []);
	assert.deepEqual(
		r.config.scopes.map(s => [s.subnet, s.start, s.end, s.name ?? null, s.options?.temporary ?? null, s.options?.delegatedLength ?? null]),
		[
			['2001:db8:60::/64', '2001:db8:60::', '2001:db8:60:0:ffff:ffff:ffff:ffff', 'lab-v6', true, null],
			['2001:db8:60::/64', '2001:db8:6100::', '2001:db8:61f0:f:ffff:ffff:ffff:ffff', 'lab-v6', null, 60],
		],
	);
	assert.deepEqual(
		r.config.reservations.map(x => [x.name, x.ip, x.duid, x.options?.prefixLen ?? null]),
		[
			['cpe-1', '2001:db8:60::61', '00:01:00:01:2c:5e:3f:10:00:11:22:aa:bb:61', null],
			['cpe-1', '2001:db8:6200::', '00:01:00:01:2c:5e:3f:10:00:11:22:aa:bb:61', 56],
		],
	);
});

test('pools declared in a shared-network belong to the subnet that holds their range', async () => {
	const r = await readDhcpdConf(fixture('dhcpd-conf', 'shared-pool.conf'));
	assert.deepEqual(r.issues.map(formatIssue), []);
	assert.deepEqual(
		r.config.scopes.map(s => [s.key, s.subnet, s.name ?? null]),
		[
			['10.90.1.0/24 10.90.1.50-10.90.1.99', '10.90.1.0/24', 'campus'],
			['10.90.0.0/24 10.90.0.100-10.90.0.199', '10.90.0.0/24', 'campus'],
		],
	);
});
