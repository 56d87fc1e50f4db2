// Real ISC dhcpd 4.4 in a network namespace with perfdhcp and dhclient traffic: the collector reads its
// dhcpd.conf (with an include) and dhcpd.leases; the leases must match what dhcpd itself logged as DHCPACKs
// and, through the real ingest, what the store holds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { dhcpdCollector } from '../../source/collectors/dhcpd/index.js';
import type { CollectionBatch } from '../../source/domain/dhcp.js';
import { collectContext } from './context.js';
import { Lab, serverSkipReason, waitFor } from './harness.js';
import { TempStore } from './store-check.js';

const skip = serverSkipReason(['dhcpd', 'perfdhcp', 'dhclient']);
if (skip) console.log(`# SKIP dhcpd integration: ${skip}`);

/** dhcpd's own account of what it granted: the last DHCPACK per address in its -d log. */
function ackedLeases(log: string): Map<string, string> {
	const acked = new Map<string, string>();
	for (const m of log.matchAll(/DHCPACK on (\d+\.\d+\.\d+\.\d+) to ([0-9a-f:]{17})/g)) acked.set(m[1], m[2]);
	return acked;
}

describe('ISC dhcpd collection from a real server', { skip: skip ?? false }, () => {
	let lab: Lab;
	let endpoint: Record<string, unknown>;
	let batch: CollectionBatch;

	before(async () => {
		lab = new Lab('dhcpd');
		await lab.network('10.81.0.1/24', undefined, '10.81.0.2/24');
		const hosts = lab.write('hosts.conf', 'host printer-5 { hardware ethernet 02:00:00:00:00:05; fixed-address 10.81.0.5; }\n');
		const conf = lab.write(
			'dhcpd.conf',
			[
				'ddns-update-style none;',
				'ping-check false;',
				'authoritative;',
				'default-lease-time 3600;',
				'max-lease-time 7200;',
				'option domain-name-servers 192.0.2.53;',
				`include "${hosts}";`,
				'subnet 10.81.0.0 netmask 255.255.255.0 {',
				'  range 10.81.0.10 10.81.0.250;',
				'  option routers 10.81.0.1;',
				'}',
				'',
			].join('\n'),
		);
		const leases = lab.write('dhcpd.leases', '');
		endpoint = { configFile: conf, leaseFile: leases };
		lab.start('dhcpd', ['dhcpd', '-4', '-f', '-d', '-cf', conf, '-lf', leases, '-pf', lab.path('dhcpd.pid'), lab.serverIf], lab.serverNs);
		await waitFor('dhcpd to listen', 10_000, () => /Sending on +Socket/.test(lab.output('dhcpd')));
		const traffic = await lab.client(20, ['perfdhcp', '-4', '-l', lab.clientIf, '-r', '200', '-R', '200', '-n', '230', '-p', '6']);
		assert.ok(traffic.code === 0 || traffic.code === 3, `perfdhcp failed (${traffic.code}): ${traffic.stderr}`);
		// A named client too: dhclient sends its host name (the script does nothing, the address is not configured).
		const clientConf = lab.write('dhclient.conf', 'send host-name "laptop-ana";\nrequest subnet-mask, routers;\n');
		lab.start('dhclient', ['dhclient', '-4', '-d', '-1', '-sf', '/bin/true', '-cf', clientConf, '-lf', lab.path('dhclient.leases'), '-pf', lab.path('dhclient.pid'), lab.clientIf], lab.clientNs);
		await waitFor('dhclient to be acknowledged', 15_000, () => /DHCPACK on [\d.]+ to [0-9a-f:]+ \(laptop-ana\)/.test(lab.output('dhcpd')));
	});

	after(async () => lab?.destroy());

	it('collects the leases dhcpd acknowledged, with the client host name', async () => {
		batch = await dhcpdCollector.collect(collectContext({ kind: 'dhcpd', transport: 'file', endpoint }));
		const acked = ackedLeases(lab.output('dhcpd'));
		assert.ok(acked.size >= 100, `only ${acked.size} DHCPACKs`);
		const active = batch.leases!.filter(l => l.state === 'active');
		assert.deepEqual(new Map(active.map(l => [l.ip, l.mac])), acked);
		// And the journal's own active set, read naively (the last block per address wins).
		const journal = new Map<string, string>();
		for (const m of fs.readFileSync(endpoint.leaseFile as string, 'utf8').matchAll(/^lease (\S+) \{([^}]*)\}/gm)) {
			if (/^\s*binding state active;/m.test(m[2])) journal.set(m[1], /hardware ethernet ([0-9a-f:]+);/.exec(m[2])![1]);
			else journal.delete(m[1]);
		}
		assert.deepEqual(new Map(active.map(l => [l.ip, l.mac])), journal);
		const named = active.find(l => l.hostname === 'laptop-ana');
		assert.ok(named, 'the dhclient lease carries its host name');
		const now = Date.now() / 1000;
		for (const l of active) assert.ok(l.ends! > now && l.ends! <= now + 3700, `lease ${l.ip} ends ${l.ends}`);
		assert.equal(batch.health?.ok, true);
	});

	it('reads the subnet range and the reservation from the included file', () => {
		assert.deepEqual(
			batch.config!.scopes.map(s => [s.subnet, s.start, s.end, s.leaseSeconds]),
			[['10.81.0.0/24', '10.81.0.10', '10.81.0.250', 3600]],
		);
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.mac, r.name]), [['10.81.0.5', '02:00:00:00:00:05', 'printer-5']]);
	});

	it('lands in the store as the same active set, and a second identical collection changes nothing', async () => {
		const store = await TempStore.open();
		try {
			const server = { name: 'dhcpd-lab', kind: 'dhcpd', transport: 'file', endpoint };
			const first = await store.ingest(server, batch);
			const stored = await store.leases(first.serverId);
			const active = batch.leases!.filter(l => l.state === 'active');
			assert.deepEqual(
				stored.map(l => [l.ip, l.mac, l.state]),
				active.map(l => [l.ip, l.mac, 'active']).sort((a, b) => ipOrder(a[0]!) - ipOrder(b[0]!)),
			);
			assert.equal(first.result.rejected.length, 0, JSON.stringify(first.result.rejected.slice(0, 3)));
			const again = await store.ingest(server, await dhcpdCollector.collect(collectContext({ kind: 'dhcpd', transport: 'file', endpoint })));
			assert.equal(again.result.leaseEvents, 0);
			assert.equal((await store.leases(first.serverId)).length, stored.length);
		} finally {
			await store.close();
		}
	});
});

function ipOrder(ip: string): number {
	return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
