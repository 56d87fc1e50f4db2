// Real dnsmasq (DHCP only) in a network namespace with perfdhcp (v4 and v6) and dhclient traffic: the collector reads its
// configuration (with conf-dir) and its leases file; leases must match what dnsmasq itself logged as DHCPACKs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { dnsmasqCollector } from '../../source/collectors/dnsmasq/index.js';
import type { CollectionBatch } from '../../source/domain/dhcp.js';
import { collectContext } from './context.js';
import { Lab, serverSkipReason, waitFor } from './harness.js';
import { TempStore } from './store-check.js';

const skip = serverSkipReason(['dnsmasq', 'perfdhcp', 'dhclient']);
if (skip) console.log(`# SKIP dnsmasq integration: ${skip}`);

/** dnsmasq's own account (log-dhcp): the last DHCPACK per IPv4 address, the last DHCPREPLY per IPv6 address. */
function ackedLeases(log: string): Map<string, string> {
	const acked = new Map<string, string>();
	for (const m of log.matchAll(/DHCPACK\([^)]*\) (\d+\.\d+\.\d+\.\d+) ([0-9a-f:]{17})/g)) acked.set(m[1], m[2]);
	for (const m of log.matchAll(/DHCPREPLY\([^)]*\) ([0-9a-f:]*:[0-9a-f:]*) ([0-9a-f]{2}(?::[0-9a-f]{2})+)/g)) acked.set(m[1], m[2]);
	return acked;
}

