import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseKeaLeases, readKeaLeases } from '../../../source/formats/kea-csv.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture, sample, samplesIn } from './samples.js';

test('v4 journal: last row wins, deletions drop, events follow the journal', () => {
	const r = parseKeaLeases(readFileSync(fixture('kea', 'journal4.csv')), 'journal4.csv');
	assert.equal(r.family, 4);
	const cur = new Map(r.current.map(l => [l.ip, l]));
	assert.deepEqual([...cur.keys()].sort(), ['10.0.1.12', '10.0.1.13', '10.0.1.14', '10.0.1.15']);
	assert.equal(cur.get('10.0.1.12')?.mac, '00:11:22:33:44:04');
	assert.equal(cur.get('10.0.1.13')?.state, 'declined');
	assert.equal(cur.get('10.0.1.14')?.mac, null);
	assert.equal(cur.get('10.0.1.15')?.ends, null);
	assert.equal(cur.get('10.0.1.12')?.scopeKey, '1');
	const ev = r.events.map(e => `${e.kind} ${e.ip} ${e.ts}`);
	assert.deepEqual(ev, [
		'assign 10.0.1.10 1795496400',
		'assign 10.0.1.11 1795496500',
		'renew 10.0.1.10 1795498200',
		'expire 10.0.1.11 1795500100',
		'delete 10.0.1.11 1795500100',
		'release 10.0.1.10 1795498200',
		'assign 10.0.1.12 1795498400',
		'assign 10.0.1.12 1795499400',
		'decline 10.0.1.13 1795499400',
		'assign 10.0.1.14 1795499400',
		'assign 10.0.1.15 0',
	]);
	assert.equal(r.events[6].hostname, 'odd,name');
	assert.equal(r.events[0].expires, 1795500000);
	const issues = r.issues.map(formatIssue);
	assert.deepEqual(issues, [
		'journal4.csv:12: hwaddr "not-a-mac" is not hex octets; kept without it',
		'journal4.csv:13: address "bad-address" is not an IPv4 address; row skipped',
		'journal4.csv:15: 5 columns where the header has 12; row skipped',
	]);
});

test('v6 journal: NA, TA, PD, non-canonical address text, renew', () => {
	const r = parseKeaLeases(readFileSync(fixture('kea', 'journal6.csv')));
	assert.equal(r.family, 6);
	assert.deepEqual(r.issues, []);
	const pd = r.current.find(l => l.leaseType === 'pd');
	assert.deepEqual([pd?.ip, pd?.prefixLen, pd?.iaid], ['2001:db8:ff00::', 56, 3]);
	const ta = r.current.find(l => l.leaseType === 'ta');
	assert.deepEqual([ta?.ip, ta?.mac], ['2001:db8:1::11', '52:54:00:aa:bb:02']);
	assert.equal(r.current.find(l => l.ip === '2001:db8:1::10')?.mac, '52:54:00:aa:bb:01');
	assert.deepEqual(r.events.map(e => e.kind), ['assign', 'assign', 'assign', 'renew']);
	// The holding began with the assign, not with the renewal.
	assert.equal(r.current.find(l => l.ip === '2001:db8:1::10')?.starts, 1795500000 - 7200);
});

test('streaming over several files carries the journal across them', async () => {
	const { journal, issues } = await readKeaLeases([
		{ file: 'a', source: createReadStream(fixture('kea', 'journal6.csv'), { highWaterMark: 50 }) },
		{ file: 'b', source: createReadStream(fixture('kea', 'journal6.csv'), { highWaterMark: 50 }) },
	]);
	assert.deepEqual(issues, []);
	assert.equal(journal.size, 3);
});

test('a file without a Kea header is refused with one issue', () => {
	const r = parseKeaLeases('ip,mac\n10.0.0.1,aa:bb:cc:dd:ee:ff\n', 'x.csv');
	assert.equal(r.rows, 0);
	assert.equal(r.issues.length, 1);
	assert.match(formatIssue(r.issues[0]), /^x\.csv:1: not a Kea memfile header/);
});

test('real Kea samples: every version parses; concrete values', t => {
	const files = samplesIn('kea');
	if (files.length === 0) return t.skip('../shared absent: no kea samples');
	for (const f of files) assert.deepEqual(parseKeaLeases(readFileSync(f), basename(f)).issues, [], basename(f));
	const dump = sample('kea', 'kea-admin-dump-reference_kea-3.x_leases4.csv');
	const stork6 = sample('kea', 'stork_kea-2.7-pool_id_leases6.csv');
	if (!dump || !stork6) return t.skip('../shared absent: kea samples missing');
	const d = parseKeaLeases(readFileSync(dump));
	const by = new Map(d.current.map(l => [l.ip, l]));
	assert.equal(by.get('0.0.0.12')?.hostname, 'three,example,com');
	assert.equal(by.get('0.0.0.11')?.state, 'declined');
	assert.equal(by.get('0.0.0.12')?.state, 'expired');
	assert.equal(by.get('0.0.0.10')?.cltt, 1642000000 - 40);
	const s = parseKeaLeases(readFileSync(stork6));
	assert.equal(s.current.length, 3);
	assert.deepEqual([s.current[1].ip, s.current[1].duid, s.current[1].state], ['51a4:14ec:1::1', '01:00:00:00:00:01', 'expired']);
});

test('Kea escapes: any &#xNN byte (UTF-8 host names), commas in user contexts; Kea 2.x v6 columns with pool_id', () => {
	const r = parseKeaLeases(readFileSync(fixture('kea', 'escapes6.csv')), 'escapes6.csv');
	assert.deepEqual(r.issues, []);
	assert.deepEqual(
		r.current.map(l => [l.ip, l.leaseType, l.iaid, l.prefixLen ?? null, l.hostname, l.mac, l.scopeKey]),
		[
			['2001:db8:72::10', 'na', 16, null, 'café,-10.corp.example.', '00:16:3e:72:00:10', '7'],
			['2001:db8:7200::', 'pd', 17, 56, null, '00:16:3e:72:00:11', '7'],
		],
	);
});
