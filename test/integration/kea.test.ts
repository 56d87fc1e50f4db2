// Real Kea 2.x (kea-dhcp4 + Control Agent) in a network namespace, ~200 leases from perfdhcp: the collector's
// leases over the unix socket and over HTTP must equal what Kea itself reports (lease4-get-all via socat).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CollectionBatch, LeaseRecord } from '../../source/domain/dhcp.js';
import { keaCollector } from '../../source/collectors/kea/index.js';
import { collectContext } from './context.js';
import { freePort, keaHooksDir, keaSocat, Lab, serverSkipReason, waitFor } from './harness.js';
import { keaAgentConfig, keaServerConfig } from './kea-config.js';
import fs from 'node:fs';
import { TempStore } from './store-check.js';

const skip = serverSkipReason(['kea-dhcp4', 'kea-ctrl-agent', 'perfdhcp', 'socat']) ?? (keaHooksDir() ? null : 'Kea hooks (lease_cmds) not found');
if (skip) console.log(`# SKIP kea integration: ${skip}`);

describe('Kea DHCPv4 collection from a real server', { skip: skip ?? false }, () => {
	let lab: Lab;
	let socket: string;
	let leaseFile: string;
	let url: string;
	let viaSocket: CollectionBatch;

	before(async () => {
		lab = new Lab('kea4');
		await lab.network('10.77.0.1/24', undefined, '10.77.0.2/24');
		const { config, socket: sock, leaseFile: file } = keaServerConfig({
			family: 4,
			dir: lab.dir,
			hooksDir: keaHooksDir(),
			interfaces: [lab.serverIf],
			subnets: [
				{ id: 7, subnet: '10.77.0.0/24', pools: ['10.77.0.10 - 10.77.0.250'], reservations: [{ 'hw-address': '02:00:00:00:00:05', 'ip-address': '10.77.0.5', hostname: 'printer-5' }] },
				{ id: 8, subnet: '10.78.0.0/24', pools: ['10.78.0.10-10.78.0.20', '10.78.0.128/26'] },
			],
		});
		socket = sock;
		leaseFile = file;
		fs.mkdirSync('/run/kea', { recursive: true });
		lab.start('kea-dhcp4', ['kea-dhcp4', '-c', lab.write('kea4.json', JSON.stringify(config))], lab.serverNs);
		await waitFor('the Kea control socket', 10_000, () => fs.existsSync(socket));
		const port = await freePort();
		url = `http://127.0.0.1:${port}/`;
		lab.start('kea-ctrl-agent', ['kea-ctrl-agent', '-c', lab.write('ca.json', JSON.stringify(keaAgentConfig(lab.dir, port, { dhcp4: socket })))]);
		// perfdhcp stops after -n exchanges or -p seconds; 230 simulated clients in a 241-address pool.
		const traffic = await lab.client(20, ['perfdhcp', '-4', '-l', lab.clientIf, '-r', '200', '-R', '230', '-n', '260', '-p', '6']);
		assert.ok(traffic.code === 0 || traffic.code === 3, `perfdhcp failed (${traffic.code}): ${traffic.stderr}`);
		// Leases outside every pool (and in a subnet with no traffic) must still be collected exactly once.
		for (const [ip, mac] of [['10.77.0.3', '02:00:00:00:01:03'], ['10.78.0.50', '02:00:00:00:01:50'], ['10.78.0.150', '02:00:00:00:01:96']]) {
			const added = await keaSocat(socket, { command: 'lease4-add', arguments: { 'ip-address': ip, 'hw-address': mac } });
			assert.equal(added.result, 0, added.text);
		}
		await waitFor('the Control Agent', 10_000, async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"command":"version-get","service":["dhcp4"]}' })).ok);
	});

	after(async () => {
		await lab?.destroy();
	});

	it('collects every lease over the unix socket, paged, equal to lease4-get-all', async () => {
		const ctx = collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket, service: 'dhcp4', pageLimit: 50 } });
		viaSocket = await keaCollector.collect(ctx);
		const reference = await keaSocat(socket, { command: 'lease4-get-all' });
		assert.equal(reference.result, 0, reference.text);
		const expected = reference.arguments.leases as Array<Record<string, any>>;
		assert.ok(expected.length > 50 * 2, // several pages of 50
			 `perfdhcp produced only ${expected.length} leases: ${lab.output('kea-dhcp4')}`);
		const got = viaSocket.leases!;
		assert.equal(got.length, expected.length);
		const byIp = new Map(got.map(l => [l.ip, l]));
		for (const e of expected) {
			const l = byIp.get(e['ip-address']);
			assert.ok(l, `lease ${e['ip-address']} missing from the collection`);
			assert.equal(l.mac, e['hw-address']);
			assert.equal(l.cltt, e.cltt);
			assert.equal(l.ends, e.cltt + e['valid-lft']);
			assert.equal(l.state, 'active');
			assert.equal(l.scopeKey, e['subnet-id'] === 8 ? (e['ip-address'] === '10.78.0.50' ? '8' : '8/1') : '7');
		}
	});

	it('reads subnets, pools, reservations and Kea\'s own usage counter', () => {
		const config = viaSocket.config!;
		const keys = config.scopes.map(s => s.key).sort();
		assert.deepEqual(keys, ['7', '8/0', '8/1']);
		const main = config.scopes.find(s => s.key === '7')!;
		assert.equal(main.subnet, '10.77.0.0/24');
		assert.equal(main.start, '10.77.0.10');
		assert.equal(main.end, '10.77.0.250');
		assert.equal(main.reportedUsed, viaSocket.leases!.filter(l => l.ip.startsWith('10.77.')).length, 'stat assigned-addresses equals the lease count');
		const pool = config.scopes.find(s => s.key === '8/1')!;
		assert.equal(pool.start, '10.78.0.128');
		assert.equal(pool.end, '10.78.0.191');
		assert.deepEqual(config.reservations.map(r => [r.ip, r.mac, r.name, r.scopeKey]), [['10.77.0.5', '02:00:00:00:00:05', 'printer-5', '7']]);
		assert.equal(viaSocket.health?.ok, true);
		assert.match(viaSocket.health?.version ?? '', /^2\./);
	});

	it('collects the same leases through the Control Agent over HTTP', async () => {
		const ctx = collectContext({ kind: 'kea', transport: 'http', endpoint: { url, service: 'dhcp4', pageLimit: 64 } });
		const viaHttp = await keaCollector.collect(ctx);
		const key = (l: LeaseRecord) => `${l.ip} ${l.mac} ${l.cltt} ${l.ends} ${l.scopeKey}`;
		assert.deepEqual(viaHttp.leases!.map(key).sort(), viaSocket.leases!.map(key).sort());
		assert.deepEqual(viaHttp.config!.scopes, viaSocket.config!.scopes);
	});

	it('reads the same leases from the memfile CSV and the same scopes from the commented config file', async () => {
		// Kea's JSON dialect: comments of three kinds, and '#' or '//' inside strings that must survive.
		const json = fs.readFileSync(lab.path('kea4.json'), 'utf8');
		const commented = `// kea-dhcp4 for the lab\n# managed by hand\n/* block\n comment */\n${json.replace('"subnet4":', '/* the subnets */ "subnet4":').replace('"option-data":[', '"option-data":[{"name":"domain-name","data":"lab#1//x"}, ')}`;
		const configFile = lab.write('kea4-commented.conf', commented);
		const ctx = collectContext({ kind: 'kea', transport: 'file', endpoint: { leaseFile, configFile } }, { parts: ['config', 'leases'] });
		const viaFile = await keaCollector.collect(ctx);
		const key = (l: LeaseRecord) => `${l.ip} ${l.mac} ${l.cltt} ${l.ends} ${l.state} ${l.scopeKey}`;
		const bySubnet = (l: LeaseRecord) => ({ ...l, scopeKey: l.scopeKey?.split('/')[0] });
		assert.deepEqual(viaFile.leases!.map(key).sort(), viaSocket.leases!.map(bySubnet).map(key).sort());
		assert.deepEqual(
			viaFile.config!.scopes.map(s => ({ ...s, reportedUsed: null })),
			viaSocket.config!.scopes.map(s => ({ ...s, reportedUsed: null })),
		);
		assert.ok(JSON.stringify(viaFile.config!.options).includes('lab#1//x'));
	});

	it('lands in the store through the ingest; a second collection of an unchanged server adds no events', async () => {
		const store = await TempStore.open();
		try {
			const server = { name: 'kea-lab', kind: 'kea', transport: 'unix', endpoint: { socket } };
			const first = await store.ingest(server, viaSocket);
			assert.equal(first.result.rejected.length, 0, JSON.stringify(first.result.rejected.slice(0, 3)));
			assert.equal(first.result.scopes, 3);
			const stored = await store.leases(first.serverId);
			const reference = (await keaSocat(socket, { command: 'lease4-get-all' })).arguments.leases as Array<Record<string, any>>;
			assert.deepEqual(
				new Map(stored.map(l => [l.ip, l.mac])),
				new Map(reference.map(l => [l['ip-address'], l['hw-address']])),
			);
			const again = await store.ingest(server, await keaCollector.collect(collectContext(server)));
			assert.equal(again.result.leaseEvents, 0);
		} finally {
			await store.close();
		}
	});
});