describe('dnsmasq collection from a real server', { skip: skip ?? false }, () => {
	let lab: Lab;
	let endpoint: Record<string, unknown>;
	let batch: CollectionBatch;

	before(async () => {
		lab = new Lab('dnsmasq');
		await lab.network('10.82.0.1/24', '2001:db8:82::1/64', '10.82.0.2/24');
		fs.mkdirSync(lab.path('conf.d'));
		lab.write('conf.d/hosts.conf', 'dhcp-host=02:00:00:00:00:05,10.82.0.5,printer-5,infinite\n');
		lab.write('conf.d/ignored.bak', 'dhcp-host=02:00:00:00:00:06,10.82.0.6,not-read\n');
		const leaseFile = lab.path('dnsmasq.leases');
		const conf = lab.write(
			'dnsmasq.conf',
			[
				'port=0',
				`interface=${lab.serverIf}`,
				'bind-interfaces',
				'no-resolv',
				'no-hosts',
				'no-ping',
				'user=root',
				'group=root',
				'dhcp-authoritative',
				'dhcp-range=set:lab,10.82.0.10,10.82.0.250,255.255.255.0,1h',
				'dhcp-option=tag:lab,option:router,10.82.0.1',
				'dhcp-range=set:lab6,2001:db8:82::100,2001:db8:82::1ff,64,1h',
				`dhcp-leasefile=${leaseFile}`,
				`pid-file=${lab.path('dnsmasq.pid')}`,
				'log-facility=-',
				'log-dhcp',
				`conf-dir=${lab.path('conf.d')},.bak`,
				'',
			].join('\n'),
		);
		endpoint = { configFile: conf, leaseFile };
		lab.start('dnsmasq', ['dnsmasq', '-k', '-C', conf], lab.serverNs);
		await waitFor('dnsmasq to start', 10_000, () => /DHCP, IP range/.test(lab.output('dnsmasq')));
		const traffic = await lab.client(20, ['perfdhcp', '-4', '-l', lab.clientIf, '-r', '200', '-R', '200', '-n', '230', '-p', '6']);
		assert.ok(traffic.code === 0 || traffic.code === 3, `perfdhcp failed (${traffic.code}): ${traffic.stderr}`);
		const traffic6 = await lab.client(20, ['perfdhcp', '-6', '-l', lab.clientIf, '--scenario', 'avalanche', '-R', '20']);
		assert.ok(traffic6.code === 0 || traffic6.code === 3, `perfdhcp -6 failed (${traffic6.code}): ${traffic6.stderr}`);
		const clientConf = lab.write('dhclient.conf', 'send host-name "laptop-bo";\n');
		lab.start('dhclient', ['dhclient', '-4', '-d', '-1', '-sf', '/bin/true', '-cf', clientConf, '-lf', lab.path('dhclient.leases'), '-pf', lab.path('dhclient.pid'), lab.clientIf], lab.clientNs);
		await waitFor('dhclient to be acknowledged', 15_000, () => /DHCPACK\([^)]*\) [\d.]+ [0-9a-f:]+ laptop-bo/.test(lab.output('dnsmasq')));
		// dnsmasq writes the leases file right after the ACK; give it that moment.
		await waitFor('the leases file to name laptop-bo', 5_000, () => fs.readFileSync(leaseFile, 'utf8').includes('laptop-bo'));
	});

	after(async () => lab?.destroy());

	it('collects the leases dnsmasq acknowledged, with the client host name', async () => {
		batch = await dnsmasqCollector.collect(collectContext({ kind: 'dnsmasq', transport: 'file', endpoint }));
		const acked = ackedLeases(lab.output('dnsmasq'));
		assert.ok(acked.size >= 100, `only ${acked.size} DHCPACKs: ${lab.output('dnsmasq').slice(-500)}`);
		assert.deepEqual(new Map(batch.leases!.map(l => [l.ip, l.family === 4 ? l.mac : l.duid])), acked);
		assert.ok(batch.leases!.filter(l => l.family === 6).length >= 10, 'IPv6 leases after the duid line');
		assert.ok(batch.leases!.some(l => l.hostname === 'laptop-bo'));
		// And the leases file's own lines: <expiry> <mac> <ip> <host> <client-id>, then after `duid <server duid>`
		// <expiry> <iaid> <ipv6> <host> <client duid>.
		const lines = fs.readFileSync(endpoint.leaseFile as string, 'utf8').trim().split('\n').map(l => l.split(' '));
		const duidAt = lines.findIndex(f => f[0] === 'duid');
		const fileV4 = new Map(lines.slice(0, duidAt < 0 ? undefined : duidAt).map(f => [f[2], [f[1], Number(f[0]), f[3]]]));
		const fileV6 = new Map(duidAt < 0 ? [] : lines.slice(duidAt + 1).map(f => [f[2], [f[4], Number(f[1]), Number(f[0])]]));
		assert.deepEqual(new Map(batch.leases!.filter(l => l.family === 4).map(l => [l.ip, [l.mac, l.ends, l.hostname ?? '*']])), fileV4);
		assert.deepEqual(new Map(batch.leases!.filter(l => l.family === 6).map(l => [l.ip, [l.duid, l.iaid, l.ends]])), fileV6);
		const now = Date.now() / 1000;
		for (const l of batch.leases!) assert.ok(l.ends! > now && l.ends! <= now + 3700, `lease ${l.ip} ends ${l.ends}`);
	});

	it('reads dhcp-range and the dhcp-host from conf-dir, skipping the excluded suffix', () => {
		assert.deepEqual(
			batch.config!.scopes.map(s => [s.start, s.end, s.leaseSeconds]),
			[['10.82.0.10', '10.82.0.250', 3600], ['2001:db8:82::100', '2001:db8:82::1ff', 3600]],
		);
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.mac, r.name]), [['10.82.0.5', '02:00:00:00:00:05', 'printer-5']]);
	});

	it('lands in the store as the same lease set', async () => {
		const store = await TempStore.open();
		try {
			const { serverId, result } = await store.ingest({ name: 'dnsmasq-lab', kind: 'dnsmasq', transport: 'file', endpoint }, batch);
			assert.equal(result.rejected.length, 0, JSON.stringify(result.rejected.slice(0, 3)));
			const stored = await store.leases(serverId);
			assert.deepEqual(stored.map(l => l.ip).sort(), batch.leases!.map(l => l.ip).sort());
			assert.deepEqual(new Map(stored.filter(l => !l.ip.includes(':')).map(l => [l.ip, l.mac])), new Map(batch.leases!.filter(l => l.family === 4).map(l => [l.ip, l.mac])));
			assert.ok(stored.some(l => l.hostname === 'laptop-bo'));
		} finally {
			await store.close();
		}
	});
});
