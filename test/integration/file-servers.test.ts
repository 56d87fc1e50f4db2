// dhcpd and dnsmasq servers reached by file: over SSH (a stand-in ssh client on PATH that runs the remote command
// in a shell, as sshd does) with hostile path names, and bad input — corrupt and truncated lease files, include
// loops, host names carrying terminal escapes — reported on the server's status while every good row is kept.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dhcpdCollector } from '../../source/collectors/dhcpd/index.js';
import { dnsmasqCollector } from '../../source/collectors/dnsmasq/index.js';
import { sshArguments } from '../../source/collectors/source-file.js';
import { sanitize } from '../../source/domain/sanitize.js';
import { collectContext } from './context.js';
import { repoRoot } from './harness.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-files-'));
// A directory name a shell would expand if the path were ever interpolated unquoted.
const weird = path.join(work, `dhcp $(touch ${path.join(work, 'PWNED')}) it's`);
const sshLog = path.join(work, 'ssh.log');
const savedPath = process.env.PATH;

const LEASES = `# dhcpd.leases
lease 10.90.0.10 {
  starts 3 2026/11/25 08:00:00;
  ends 3 2036/11/25 09:00:00;
  cltt 3 2026/11/25 08:00:00;
  binding state active;
  next binding state free;
  hardware ethernet 02:00:00:00:90:10;
  client-hostname "pc-\\033[31mred\\033[0m";
}
lease 10.90.0.11 {
  starts 3 2026/11/25 08:00:00;
  ends never;
  binding state active;
  hardware ethernet 02:00:00:00:90:11;
}
lease 10.90.0.12 {
  starts 3 2026/13/45 09:00:00;
  binding state active;
  hardware ethernet zz:zz;
}
lease 10.90.0.10 {
  starts 3 2026/11/25 08:30:00;
  ends 3 2036/11/25 09:30:00;
  binding state active;
  hardware ethernet 02:00:00:00:90:10;
  client-hostname "pc-renewed";
}
lease 10.90.0.13 {
  starts 3 2026/11/25 08:00:00;
  binding state act`;

before(() => {
	fs.mkdirSync(weird, { recursive: true });
	fs.writeFileSync(path.join(weird, 'dhcpd.leases'), LEASES);
	fs.writeFileSync(path.join(weird, 'hosts.conf'), 'host kiosk { hardware ethernet 02:00:00:00:90:05; fixed-address 10.90.0.5; }\n');
	fs.writeFileSync(
		path.join(weird, 'dhcpd.conf'),
		`ddns-update-style none;\ninclude "${path.join(weird, 'hosts.conf')}";\nsubnet 10.90.0.0 netmask 255.255.255.0 { range 10.90.0.10 10.90.0.99; default-lease-time 600; }\n`,
	);
	fs.writeFileSync(path.join(weird, 'loop-a.conf'), `include "${path.join(weird, 'loop-b.conf')}";\nsubnet 10.91.0.0 netmask 255.255.255.0 { range 10.91.0.10 10.91.0.20; }\n`);
	fs.writeFileSync(path.join(weird, 'loop-b.conf'), `include "${path.join(weird, 'loop-a.conf')}";\n`);
	fs.mkdirSync(path.join(weird, 'dnsmasq.d'));
	fs.writeFileSync(path.join(weird, 'dnsmasq.d', 'hosts.conf'), 'dhcp-host=02:00:00:00:91:05,10.91.0.5,nas\n');
	fs.writeFileSync(path.join(weird, 'dnsmasq.conf'), `dhcp-range=10.91.0.50,10.91.0.150,12h\nconf-dir=${path.join(weird, 'dnsmasq.d')}\n`);
	fs.writeFileSync(
		path.join(weird, 'dnsmasq.leases'),
		'2000000000 02:00:00:00:91:50 10.91.0.50 laptop 01:02:00:00:00:91:50\n' +
			'2000000000 02:00:00:00:91:51 10.91.0.51 \x1b]0;owned\x07evil *\n' +
			'not a lease line at all\n' +
			'2000000000 02:00:00:00:91:52 10.91.0.999 broken *\n' +
			'0 02:00:00:00:91:53 10.91.0.53 forever *\n',
	);
	process.env.PATH = `${path.join(repoRoot, 'test/fixtures/ssh')}:${savedPath}`;
	process.env.FAKE_SSH_LOG = sshLog;
});

after(() => {
	process.env.PATH = savedPath;
	delete process.env.FAKE_SSH_LOG;
	fs.rmSync(work, { recursive: true, force: true });
});

const ssh = (endpoint: Record<string, unknown>) => ({ kind: 'dhcpd', transport: 'ssh', name: 'dhcp-remote', address: 'dhcp-host.example', endpoint: { user: 'ipam', port: 2222, ...endpoint } });

