import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaseSeconds, readDnsmasqConf } from '../../../source/formats/dnsmasq-conf.js';
import { formatIssue } from '../../../source/formats/format-issue.js';
import { fixture } from './samples.js';

const conf = () => readDnsmasqConf(fixture('dnsmasq-conf', 'dnsmasq.conf'));

test('lease times: suffixes, infinite, bare seconds', () => {
	assert.equal(leaseSeconds('12h'), 43200);
	assert.equal(leaseSeconds('45m'), 2700);
	assert.equal(leaseSeconds('1w'), 604800);
	assert.equal(leaseSeconds('600'), 600);
	assert.equal(leaseSeconds('infinite'), null);
});

test('dhcp-range forms: tags, netmask, broadcast, static, legacy net:, no netmask, IPv6 prefix length, ra-only', async () => {
	const r = await conf();
	const row = (s: (typeof r.config.scopes)[number]) => [s.name ?? null, s.subnet ?? null, s.start, s.end, s.leaseSeconds];
	const byStart = new Map(r.config.scopes.map(s => [s.start, s]));
	assert.deepEqual(row(byStart.get('10.70.0.50')!), ['lan', '10.70.0.0/24', '10.70.0.50', '10.70.0.150', 43200]);
	assert.deepEqual(row(byStart.get('10.70.1.10')!), ['guest', '10.70.1.0/24', '10.70.1.10', '10.70.1.200', 2700]);
	assert.deepEqual(row(byStart.get('10.70.2.0')!), [null, '10.70.2.0/24', '10.70.2.0', '10.70.2.255', 3600]);
	assert.deepEqual(byStart.get('10.70.2.0')!.options?.modes, ['static']);
	assert.deepEqual(row(byStart.get('10.70.3.5')!), ['legacy', null, '10.70.3.5', '10.70.3.9', null]);
	assert.deepEqual(row(byStart.get('10.70.4.10')!), [null, null, '10.70.4.10', '10.70.4.20', 3600]);
	assert.deepEqual(row(byStart.get('2001:db8:70::100')!), [null, '2001:db8:70::/64', '2001:db8:70::100', '2001:db8:70::1ff', 7200]);
	assert.deepEqual(row(byStart.get('2001:db8:71::')!), [null, '2001:db8:71::/64', '2001:db8:71::', '2001:db8:71:0:ffff:ffff:ffff:ffff', 3600]);
	assert.deepEqual(byStart.get('2001:db8:71::')!.options?.modes, ['ra-only']);
	assert.equal(byStart.get('10.70.0.50')!.options?.['3'], undefined);
	assert.equal(r.config.options?.['3'], '10.70.0.1');
	assert.equal(byStart.get('10.70.1.10')!.options?.router, '10.70.1.1');
	assert.deepEqual(r.templates.map(t => [t.iface, t.startSuffix, t.endSuffix, t.modes]), [['eth0', '::1', '::400', ['slaac']]]);
	assert.ok(r.issues.some(i => /dnsmasq\.conf$/.test(i.file) && i.line === 14 && /"bogus" is not an end address/.test(i.message)), r.issues.map(formatIssue).join('\n'));
});

test('constructor ranges are placed when the interface prefix is known', async () => {
	const r = await readDnsmasqConf(fixture('dnsmasq-conf', 'dnsmasq.conf'), { interfacePrefixes: { eth0: '2001:db8:72::/64' } });
	const s = r.config.scopes.find(x => x.options?.constructor === 'eth0');
	assert.deepEqual([s?.start, s?.end, s?.subnet, s?.leaseSeconds], ['2001:db8:72::1', '2001:db8:72::400', '2001:db8:72::/64', 43200]);
	assert.equal(r.templates.length, 0);
});

