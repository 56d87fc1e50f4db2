import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDnsmasqLeases } from '../../../source/formats/dnsmasq-leases.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture, sample, samplesIn } from './samples.js';

test('quirks: zero expiry, * hostname, same MAC twice, hardware-type prefixes, duid line, temporary v6', () => {
	const r = parseDnsmasqLeases(readFileSync(fixture('dnsmasq', 'quirks.leases'), 'utf8'), { file: 'quirks.leases' });
	const by = new Map(r.leases.map(l => [l.ip, l]));
	assert.equal(by.get('192.168.0.3')?.ends, null);
	assert.equal(by.get('10.10.10.1')?.hostname, null);
	assert.equal(by.get('10.10.10.1')?.clientId, null);
	assert.equal(by.get('10.10.10.2')?.mac, 'de:ad:be:af:de:ad');
	assert.equal(by.get('10.10.10.1')?.mac, by.get('10.10.10.2')?.mac);
	const ib = by.get('10.10.10.3');
	assert.equal(ib?.mac, null);
	assert.equal(ib?.clientId?.split(':').length, 21);
	assert.equal(by.get('10.10.10.4')?.mac, '00:11:22:33:44:55');
	assert.equal(r.serverDuid, '00:01:00:01:2c:aa:bb:cc:52:54:00:11:22:33');
	const v6 = by.get('2001:db8::5');
	assert.deepEqual([v6?.family, v6?.iaid, v6?.leaseType, v6?.duid, v6?.mac], [6, 1234, 'na', '00:03:00:01:52:54:00:aa:bb:cc', '52:54:00:aa:bb:cc']);
	assert.deepEqual([by.get('2001:db8::6')?.leaseType, by.get('2001:db8::6')?.iaid, by.get('2001:db8::6')?.hostname], ['ta', 77, null]);
	assert.equal(r.lengths, false);
	assert.deepEqual(r.issues.map(formatIssue), ['quirks.leases:9: expected "<expiry> <mac|iaid> <address> <hostname> [client-id]", found 3 fields']);
});

test('real samples parse; concrete values; lease-length files are read relative to now', t => {
	const files = samplesIn('dnsmasq');
	if (files.length === 0) return t.skip('../shared absent: no dnsmasq samples');
	for (const f of files) assert.deepEqual(parseDnsmasqLeases(readFileSync(f, 'utf8'), { file: basename(f) }).issues, [], basename(f));
	const hncp = sample('dnsmasq', 'hncp-lab_dnsmasq.leases');
	const lengths = sample('dnsmasq', 'dnsmasq-discovery_lease-length-and-zero-expiry.leases');
	if (!hncp || !lengths) return t.skip('../shared absent: dnsmasq samples missing');
	const h = parseDnsmasqLeases(readFileSync(hncp, 'utf8')).leases;
	assert.equal(h.length, 5);
	assert.deepEqual([h[0].ip, h[0].mac, h[0].hostname, h[0].ends, h[0].clientId], ['192.168.10.86', '28:ba:b5:de:64:e7', 'android-33ae77ed07db0e97', 1500872718, '01:28:ba:b5:de:64:e7']);
	assert.equal(h[4].clientId, null);
	const l = parseDnsmasqLeases(readFileSync(lengths, 'utf8'), { now: 1_800_000_000 });
	assert.equal(l.lengths, true);
	assert.equal(l.leases[0].ends, 1_800_086_400);
	assert.equal(l.leases.find(x => x.ip === '192.168.0.2')?.ends, null);
});
