import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IssueLog } from '../../source/formats/format-issue.js';
import { detectLogonFormat, logonFromFields, readLogonFile } from '../../source/formats/logon-records.js';
import { logonAddress, normaliseAccount } from '../../source/domain/logon.js';

async function readAll(file: string, format: 'csv' | 'jsonl', batch?: number) {
	const issues = new IssueLog(file);
	const batches = [];
	for await (const b of readLogonFile(file, format, issues, batch)) batches.push(b);
	return { batches, issues: issues.issues };
}

test('accounts and addresses normalise the way DC events and files write them', () => {
	assert.deepEqual(normaliseAccount('CORP\\Alice'), { user: 'Alice', domain: 'CORP' });
	assert.deepEqual(normaliseAccount('alice@corp.example.com'), { user: 'alice', domain: 'CORP' });
	assert.deepEqual(normaliseAccount('alice', 'corp.example'), { user: 'alice', domain: 'CORP' });
	assert.deepEqual(logonAddress('::ffff:10.0.0.12'), { ip: '10.0.0.12', family: 4 });
	assert.deepEqual(logonAddress('2001:DB8::0:1'), { ip: '2001:db8::1', family: 6 });
	assert.equal(logonAddress('-'), null);
	assert.equal(logonAddress('::1'), null);
	assert.equal(logonAddress('127.0.0.1'), null);
});

test('CSV with loose headers (semicolons, BOM, quoted) streams in batches and reports bad rows by line and field', async () => {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'logons-')), 'radius.csv');
	fs.writeFileSync(file, '\uFEFFEvent Time;USER_NAME;Framed-IP;Workstation;Action\n' + '2026-11-01T08:00:00Z;bob;10.9.0.1;"LAPTOP-1";start\n'.repeat(5) + '2026-11-01T08:00:00Z;bob;10.9.0.1;x;reboot\n1763629200000;carol;;;stop\n');
	const { batches, issues } = await readAll(file, 'csv', 2);
	assert.deepEqual(batches.map(b => b.length), [2, 2, 2]);
	const all = batches.flat();
	assert.deepEqual([all[0].user, all[0].ip, all[0].host, all[0].kind, all[0].ts], ['bob', '10.9.0.1', 'LAPTOP-1', 1, Date.UTC(2026, 10, 1, 8) / 1000]);
	assert.deepEqual([all[5].user, all[5].kind, all[5].ts, all[5].ip], ['carol', 2, 1763629200, null]);
	assert.deepEqual(issues, [{ file, line: 7, message: 'event: "reboot" is not logon, logoff or a Windows logon event id' }]);
});

test('a CSV without a user column is refused at the header; JSON lines keep good lines', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logons-'));
	const csv = path.join(dir, 'x.csv');
	fs.writeFileSync(csv, 'time,ip\n2026-11-01T08:00:00Z,10.0.0.1\n');
	const r = await readAll(csv, 'csv');
	assert.equal(r.batches.length, 0);
	assert.match(r.issues[0].message, /header has no user column/);
	const jsonl = path.join(dir, 'x.jsonl');
	fs.writeFileSync(jsonl, '{"ts":"2026-11-01T08:00:00Z","upn":"dan@corp.example","ClientIP":"::ffff:10.0.0.9"}\n\n[1,2]\n{"ts":"yesterday","user":"x"}\n');
	const j = await readAll(jsonl, 'jsonl');
	assert.deepEqual(j.batches.flat().map(r => [r.user, r.domain, r.ip]), [['dan', 'CORP', '10.0.0.9']]);
	assert.deepEqual(j.issues.map(i => [i.line, i.message.split(':')[0]]), [[3, 'not a JSON object'], [4, 'time']]);
	assert.equal(detectLogonFormat('logons.ndjson', ''), 'jsonl');
	assert.equal(detectLogonFormat('logons', '  {"a":1}'), 'jsonl');
	assert.equal(detectLogonFormat('logons', 'time,user'), 'csv');
	assert.deepEqual(logonFromFields({ time: '2026-11-01T08:00:00Z' }, 's'), { field: 'user', message: 'missing' });
});
