import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DhcpdLeaseParser, DhcpdLeaseReducer, parseDhcpdLeases, readDhcpdLeases, type DhcpdLeaseEntry } from '../../../source/formats/dhcpd-leases.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture, sample, samplesIn } from './samples.js';

const leasesOf = (entries: DhcpdLeaseEntry[]) => entries.flatMap(e => (e.type === 'lease' ? [e.lease] : []));
const utc = (s: string) => Date.parse(`${s}Z`) / 1000;

test('quirks fixture: tabs, octal uid, escapes, epoch, never, backup, nested on-blocks, hosts, failover', () => {
	const { entries, issues } = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'quirks.leases')), { file: 'quirks.leases' });
	assert.deepEqual(issues, []);
	const leases = leasesOf(entries);
	assert.equal(leases.length, 3);
	const first = leases[0];
	assert.equal(first.ip, '10.1.0.5');
	assert.equal(first.state, 'active');
	assert.equal(first.starts, utc('2026-11-18T09:00:00'));
	assert.equal(first.ends, utc('2026-11-18T21:00:00'));
	assert.equal(first.mac, '00:50:56:b0:68:05');
	assert.equal(first.clientId, '01:00:50:56:b0:68:05');
	assert.equal(first.vendorClass, 'MSFT 5.0');
	// The escape sequence survives parsing raw: sanitizing is the display's job.
	assert.equal(first.hostname, 'evil\u001b[2Jhost');
	const second = leases[1];
	assert.equal(second.starts, 1795510800);
	assert.equal(second.ends, null);
	assert.equal(second.state, 'backup');
	assert.equal(second.clientId, '01:00:50:56:b0:68:06');
	assert.equal(leases[2].hostname, 'café');

	const reducer = new DhcpdLeaseReducer();
	reducer.add(entries);
	const current = reducer.current();
	assert.deepEqual(current.map(l => `${l.ip} ${l.state}`).sort(), ['10.1.0.5 released', '10.1.0.6 backup']);
	assert.deepEqual(reducer.reservations().map(r => `${r.name} ${r.ip} ${r.mac}`), ['pinned 10.1.0.200 00:50:56:b0:00:01']);
	assert.equal(reducer.serverDuid, '00:01:00:01:1e:19:e8:a1:00:0c:29:e5:10:32');
	const failover = entries.find(e => e.type === 'failover');
	assert.deepEqual(failover && failover.type === 'failover' && [failover.peer, failover.myState], ['dhcp-ha', 'normal']);
});

test('v6 variants: ia-na with two addresses, ia-ta, ia-pd prefix, empty ia, IAID byte order, canonical addresses', () => {
	const { entries, issues } = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'v6-variants.leases')));
	assert.deepEqual(issues, []);
	const leases = leasesOf(entries);
	assert.deepEqual(
		leases.map(l => [l.ip, l.leaseType, l.prefixLen ?? null, l.iaid, l.state]),
		[
			['2001:db8:0:1::10', 'na', null, 1, 'active'],
			['2001:db8:0:1::11', 'na', null, 1, 'expired'],
			['2001:db8:0:1::99', 'ta', null, 2, 'active'],
			['2001:db8:ff00::', 'pd', 56, 3, 'active'],
		],
	);
	assert.equal(leases[0].duid, '00:03:00:01:00:56:2b:04:57:c9');
	assert.equal(leases[0].mac, '00:56:2b:04:57:c9');
	assert.equal(leases[0].cltt, utc('2026-11-18T09:00:00'));
	assert.equal(leases[2].ends, null);
	const big = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'v6-variants.leases')), { byteOrder: 'big-endian' });
	assert.equal(leasesOf(big.entries)[0].iaid, 0x01000000);
});

test('truncated file: good blocks kept, the cut block reported with file and line', () => {
	const { entries, issues } = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'truncated.leases')), { file: 'truncated.leases' });
	assert.deepEqual(leasesOf(entries).map(l => l.ip), ['10.2.0.1']);
	assert.equal(issues.length, 1);
	assert.match(formatIssue(issues[0]), /^truncated\.leases:6: file ends inside the lease block/);
});

test('corrupt blocks are reported and skipped; parsing continues with the next block', () => {
	const { entries, issues } = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'corrupt.leases')), { file: 'corrupt.leases' });
	assert.deepEqual(leasesOf(entries).map(l => `${l.ip} ${l.state}`), ['10.3.0.1 active', '10.3.0.5 free']);
	const lines = issues.map(formatIssue);
	assert.ok(lines.some(l => /^corrupt\.leases:7: starts: .* is not a dhcpd time/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /^corrupt\.leases:10: statement without ';'.*lease block at line 6 skipped/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /^corrupt\.leases:12: lease address "999\.3\.0\.3"/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /^corrupt\.leases:15: lease block not closed before a new block at line 17/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /^corrupt\.leases:18: unknown binding state "sideways"/.test(l)), lines.join('\n'));
	assert.ok(lines.some(l => /^corrupt\.leases:21: '}' without an open block/.test(l)), lines.join('\n'));
});

