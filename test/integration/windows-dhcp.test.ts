// The Windows DHCP collector through node-powershell's real process plumbing, with test/fixtures/windows/fake-pwsh.mjs
// as the shell (NODE_POWERSHELL): recorded/constructed cmdlet output only — no Windows or pwsh can run here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { windowsCollector } from '../../source/collectors/windows/index.js';
import { psQuote } from '../../source/collectors/windows/powershell.js';
import { sanitize } from '../../source/domain/sanitize.js';
import { collectContext } from './context.js';
import { repoRoot } from './harness.js';

const fixtures = path.join(repoRoot, 'test/fixtures/windows');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-windows-'));
const logs = path.join(work, 'logs');
const commandLog = path.join(work, 'commands.log');
const saved = { ps: process.env.NODE_POWERSHELL, routes: process.env.FAKE_PWSH_ROUTES, log: process.env.FAKE_PWSH_LOG };

before(() => {
	// The routes with absolute recording paths, and the audit logs in a directory the tests may change.
	const routes = JSON.parse(fs.readFileSync(path.join(fixtures, 'routes.json'), 'utf8')) as Array<Record<string, unknown>>;
	for (const r of routes) {
		if (typeof r.stdout === 'string') r.stdout = path.join(fixtures, r.stdout);
		if (typeof r.stderr === 'string') r.stderr = path.join(fixtures, r.stderr);
		if (typeof r.auditDir === 'string') r.auditDir = logs;
	}
	fs.writeFileSync(path.join(work, 'routes.json'), JSON.stringify(routes));
	fs.cpSync(path.join(fixtures, 'logs'), logs, { recursive: true });
	process.env.NODE_POWERSHELL = path.join(fixtures, 'fake-pwsh.mjs');
	process.env.FAKE_PWSH_ROUTES = path.join(work, 'routes.json');
	process.env.FAKE_PWSH_LOG = commandLog;
});

after(() => {
	for (const [key, value] of [['NODE_POWERSHELL', saved.ps], ['FAKE_PWSH_ROUTES', saved.routes], ['FAKE_PWSH_LOG', saved.log]] as const) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
	fs.rmSync(work, { recursive: true, force: true });
});

const server = (computerName: string, extra: Record<string, unknown> = {}) => ({
	kind: 'windows',
	transport: 'powershell',
	name: computerName,
	endpoint: { computerName, auditLogDir: 'C:\\Windows\\System32\\dhcp', utcOffsetMinutes: 60, ...extra },
});

