import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectLogons, logonCommand, parsePage, psComputerName } from '../../source/collectors/windows-logons/index.js';
import { parseEventXml } from '../../source/collectors/windows-logons/event-xml.js';
import { Store } from '../../store/database.js';
import { insertLogons } from '../../store/logons.js';
import { trackAddress } from '../../store/tracking.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'windows-logons');
process.env.NODE_POWERSHELL = path.join(fixtures, 'fake-pwsh.mjs');
process.env.FAKE_PWSH_ROUTES = path.join(fixtures, 'routes.json');
const dc = (name: string) => ({ id: 7, name, address: '' });

test('event XML: System fields, Data by name, entities, long fractions, both quote styles', () => {
	const page = parsePage(fs.readFileSync(path.join(fixtures, 'ps51_Get-WinEvent_security_page1.json'), 'utf8'));
	const first = parseEventXml(page[0]);
	assert.deepEqual([first.id, first.version, first.recordId, first.ts, first.computer], [4624, 2, 1001, Date.UTC(2026, 0, 28, 13, 19, 22) / 1000, 'DC1.corp.example']);
	assert.equal(first.data.IpAddress, '10.1.2.34');
	const kerberos = parseEventXml(page[4]);
	assert.match(kerberos.data.ClientAdvertizedEncryptionTypes, /AES256[\s\S]*RC4-HMAC-NT/);
	assert.equal(parseEventXml(page[8]).data.WorkstationName, 'LAPTOP-9');
	assert.equal(parseEventXml(page[9]).data.WorkstationName, 'EVIL\u001b[2J<x>');
	assert.throws(() => parseEventXml(page[10]), /no <System>/);
});

test('the command is one line, quotes the computer name and refuses anything else', () => {
	const cmd = logonCommand('dc1.corp.example', 1769606362, 5000);
	assert.ok(!cmd.includes('\n'));
	assert.match(cmd, /-ComputerName 'dc1\.corp\.example' -FilterHashtable \$f -MaxEvents 5000 -Oldest/);
	assert.match(cmd, /FromUnixTimeSeconds\(1769606362\)/);
	assert.throws(() => psComputerName("dc1'; Remove-Item C:\\ -Recurse; '"), /not a computer name/);
	assert.throws(() => psComputerName('$(evil)'), /not a computer name/);
});

test('Get-WinEvent through node-powershell (recorded shapes): people kept, failures and anonymous dropped', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-pwsh-'));
	t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
	const log = path.join(dir, 'commands.log');
	process.env.FAKE_PWSH_LOG = log;
	const got = await collectLogons(dc('dc1'), { since: 0 });
	delete process.env.FAKE_PWSH_LOG;
	assert.equal(got.events, 11);
	assert.equal(got.problems.length, 1);
	assert.match(got.problems[0], /no <System>/);
	const summary = got.records.map(r => [r.kind, r.user, r.domain, r.host, r.ip]);
	assert.deepEqual(summary, [
		[4624, 'alice', 'CORP', 'PC-001', '10.1.2.34'],
		[4624, 'PC-001$', 'CORP', null, '10.1.2.34'],
		[4768, 'alice', 'CORP', null, '10.1.2.34'],
		[4769, 'bob', 'CORP', null, '10.1.2.40'],
		[4634, 'alice', 'CORP', null, null],
		[4624, 'carol', 'CORP', null, null],
		[4624, 'dave', 'CORP', 'LAPTOP-9', '2001:db8::25'],
		[4624, 'eve', 'CORP', 'EVIL\u001b[2J<x>', '10.1.2.60'],
	]);
	assert.equal(got.records[0].logonId, '0x1a2b3c');
	assert.equal(got.records[4].logonId, '0x1a2b3c');
	assert.equal(got.since, Date.UTC(2026, 0, 28, 17, 2, 44) / 1000);
	assert.equal(got.records[0].source, 'dc:dc1');
	const sent = fs.readFileSync(log, 'utf8').trim().split('\n').map(l => JSON.parse(l) as string);
	assert.equal(sent.length, 1);
	assert.match(sent[0], /Get-WinEvent -ComputerName 'dc1'/);
});

test('NoMatchingEventsFound is an empty result, as JSON or as a stderr error record; other errors are reported', async () => {
	assert.deepEqual((await collectLogons(dc('dc-empty'))).records, []);
	assert.deepEqual((await collectLogons(dc('dc-empty-stderr'))).records, []);
	await assert.rejects(collectLogons(dc('dc-down')), /Get-WinEvent failed: The RPC server is unavailable/);
	await assert.rejects(collectLogons(dc('dc-slow'), { timeoutMs: 300 }), /dc-slow/);
	assert.deepEqual(parsePage(''), []);
	assert.throws(() => parsePage('WARNING: something'), /not JSON/);
});

test('pages follow the cursor until a short page', async () => {
	const got = await collectLogons(dc('dc-paged'), { pageSize: 2 });
	assert.deepEqual(got.records.map(r => r.user), ['alice', 'PC-001$', 'alice']);
	assert.equal(got.records[2].kind, 4634);
});

test('collected logons land in the store (computer accounts dropped) and name the user of an address', async () => {
	const store = await Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-logons-')), 'ipam.db'));
	const got = await collectLogons(dc('dc1'));
	const first = await insertLogons(store, got.records);
	assert.deepEqual(first, { inserted: 7, computerAccounts: 1 });
	assert.equal((await insertLogons(store, got.records)).inserted, 0, 're-reading the same events adds nothing');
	const users = await store.all<{ name: string }>('SELECT name FROM user_account ORDER BY name');
	assert.deepEqual(users.map(u => u.name), ['CORP\\alice', 'CORP\\bob', 'CORP\\carol', 'CORP\\dave', 'CORP\\eve']);
	await store.insertMany('client', ['id', 'key', 'mac'], [[1, 'mac:00:15:5d:00:00:01', '00:15:5d:00:00:01']]);
	const t0 = Date.UTC(2026, 0, 28, 12) / 1000;
	await store.insertMany('lease_event', ['ts', 'kind', 'family', { name: 'ip', blob: true }, 'client_ref', 'expires'], [[t0, 1, 4, '0a010222', 1, t0 + 86400]]);
	const at = Date.UTC(2026, 0, 28, 14) / 1000;
	const result = await trackAddress(store, '10.1.2.34', { from: at, to: at, at }, { now: t0 + 3600 * 5 });
	assert.deepEqual(result.rows[0].users, ['CORP\\alice']);
	await store.close();
});