test('chunk boundaries anywhere give the same entries as one push', () => {
	const bytes = readFileSync(fixture('dhcpd', 'quirks.leases'));
	const whole = parseDhcpdLeases(bytes).entries;
	for (const size of [1, 7, 64]) {
		const parser = new DhcpdLeaseParser();
		const got: DhcpdLeaseEntry[] = [];
		for (let i = 0; i < bytes.length; i += size) {
			parser.push(bytes.subarray(i, i + size));
			got.push(...parser.take());
		}
		parser.end();
		got.push(...parser.take());
		assert.deepEqual(got, whole, `chunk size ${size}`);
	}
});

test('streaming reader delivers batches and the reducer yields the last entry per address', async () => {
	const reducer = new DhcpdLeaseReducer();
	let batches = 0;
	const result = await readDhcpdLeases(createReadStream(fixture('dhcpd', 'quirks.leases'), { highWaterMark: 128 }), e => {
		batches++;
		reducer.add(e);
	});
	assert.ok(batches > 1);
	assert.deepEqual(result.issues, []);
	assert.equal(reducer.current().find(l => l.ip === '10.1.0.5')?.state, 'released');
});

test('every real dhcpd sample parses without issues', t => {
	const files = samplesIn('dhcpd');
	if (files.length === 0) return t.skip('../shared absent: no dhcpd samples');
	for (const f of files) {
		const { entries, issues } = parseDhcpdLeases(readFileSync(f), { file: basename(f) });
		assert.deepEqual(issues.map(formatIssue), [], basename(f));
		assert.ok(entries.length > 0, basename(f));
	}
});

test('real samples: concrete values', t => {
	const tab = sample('dhcpd', 'metal-bmc_dhcpd.leases_tab-indented');
	const hosts = sample('dhcpd', 'foreman-smart-proxy_dhcpd.leases_with-host-blocks');
	const epoch = sample('dhcpd', 'python-isc-dhcp-leases_epoch.leases');
	const options = sample('dhcpd', 'python-isc-dhcp-leases_options.leases');
	const v6 = sample('dhcpd', 'python-isc-dhcp-leases_dhcpd6-4.3.3.leases');
	if (!tab || !hosts || !epoch || !options || !v6) return t.skip('../shared absent: dhcpd samples missing');
	const [a] = leasesOf(parseDhcpdLeases(readFileSync(tab)).entries);
	assert.deepEqual([a.ip, a.mac, a.clientId, a.vendorClass, a.starts], ['192.168.2.27', 'ac:1f:6b:35:ac:62', '01:ac:1f:6b:35:ac:62', 'udhcp 1.23.1', utc('2019-06-27T06:40:21')]);

	const r = new DhcpdLeaseReducer();
	r.add(parseDhcpdLeases(readFileSync(hosts)).entries);
	const byName = new Map(r.reservations().map(x => [x.name, x.ip]));
	assert.equal(byName.get('ten.example.com'), '192.168.122.10');
	assert.equal(byName.get('undeleted.example.com'), '192.168.122.35');
	assert.equal(byName.has('deleteme.example.com'), false);

	const [e1] = leasesOf(parseDhcpdLeases(readFileSync(epoch)).entries);
	assert.deepEqual([e1.starts, e1.ends, e1.state, e1.clientId], [1507216949, 1508141363, 'backup', '01:00:21:cc:06:94:e9']);

	const [o] = parseDhcpdLeases(readFileSync(options)).entries;
	assert.ok(o.type === 'lease');
	assert.equal(o.lease.hostname, 'KRONOS');
	assert.equal(o.agent?.['circuit-id'], '0:1:3:e9');

	const six = leasesOf(parseDhcpdLeases(readFileSync(v6)).entries);
	const pd = six.find(l => l.leaseType === 'pd');
	assert.deepEqual([pd?.ip, pd?.prefixLen, pd?.duid], ['2001:10:30:ff00::', 56, '00:01:00:01:1d:34:4c:00:00:25:90:6b:a1:34']);
});

test('on-event statements whose conditions dhcpd wraps over several lines do not cost the lease (v4 and v6)', () => {
	const { entries, issues } = parseDhcpdLeases(readFileSync(fixture('dhcpd', 'ddns-wrapped.leases')), { file: 'ddns-wrapped.leases' });
	assert.deepEqual(issues, []);
	const leases = leasesOf(entries);
	assert.deepEqual(
		leases.map(l => [l.ip, l.state, l.mac, l.hostname ?? null, l.iaid ?? null]),
		[
			['10.20.0.15', 'active', '00:50:56:b0:20:15', 'laptop-15', null],
			['2001:db8:20::16', 'active', '00:50:56:b0:20:16', null, 15],
		],
	);
	assert.equal(leases[0].clientId, '01:00:50:56:b0:20:15');
	// A statement the block level reads still has to end with ';'.
	const broken = parseDhcpdLeases('lease 10.20.0.17 {\n  binding state active\n  hardware ethernet 00:50:56:b0:20:17;\n}\n');
	assert.equal(leasesOf(broken.entries).length, 0);
	assert.match(broken.issues[0].message, /statement without ';'/);
});