describe('Windows DHCP collection (recorded output through node-powershell)', () => {
	let cursors: Record<string, unknown> = {};

	it('collects scopes, statistics, leases, reservations (v4 and v6) and audit-log events', async () => {
		const batch = await windowsCollector.collect(collectContext(server('dhcp1'), { parts: ['health', 'config', 'leases', 'events'] }));
		assert.equal(batch.health?.version, '10.0');
		const scopes = batch.config!.scopes;
		assert.deepEqual(
			scopes.map(s => [s.key, s.subnet, s.start, s.end, s.leaseSeconds, s.reportedUsed]),
			[
				['10.30.0.0', '10.30.0.0/24', '10.30.0.20', '10.30.0.200', 691200, 5],
				['10.31.0.0', '10.31.0.0/23', '10.31.0.10', '10.31.1.250', 28800, 0],
				['2001:db8:30::', '2001:db8:30::/64', '2001:db8:30::', '2001:db8:30:0:ffff:ffff:ffff:ffff', 691200, 2],
			],
		);
		const leases = batch.leases!;
		assert.deepEqual(
			leases.map(l => [l.ip, l.state, l.mac]),
			[
				['10.30.0.21', 'active', '00:50:56:b0:68:05'],
				['10.30.0.22', 'offered', '00:50:56:b0:68:06'],
				['10.30.0.23', 'declined', '00:50:56:b0:68:07'],
				['10.30.0.24', 'expired', '00:50:56:b0:68:08'],
				['10.30.0.25', 'active', '00:50:56:b0:68:09'],
				['2001:db8:30::1:21', 'active', '00:50:56:b0:68:05'],
				['2001:db8:30::1:22', 'active', '00:50:56:b0:68:06'],
			],
		);
		assert.equal(leases[0].ends, Date.parse('2026-12-01T09:15:00Z') / 1000);
		// Kept as sent; the sanitizer removes the escapes before any screen sees them.
		assert.match(leases[3].hostname!, /\u001b/);
		assert.equal(sanitize(leases[3].hostname), 'printer');
		assert.match(batch.health!.message!, /not-an-address|IPAddress/, 'the unreadable lease is reported, the rest kept');
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.name]), [['10.30.0.25', 'kiosk'], ['2001:db8:30::25', 'kiosk']]);
		// Audit logs: server local time is UTC+1 here.
		assert.deepEqual(
			batch.events!.map(e => [e.kind, e.ip, e.ts]),
			[
				['assign', '10.30.0.21', Date.parse('2026-11-25T07:15:02Z') / 1000],
				['renew', '10.30.0.21', Date.parse('2026-11-25T08:15:00Z') / 1000],
				['release', '10.30.0.22', Date.parse('2026-11-25T09:01:30Z') / 1000],
				['assign', '2001:db8:30::1:21', Date.parse('2026-11-25T07:20:00Z') / 1000],
			],
		);
		cursors = batch.cursors!;
		assert.deepEqual(Object.keys(cursors).sort(), ['audit:DhcpSrvLog-Wed.log', 'audit:DhcpV6SrvLog-Wed.log']);
	});

	it('sent every parameter single-quoted on one line each, with errors caught into JSON', () => {
		const commands = fs.readFileSync(commandLog, 'utf8').trim().split('\n').map(l => JSON.parse(l) as string);
		assert.ok(commands.length >= 10);
		for (const c of commands) {
			assert.ok(!/[\r\n]/.test(c));
			assert.match(c, /^\$ErrorActionPreference='Stop';.*try\{.*\}catch\{ConvertTo-Json -Compress -InputObject @\{ipamError=/);
		}
		assert.ok(commands.some(c => c.includes("@('10.30.0.0','10.31.0.0') | ForEach-Object { Get-DhcpServerv4Lease -ComputerName 'dhcp1' -ScopeId $_ -AllLeases }")));
		assert.ok(commands.some(c => c.includes("@('2001:db8:30::') | ForEach-Object { Get-DhcpServerv6Lease -ComputerName 'dhcp1' -Prefix $_ }")));
		assert.ok(commands.some(c => c.includes("$p='C:\\Windows\\System32\\dhcp\\DhcpSrvLog-Wed.log'")));
	});

	it('reads only what was appended to an audit log since the cursor, and starts over after the weekly overwrite', async () => {
		const ctx = () => collectContext(server('dhcp1'), { parts: ['events'], cursors });
		const unchanged = await windowsCollector.collect(ctx());
		assert.deepEqual(unchanged.events, []);
		fs.appendFileSync(path.join(logs, 'DhcpSrvLog-Wed.log'), '10,11/25/26,11:00:00,Assign,10.30.0.30,new-pc,005056B06830,,77,0,,,,,,,,,0\r\n12,11/25/26,11:0');
		const appended = await windowsCollector.collect(ctx());
		assert.deepEqual(appended.events!.map(e => [e.kind, e.ip]), [['assign', '10.30.0.30']], 'the half-written last line waits for the next run');
		cursors = { ...cursors, ...appended.cursors };
		fs.appendFileSync(path.join(logs, 'DhcpSrvLog-Wed.log'), '5:00,Release,10.30.0.30,new-pc,005056B06830,,78,0,,,,,,,,,0\r\n');
		const completed = await windowsCollector.collect(ctx());
		assert.deepEqual(completed.events!.map(e => [e.kind, e.ip]), [['release', '10.30.0.30']]);
		cursors = { ...cursors, ...completed.cursors };
		// A week later the file is rewritten from the start (longer than the old cursor, different beginning).
		const fresh = '\ufeffID,Date,Time,Description,IP Address,Host Name,MAC Address\r\n' + '10,12/02/26,07:00:00,Assign,10.30.0.40,next-week,005056B06840,,1,0,,,,,,,,,0\r\n'.repeat(40);
		fs.writeFileSync(path.join(logs, 'DhcpSrvLog-Wed.log'), fresh);
		const rewritten = await windowsCollector.collect(ctx());
		assert.equal(rewritten.events!.length, 40);
		assert.ok(rewritten.events!.every(e => e.ip === '10.30.0.40'));
	});

	it('asks about many scopes in a few invocations, 25 scopes each', async () => {
		const before = fs.readFileSync(commandLog, 'utf8').trim().split('\n').length;
		const batch = await windowsCollector.collect(collectContext(server('dhcp-many', { families: [4] }), { parts: ['config', 'leases'] }));
		assert.equal(batch.config!.scopes.length, 60);
		const commands = fs.readFileSync(commandLog, 'utf8').trim().split('\n').slice(before).map(l => JSON.parse(l) as string);
		// scopes + statistics + 3 × (leases + reservations)
		assert.equal(commands.length, 2 + 3 * 2);
		assert.equal((commands.find(c => c.includes('Get-DhcpServerv4Lease'))!.match(/'10\.\d+\.\d+\.0'/g) ?? []).length, 25);
	});

	it('reads the raw Windows PowerShell 5.1 shape of a real Get-DhcpServerv4Scope capture', async () => {
		const batch = await windowsCollector.collect(collectContext(server('dhcp-raw', { families: [4] }), { parts: ['config'] }));
		assert.deepEqual(batch.config!.scopes.map(s => [s.key, s.subnet, s.start, s.end, s.leaseSeconds, s.name]), [['192.168.10.0', '192.168.10.0/24', '192.168.10.5', '192.168.10.10', 691200, 'test']]);
	});

	it('maps WIN32 1722 and 5 to messages an operator can act on', async () => {
		await assert.rejects(windowsCollector.collect(collectContext(server('dhcp-down'))), /dhcp-down is unreachable: the RPC server is unavailable/);
		await assert.rejects(windowsCollector.collect(collectContext(server('dhcp-denied'), { parts: ['config'] })), /access denied on dhcp-denied: the collecting account needs to be in DHCP Users/);
	});

	it('times out a server that does not answer while another is collected', async () => {
		const started = Date.now();
		const [slow, fine] = await Promise.allSettled([
			windowsCollector.collect(collectContext(server('dhcp-slow'), { parts: ['health'], timeoutMs: 800 })),
			windowsCollector.collect(collectContext(server('dhcp1'), { parts: ['health'], timeoutMs: 5000 })),
		]);
		assert.equal(slow.status, 'rejected');
		assert.match((slow as PromiseRejectedResult).reason.message, /Get-DhcpServerVersion on dhcp-slow: no answer within 800 ms/);
		// The recording answers after 30 s: finishing well before proves the deadline, even on a loaded machine.
		assert.ok(Date.now() - started < 10_000);
		assert.equal(fine.status, 'fulfilled');
	});

	it('reports a crashed shell and output that is not JSON', async () => {
		await assert.rejects(windowsCollector.collect(collectContext(server('dhcp-crash'), { parts: ['health'] })), /PowerShell could not run Get-DhcpServerVersion for dhcp-crash/);
		const garbage = await windowsCollector.collect(collectContext(server('dhcp-garbage', { families: [4] }), { parts: ['config'] }));
		assert.deepEqual(garbage.config!.scopes, []);
		assert.match(garbage.health!.message!, /not JSON/);
	});

	it('with a credential, opens a CIM session as that account, built in the session from its environment, never from command text', async () => {
		const credentialLog = path.join(work, 'credentials.log');
		process.env.FAKE_PWSH_CREDENTIAL_LOG = credentialLog;
		const before = fs.readFileSync(commandLog, 'utf8').trim().split('\n').length;
		try {
			const secret = "CORP\\dhcp-reader:s3cret:with'quote";
			const batch = await windowsCollector.collect(collectContext(server('dhcp1', { families: [4] }), { parts: ['health', 'config', 'leases'], secret }));
			assert.equal(batch.health?.version, '10.0');
			assert.deepEqual(batch.config!.scopes.map(s => s.key), ['10.30.0.0', '10.31.0.0']);
			assert.ok(batch.leases!.length > 0);
			assert.deepEqual(JSON.parse(fs.readFileSync(credentialLog, 'utf8').trim()), { user: 'CORP\\dhcp-reader', password: "s3cret:with'quote" });
			const commands = fs.readFileSync(commandLog, 'utf8').trim().split('\n').slice(before).map(l => JSON.parse(l) as string);
			assert.match(commands[0], /PSCredential\(\$env:IPAM_PS_USER,\(ConvertTo-SecureString -String \$env:IPAM_PS_PASSWORD -AsPlainText -Force\)\);Remove-Item -LiteralPath Env:IPAM_PS_PASSWORD,Env:IPAM_PS_USER/);
			assert.match(commands[1], /\$ipamCim=New-CimSession -ComputerName 'dhcp1' -Credential \$ipamCredential/);
			for (const c of commands.slice(2)) {
				assert.ok(c.includes('-CimSession $ipamCim') && !c.includes('-ComputerName'), c);
			}
			assert.ok(!commands.some(c => c.includes('s3cret') || c.includes('dhcp-reader')), 'no part of the credential is command text');
			// The session removed the variables; the collector's own process never had them.
			assert.equal(process.env.IPAM_PS_PASSWORD, undefined);
			// A malformed credential names the server only.
			await assert.rejects(windowsCollector.collect(collectContext(server('dhcp1'), { secret: 's3cret-alone' })), (e: Error) => {
				assert.match(e.message, /the credential of dhcp1 must be DOMAIN\\user:password/);
				assert.ok(!e.message.includes('s3cret'));
				return true;
			});
		} finally {
			delete process.env.FAKE_PWSH_CREDENTIAL_LOG;
		}
	});

	it('refuses names and values that could escape their quotes, before anything runs', async () => {
		await assert.rejects(windowsCollector.collect(collectContext(server("dhcp1'; Remove-Item C:\\ -Recurse; '"))), /is not a DHCP server name or address/);
		assert.equal(psQuote("O'Brien's scope", 'name'), "'O''Brien''s scope'");
		assert.throws(() => psQuote('two\nlines', 'name'), /cannot be passed to PowerShell safely/);
	});

	it('reads audit logs from a local (mounted) directory with transport file, incrementally', async () => {
		const dir = fs.mkdtempSync(path.join(work, 'mounted-'));
		fs.cpSync(path.join(fixtures, 'logs'), dir, { recursive: true });
		const ctx = (cursors: Record<string, unknown>) => collectContext({ kind: 'windows', transport: 'file', name: 'dhcp-share', endpoint: { auditLogDir: dir, utcOffsetMinutes: 60 } }, { parts: ['health', 'events'], cursors });
		const first = await windowsCollector.collect(ctx({}));
		assert.deepEqual(first.events!.map(e => e.kind), ['assign', 'renew', 'release', 'assign']);
		const second = await windowsCollector.collect(ctx(first.cursors!));
		assert.deepEqual(second.events, []);
		await assert.rejects(windowsCollector.collect(collectContext({ kind: 'windows', transport: 'file', endpoint: { auditLogDir: path.join(work, 'nope') } }, { parts: ['events'] })), /no such directory/);
	});

	it('reads the real audit-log samples in ../shared/samples', async t => {
		const samples = path.resolve(repoRoot, '../shared/samples/windows-dhcp-log');
		if (!fs.existsSync(samples)) return t.skip(`../shared absent: ${samples}`);
		const dir = fs.mkdtempSync(path.join(work, 'samples-'));
		fs.copyFileSync(path.join(samples, 'kinesis-agent-windows_DhcpSrvLog_with-header_utf8-bom.log'), path.join(dir, 'DhcpSrvLog-Mon.log'));
		fs.copyFileSync(path.join(samples, 'elastic_DhcpSrvLog_event-lines_no-header.log'), path.join(dir, 'DhcpSrvLog-Tue.log'));
		fs.copyFileSync(path.join(samples, 'elastic_DhcpV6SrvLog_event-lines_no-header.log'), path.join(dir, 'DhcpV6SrvLog-Tue.log'));
		const batch = await windowsCollector.collect(collectContext({ kind: 'windows', transport: 'file', endpoint: { auditLogDir: dir } }, { parts: ['events'] }));
		assert.ok(batch.events!.length > 0);
		assert.deepEqual(Object.keys(batch.cursors!).sort(), ['audit:DhcpSrvLog-Mon.log', 'audit:DhcpSrvLog-Tue.log', 'audit:DhcpV6SrvLog-Tue.log']);
		// Read to the last complete line: a line without its newline may still be being written, it waits.
		for (const [name, cursor] of Object.entries(batch.cursors!)) {
			const bytes = fs.readFileSync(path.join(dir, name.slice('audit:'.length)));
			assert.equal((cursor as { offset: number }).offset, bytes.lastIndexOf(10) + 1, name);
		}
	});
});
