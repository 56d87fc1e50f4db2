import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseWindowsAuditLog } from '../../../source/formats/windows-audit-log.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture, sample, samplesIn } from './samples.js';

const utc = (s: string) => Date.parse(`${s}Z`) / 1000;

test('v4 log with BOM header: event IDs map to kinds, local time with an offset, bare hex MACs, user, vendor class', () => {
	const bytes = readFileSync(fixture('windows-dhcp-log', 'DhcpSrvLog-Wed.log'));
	const r = parseWindowsAuditLog(bytes, { file: 'DhcpSrvLog-Wed.log', clock: { utcOffsetMinutes: 60 } });
	const ev = r.events.map(e => `${e.kind} ${e.ip} ${e.mac}`);
	assert.deepEqual(ev, [
		'assign 10.20.0.10 00:15:5d:0a:0b:0c',
		'renew 10.20.0.10 00:15:5d:0a:0b:0c',
		'release 10.20.0.10 00:15:5d:0a:0b:0c',
		'conflict 10.20.0.11 null',
		'delete 10.20.0.12 00:15:5d:0a:0b:0d',
		'expire 10.20.0.13 00:15:5d:0a:0b:0e',
		'assign 10.20.0.15 00:15:5d:0a:0b:11',
		'assign 10.20.0.16 00:15:5d:0a:0b:12',
		'renew 10.20.0.15 00:15:5d:0a:0b:11',
	]);
	assert.equal(r.events[0].ts, utc('2026-11-18T08:00:00'));
	assert.equal(r.events[0].user, 'CORP\\alice');
	assert.equal(r.events[0].vendorClass, 'MSFT 5.0');
	assert.equal(r.events[0].hostname, 'pc-10.corp.example');
	assert.equal(r.events[6].hostname, 'café-01');
	assert.equal(r.events[7].hostname, 'zürich-02');
	assert.equal(r.nextOffset, bytes.length);
	assert.equal(r.dataRows, 13);
	assert.deepEqual(r.issues.map(formatIssue), [
		'DhcpSrvLog-Wed.log:17: date/time "13/45/26 18:07:00" is not MM/DD/YY HH:MM:SS; row skipped',
		'DhcpSrvLog-Wed.log:18: event 10: IP address "not-an-ip" is missing or invalid; row skipped',
	]);
});

test('incremental reads: an unterminated tail is left for next time, then read from the cursor', () => {
	const bytes = readFileSync(fixture('windows-dhcp-log', 'DhcpSrvLog-Wed.log'));
	const first = parseWindowsAuditLog(bytes, { clock: { utcOffsetMinutes: 0 }, leaveUnterminated: true });
	assert.equal(first.events.length, 8);
	assert.ok(first.nextOffset < bytes.length);
	const grown = Buffer.concat([bytes, Buffer.from('\r\n12,11/18/26,19:00:00,Release,10.20.0.16,,00155D0A0B12,\r\n')]);
	const second = parseWindowsAuditLog(grown, { clock: { utcOffsetMinutes: 0 }, startOffset: first.nextOffset, leaveUnterminated: true });
	assert.deepEqual(second.events.map(e => `${e.kind} ${e.ip}`), ['renew 10.20.0.15', 'release 10.20.0.16']);
	assert.equal(second.nextOffset, grown.length);
});

test('a DST time zone is honoured per date', () => {
	const log = Buffer.from('10,01/15/26,12:00:00,Assign,10.0.0.1,a,001122334455,\n10,07/15/26,12:00:00,Assign,10.0.0.2,b,001122334456,\n');
	const r = parseWindowsAuditLog(log, { clock: { timeZone: 'Europe/Paris' } });
	assert.deepEqual(r.events.map(e => e.ts), [utc('2026-01-15T11:00:00'), utc('2026-07-15T10:00:00')]);
	assert.throws(() => parseWindowsAuditLog(log, { clock: { timeZone: 'Mars/Olympus' } }), RangeError);
});

test('v6 log: request/renew/release, DUID bytes, user, Solicit and service rows are not lease events', () => {
	const r = parseWindowsAuditLog(readFileSync(fixture('windows-dhcp-log', 'DhcpV6SrvLog-Wed.log')), { clock: { utcOffsetMinutes: 0 } });
	assert.deepEqual(r.events.map(e => `${e.kind} ${e.ip}`), ['assign 2001:db8:20::10', 'renew 2001:db8:20::10', 'release 2001:db8:20::10']);
	assert.equal(r.events[0].duid, '00:01:00:01:2c:5e:3f:10:00:11:22:33:44:55');
	assert.equal(r.events[0].mac, '00:11:22:33:44:55');
	assert.equal(r.events[0].user, 'CORP\\bob');
	assert.equal(r.events[0].family, 6);
});

