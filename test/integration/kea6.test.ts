// Real kea-dhcp6 in a network namespace: perfdhcp asks for addresses and delegated prefixes; the collector's
// leases (IA_NA and IA_PD) over the unix socket must equal what Kea itself reports (lease6-get-all via socat),
// and the store must hold them after the real ingest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { keaCollector } from '../../source/collectors/kea/index.js';
import { canonicalAddress } from '../../source/domain/ip.js';
import { collectContext } from './context.js';
import { keaHooksDir, keaSocat, Lab, serverSkipReason, waitFor } from './harness.js';
import { keaServerConfig } from './kea-config.js';
import { TempStore } from './store-check.js';

const skip = serverSkipReason(['kea-dhcp6', 'perfdhcp', 'socat']) ?? (keaHooksDir() ? null : 'Kea hooks (lease_cmds) not found');
if (skip) console.log(`# SKIP kea6 integration: ${skip}`);

describe('Kea DHCPv6 collection from a real server', { skip: skip ?? false }, () => {
	let lab: Lab;
	let socket: string;

	before(async () => {
		lab = new Lab('kea6');
		await lab.network('10.79.0.1/24', '2001:db8:79::1/64');
		const made = keaServerConfig({
			family: 6,
			dir: lab.dir,
			hooksDir: keaHooksDir(),
			interfaces: [lab.serverIf],
			subnets: [
				{
					id: 79,
					subnet: '2001:db8:79::/64',
					pools: ['2001:db8:79::100-2001:db8:79::1ff'],
					pdPools: [{ prefix: '2001:db8:7900::', prefixLen: 40, delegatedLen: 56 }],
					reservations: [{ duid: '00:03:00:01:02:00:00:00:00:05', 'ip-addresses': ['2001:db8:79::5'], hostname: 'printer-v6' }],
				},
			],
		});
		socket = made.socket;
		fs.mkdirSync('/run/kea', { recursive: true });
		lab.start('kea-dhcp6', ['kea-dhcp6', '-c', lab.write('kea6.json', JSON.stringify(made.config))], lab.serverNs);
		await waitFor('the Kea control socket', 10_000, () => fs.existsSync(socket));
		const traffic = await lab.client(20, ['perfdhcp', '-6', '-l', lab.clientIf, '--scenario', 'avalanche', '-R', '60', '-e', 'address-and-prefix']);
		assert.ok(traffic.code === 0 || traffic.code === 3, `perfdhcp failed (${traffic.code}): ${traffic.stderr} ${traffic.stdout.slice(-400)}`);
	});

	after(async () => lab?.destroy());

	it('collects every IA_NA and IA_PD lease, equal to lease6-get-all', async () => {
		const reference = await keaSocat(socket, { command: 'lease6-get-all' });
		assert.equal(reference.result, 0, reference.text);
		const expected = reference.arguments.leases as Array<Record<string, any>>;
		assert.ok(expected.some(l => l.type === 'IA_PD') && expected.some(l => l.type === 'IA_NA'), `perfdhcp leased ${expected.length}`);
		const batch = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket, service: 'dhcp6', pageLimit: 20 } }));
		const got = new Map(batch.leases!.map(l => [`${l.ip}/${l.leaseType}`, l]));
		assert.equal(got.size, expected.length);
		for (const e of expected) {
			const type = e.type === 'IA_PD' ? 'pd' : 'na';
			const l = got.get(`${canonicalAddress(e['ip-address'])}/${type}`);
			assert.ok(l, `${e.type} ${e['ip-address']} missing`);
			assert.equal(l.duid, e.duid);
			assert.equal(l.iaid, e.iaid);
			assert.equal(l.ends, e.cltt + e['valid-lft']);
			assert.equal(l.prefixLen, type === 'pd' ? e['prefix-len'] : null);
			assert.equal(l.scopeKey, type === 'pd' ? '79/pd0' : '79');
		}
		const scopes = batch.config!.scopes;
		assert.deepEqual(scopes.map(s => [s.key, s.start, s.end]), [
			['79', '2001:db8:79::100', '2001:db8:79::1ff'],
			['79/pd0', '2001:db8:7900::', '2001:db8:79ff:ffff:ffff:ffff:ffff:ffff'],
		]);
		assert.equal(scopes[0].reportedUsed, expected.filter(l => l.type === 'IA_NA').length);
		assert.equal(scopes[1].reportedUsed, expected.filter(l => l.type === 'IA_PD').length);
		assert.deepEqual(batch.config!.reservations.map(r => [r.ip, r.duid, r.name]), [['2001:db8:79::5', '00:03:00:01:02:00:00:00:00:05', 'printer-v6']]);

		const store = await TempStore.open();
		try {
			const { serverId, result } = await store.ingest({ name: 'kea6-lab', kind: 'kea', transport: 'unix', endpoint: { socket, service: 'dhcp6' } }, batch);
			assert.equal(result.rejected.length, 0, JSON.stringify(result.rejected.slice(0, 3)));
			const stored = await store.leases(serverId);
			assert.deepEqual(stored.map(l => l.ip).sort(), batch.leases!.map(l => l.ip).sort());
		} finally {
			await store.close();
		}
	});
});