test('dhcp-host forms: several MACs, id:, IPv6 in brackets, wildcard and ignore rules, name + address, hosts file', async () => {
	const r = await conf();
	const res = new Map(r.config.reservations.map(x => [x.ip, x]));
	assert.deepEqual([res.get('10.70.0.10')?.mac, res.get('10.70.0.10')?.name], ['00:16:3e:00:00:01', 'nas']);
	assert.deepEqual(res.get('10.70.0.11')?.options?.macs, ['00:16:3e:00:00:02', '00:16:3e:00:00:03']);
	assert.deepEqual([res.get('10.70.0.12')?.clientId, res.get('10.70.0.12')?.mac, res.get('10.70.0.12')?.name], ['01:00:16:3e:00:00:04', undefined, 'printer']);
	assert.deepEqual([res.get('2001:db8:70::5')?.duid, res.get('2001:db8:70::5')?.mac, res.get('2001:db8:70::5')?.scopeKey], ['00:01:00:01:2c:5e:3f:10:00:16:3e:00:00:05', '00:16:3e:00:00:05', '2001:db8:70::100-2001:db8:70::1ff']);
	assert.equal(res.get('10.70.0.13')?.name, 'lab-pc');
	assert.equal(res.get('10.70.0.10')?.scopeKey, 'lan 10.70.0.50-10.70.0.150');
	assert.deepEqual([res.get('10.70.5.20')?.name, res.get('10.70.5.21')?.mac], ['camera-1', '00:16:3e:00:00:21']);
	assert.deepEqual(r.hostRules.map(h => [h.macs, h.ignore, h.tags]), [
		[['00:16:3e:*:*:*'], false, ['set:vm']],
		[['00:20:e0:3b:13:af'], true, []],
	]);
});

test('includes: conf-file, conf-dir with a *.conf filter skipping hidden files, hosts file; a loop is reported', async () => {
	const r = await conf();
	const names = r.files.map(f => f.replace(/^.*dnsmasq-conf\//, ''));
	assert.deepEqual(names, ['dnsmasq.conf', 'extra.conf', 'dnsmasq.d/voice.conf', 'hosts/cameras']);
	assert.ok(r.config.scopes.some(s => s.name === 'iot'));
	assert.ok(r.config.scopes.some(s => s.name === 'voice'));
	assert.ok(!r.config.scopes.some(s => s.name === 'never'));
	const loop = r.issues.find(i => /include loop/.test(i.message));
	assert.ok(loop && /extra\.conf$/.test(loop.file) && loop.line === 2, r.issues.map(formatIssue).join('\n'));
	assert.equal(r.issues.length, 2, r.issues.map(formatIssue).join('\n'));
});

test('a bare network-id before the range is its tag; [::host] addresses take the IPv6 range prefix', async () => {
	const r = await readDnsmasqConf(fixture('dnsmasq-conf', 'forms.conf'));
	assert.deepEqual(r.issues.map(formatIssue), []);
	assert.deepEqual(
		r.config.scopes.map(s => [s.name ?? null, s.subnet ?? null, s.start, s.end, s.leaseSeconds, s.options?.tags ?? null]),
		[
			['office', '10.71.0.0/24', '10.71.0.50', '10.71.0.99', 43200, ['office']],
			['office6', '2001:db8:71:1::/64', '2001:db8:71:1::100', '2001:db8:71:1::1ff', null, ['office6']],
		],
	);
	assert.deepEqual(
		r.config.reservations.map(x => [x.name ?? null, x.ip, x.mac ?? null, x.scopeKey ?? null]),
		[
			['two-addrs', '2001:db8:71:9::2', '00:16:3e:71:00:02', null],
			['printer6', '2001:db8:71:1::beef', '00:16:3e:71:00:01', r.config.scopes[1].key],
			['two-addrs', '2001:db8:71:1::1:2', '00:16:3e:71:00:02', r.config.scopes[1].key],
		],
	);
	// Without an IPv6 range there is no prefix to take: a rule, and a remark.
	const alone = await readDnsmasqConf('/x.conf', { fs: { readFile: async () => 'dhcp-host=00:16:3e:71:00:03,[::3],lonely\n', readDir: async () => [], isDir: async () => false } });
	assert.deepEqual(alone.config.reservations, []);
	assert.deepEqual(alone.hostRules.map(h => h.name), ['lonely']);
	assert.match(alone.issues[0].message, /needs an IPv6 dhcp-range/);
});