describe('file-based servers over SSH', () => {
	it('reads dhcpd.conf with its include and dhcpd.leases through ssh, paths quoted, nothing expanded', async () => {
		const batch = await dhcpdCollector.collect(collectContext(ssh({ configFile: path.join(weird, 'dhcpd.conf'), leaseFile: path.join(weird, 'dhcpd.leases') })));
		// The block with a bad date and MAC keeps its address; its bad fields are dropped and reported.
		assert.deepEqual(batch.leases!.map(l => [l.ip, l.mac ?? null, l.hostname ?? null]).sort(), [
			['10.90.0.10', '02:00:00:00:90:10', 'pc-renewed'],
			['10.90.0.11', '02:00:00:00:90:11', null],
			['10.90.0.12', null, null],
		]);
		assert.equal(batch.leases!.find(l => l.ip === '10.90.0.11')!.ends, null, 'ends never');
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.name]), [['10.90.0.5', 'kiosk']]);
		assert.equal(fs.existsSync(path.join(work, 'PWNED')), false, 'the $(…) in the path was not run');
		const calls = fs.readFileSync(sshLog, 'utf8').trim().split('\n').map(l => JSON.parse(l) as string[]);
		assert.ok(calls.length >= 3, 'leases, configuration and the included file');
		for (const argv of calls) {
			assert.deepEqual(argv.slice(0, 2), ['-o', 'BatchMode=yes']);
			assert.ok(argv.includes('-p') && argv[argv.indexOf('-p') + 1] === '2222');
			assert.ok(argv.includes('-l') && argv[argv.indexOf('-l') + 1] === 'ipam');
			assert.equal(argv[argv.indexOf('--') + 1], 'dhcp-host.example');
			assert.match(argv[argv.length - 1], /^cat -- '.*'\\''s\/[a-z.-]+'$/);
		}
	});

	it('reads dnsmasq configuration directories over ssh too', async () => {
		const batch = await dnsmasqCollector.collect(
			collectContext({ ...ssh({ configFile: path.join(weird, 'dnsmasq.conf'), leaseFile: path.join(weird, 'dnsmasq.leases') }), kind: 'dnsmasq' }),
		);
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.name]), [['10.91.0.5', 'nas']]);
		assert.equal(batch.config!.scopes.length, 1);
		assert.equal(fs.existsSync(path.join(work, 'PWNED')), false);
	});

	it('names the host and ssh\'s own reason when the connection fails', async () => {
		await assert.rejects(
			dhcpdCollector.collect(collectContext({ ...ssh({ leaseFile: '/var/lib/dhcp/dhcpd.leases' }), address: 'down-host' })),
			/ssh ipam@down-host:\/var\/lib\/dhcp\/dhcpd\.leases failed \(exit 255\): ssh: connect to host down-host port 22: Connection refused/,
		);
	});

	it('refuses a host that ssh would read as an option', async () => {
		await assert.rejects(dhcpdCollector.collect(collectContext({ ...ssh({ leaseFile: '/x' }), address: '-oProxyCommand=touch /tmp/x' })), /not a valid SSH host/);
		assert.deepEqual(sshArguments({ host: 'h' }, "/a b/it's", 5000).slice(-3), ['--', 'h', "cat -- '/a b/it'\\''s'"]);
	});
});

describe('bad input in file-based servers', () => {
	it('keeps the good leases of a corrupt, truncated dhcpd.leases and reports the bad lines on the status', async () => {
		const batch = await dhcpdCollector.collect(collectContext({ kind: 'dhcpd', transport: 'file', endpoint: { leaseFile: path.join(weird, 'dhcpd.leases') } }, { parts: ['leases'] }));
		assert.deepEqual(batch.leases!.map(l => l.ip).sort(), ['10.90.0.10', '10.90.0.11', '10.90.0.12'], 'the cut-off last block is not a lease');
		assert.match(batch.health!.message!, /dhcpd\.leases:18: starts.*dhcpd\.leases:20: hardware ethernet.*dhcpd\.leases:29: file ends inside/s);
	});

	it('reports an include loop with the files involved and keeps what was read', async () => {
		const batch = await dhcpdCollector.collect(
			collectContext({ kind: 'dhcpd', transport: 'file', endpoint: { configFile: path.join(weird, 'loop-a.conf'), leaseFile: path.join(weird, 'dhcpd.leases') } }, { parts: ['config'] }),
		);
		assert.deepEqual(batch.config!.scopes.map(s => [s.start, s.end]), [['10.91.0.10', '10.91.0.20']]);
		assert.match(batch.health!.message!, /loop/i);
	});

	it('keeps host names with terminal escapes as data; the sanitizer makes them safe to show', async () => {
		const batch = await dnsmasqCollector.collect(collectContext({ kind: 'dnsmasq', transport: 'file', endpoint: { leaseFile: path.join(weird, 'dnsmasq.leases') } }, { parts: ['leases'] }));
		assert.deepEqual(batch.leases!.map(l => l.ip).sort(), ['10.91.0.50', '10.91.0.51', '10.91.0.53']);
		const evil = batch.leases!.find(l => l.ip === '10.91.0.51')!;
		assert.equal(sanitize(evil.hostname), 'evil');
		assert.equal(batch.leases!.find(l => l.ip === '10.91.0.53')!.ends, null, 'expiry 0 is infinite');
		assert.match(batch.health!.message!, /dnsmasq\.leases:3:.*dnsmasq\.leases:4:/s);
	});

	it('shows a dhcpd failover peer that is not in normal state on the status', async () => {
		const file = path.join(work, 'failover.leases');
		const state = (mine: string) => `failover peer "pair-1" state {\n  my state ${mine} at 3 2026/11/25 08:00:00;\n  partner state normal at 3 2026/11/25 07:00:00;\n}\n`;
		fs.writeFileSync(file, `${state('normal')}lease 10.92.0.10 {\n  binding state active;\n  hardware ethernet 02:00:00:00:92:10;\n}\n${state('communications-interrupted')}`);
		const batch = await dhcpdCollector.collect(collectContext({ kind: 'dhcpd', transport: 'file', endpoint: { leaseFile: file } }, { parts: ['leases'] }));
		assert.equal(batch.leases!.length, 1);
		assert.equal(batch.health!.ok, false);
		assert.match(batch.health!.message!, /failover peer "pair-1": communications-interrupted, partner normal/);
	});

	it('names a lease file that does not exist', async () => {
		await assert.rejects(
			dnsmasqCollector.collect(collectContext({ kind: 'dnsmasq', transport: 'file', endpoint: { leaseFile: path.join(work, 'missing.leases') } })),
			/missing\.leases: no such file/,
		);
	});
});