test('real audit-log samples: every file parses; concrete values', t => {
	const files = samplesIn('windows-dhcp-log');
	if (files.length === 0) return t.skip('../shared absent: no windows-dhcp-log samples');
	for (const f of files) {
		const r = parseWindowsAuditLog(readFileSync(f), { file: basename(f), clock: { utcOffsetMinutes: 0 } });
		assert.ok(r.dataRows > 0, basename(f));
	}
	const v4 = sample('windows-dhcp-log', 'elastic_DhcpSrvLog_event-lines_no-header.log');
	const hdr = sample('windows-dhcp-log', 'kinesis-agent-windows_DhcpSrvLog_with-header_utf8-bom.log');
	const v6 = sample('windows-dhcp-log', 'elastic_DhcpV6SrvLog_event-lines_no-header.log');
	if (!v4 || !hdr || !v6) return t.skip('../shared absent: windows-dhcp-log samples missing');
	const a = parseWindowsAuditLog(readFileSync(v4), { clock: { utcOffsetMinutes: 0 } });
	assert.deepEqual(a.events.map(e => `${e.kind} ${e.ip} ${e.mac} ${e.vendorClass ?? ''}`), ['assign 192.0.2.10 null ', 'assign 192.0.2.20 null MSFT 5.0', 'expire 8.8.8.8 null ']);
	assert.equal(a.events[0].ts, utc('2001-01-01T01:01:01'));
	assert.equal(a.dataRows, 17);
	const h = parseWindowsAuditLog(readFileSync(hdr), { clock: { utcOffsetMinutes: 0 } });
	assert.ok(h.dataRows > 0);
	assert.deepEqual(h.issues, []);
	const six = parseWindowsAuditLog(readFileSync(v6), { clock: { utcOffsetMinutes: 0 } });
	assert.equal(six.events.length, 4);
	assert.equal(six.events[0].duid, '00:04:a3:44:73:bf:c2:7f:c5:5b:25:e8:6a:f0:e1:76:1d:aa');
	assert.equal(six.events[0].ts, utc('2021-12-06T12:43:57'));
});

test('wall-clock formatting is the inverse of reading local times', async () => {
	const { WallClockFormatter, LocalClock } = await import('../../../source/formats/local-time.js');
	const f = new WallClockFormatter({ timeZone: 'America/New_York' });
	const back = new LocalClock({ timeZone: 'America/New_York' });
	for (const t of [utc('2026-01-15T17:00:00'), utc('2026-07-04T03:59:59'), utc('2026-11-01T12:00:00')]) {
		const p = f.parts(t);
		assert.equal(back.epoch(p.year, p.month, p.day, p.hour, p.minute, p.second), t);
	}
	assert.equal(f.parts(utc('2026-01-15T17:00:00')).hour, 12);
	assert.equal(f.parts(utc('2026-01-15T17:00:00')).weekday, 4);
});

test('holding starts from the log date the leases a lease list reports without start times', async () => {
	const { HoldingStarts } = await import('../../../source/formats/windows-audit-log.js');
	const bytes = readFileSync(fixture('windows-dhcp-log', 'DhcpSrvLog-Wed.log'));
	const r = parseWindowsAuditLog(bytes, { clock: { utcOffsetMinutes: 0 } });
	const h = new HoldingStarts();
	h.add(r.events);
	const leases = h.date([
		{ ip: '10.20.0.10', mac: '00:15:5d:0a:0b:0c', starts: null },
		{ ip: '10.20.0.15', mac: '00:15:5d:0a:0b:11', starts: null },
		{ ip: '10.20.0.16', mac: '00:15:5d:0a:0b:99', starts: null },
	]);
	// .10 was released; .15 was assigned at 18:09 (and renewed later); .16 belongs to another client now.
	assert.deepEqual(leases.map(l => l.starts), [null, utc('2026-11-18T18:09:00'), null]);
});

test('a holding older than the logs is dated from its first renewal in them', async () => {
	const { HoldingStarts } = await import('../../../source/formats/windows-audit-log.js');
	const log = Buffer.from('11,11/18/26,08:00:00,Renew,10.0.0.7,a,001122334455,\n11,11/18/26,12:00:00,Renew,10.0.0.7,a,001122334455,\n');
	const h = new HoldingStarts();
	h.add(parseWindowsAuditLog(log, { clock: { utcOffsetMinutes: 0 } }).events);
	assert.equal(h.date([{ ip: '10.0.0.7', mac: '00:11:22:33:44:55', starts: null }])[0].starts, utc('2026-11-18T08:00:00'));
});
