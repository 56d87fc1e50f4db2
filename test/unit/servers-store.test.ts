import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { addServer, deleteServer, editServer, listServers, parseEndpoint, requireServer, serverGroups, serverTags } from '../../store/servers.js';
import { ingestBatch } from '../../store/ingest.js';
import { ensureTasks, listTasks, parseInterval, setTask } from '../../store/tasks.js';
import { deleteSecret, redact, resolveSecret, secretEnvName, secretPresence, setSecret } from '../../source/workers/secrets.js';

async function fresh(): Promise<Store> {
	return Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-servers-')), 'ipam.db'));
}

test('servers: kinds and transports are checked, endpoints merge on edit, groups and tags filter', async () => {
	const store = await fresh();
	await assert.rejects(addServer(store, { name: 'x', kind: 'bind' }), /server kind "bind" is not one of kea, dhcpd, dnsmasq, windows/);
	await assert.rejects(addServer(store, { name: 'x', kind: 'dhcpd', transport: 'http' }), /a dhcpd server is reached by file, ssh, not "http"/);
	await assert.rejects(addServer(store, { name: 'x', kind: 'kea', endpoint: { ssh: { host: 'h', password: 'pw' } } }), /"password" looks like a secret/);
	await assert.rejects(addServer(store, { name: 'x', kind: 'kea', credentialRef: 'a b' }), /may use letters, digits/);
	const a = await addServer(store, { name: 'dhcp-a', kind: 'dhcpd', endpoint: { leaseFile: '/var/lib/dhcp/dhcpd.leases' }, groups: ['site-1'], tags: ['prod'] });
	assert.equal(a.transport, 'file', 'the first transport of the kind is the default');
	await addServer(store, { name: 'kea-b', kind: 'kea', groups: ['site-2'] });
	await assert.rejects(addServer(store, { name: 'DHCP-A', kind: 'kea' }), /already exists/);
	const edited = await editServer(store, 'dhcp-a', { transport: 'ssh', endpointSet: { host: 'dhcp-a.example', user: 'ipam', leaseFile: '/srv/leases' }, addGroups: ['site-2'], removeTags: ['prod'], addTags: ['lab'] });
	assert.deepEqual(parseEndpoint(edited.endpoint), { leaseFile: '/srv/leases', host: 'dhcp-a.example', user: 'ipam' });
	assert.deepEqual(await serverGroups(store, a.id), ['site-1', 'site-2']);
	assert.deepEqual(await serverTags(store, a.id), ['lab']);
	assert.deepEqual((await listServers(store, { group: 'site-2' })).map(s => s.name), ['dhcp-a', 'kea-b']);
	assert.deepEqual((await listServers(store, { tag: 'lab' })).map(s => s.name), ['dhcp-a']);
	assert.deepEqual((await listServers(store, { after: 'dhcp-a' })).map(s => s.name), ['kea-b']);
	const unset = await editServer(store, 'dhcp-a', { endpointSet: { user: null } });
	assert.deepEqual(parseEndpoint(unset.endpoint), { leaseFile: '/srv/leases', host: 'dhcp-a.example' });
	const audit = await store.all<{ action: string }>(`SELECT action FROM audit WHERE object_kind = 'server' ORDER BY id`);
	assert.deepEqual(audit.map(r => r.action), ['create', 'create', 'update', 'update']);
	await store.close();
});

test('deleting a server removes its ranges, reservations, current leases and tasks; history stays', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'gone', kind: 'kea' });
	await ingestBatch(
		store,
		s.id,
		{
			config: { scopes: [{ key: '1', family: 4, subnet: '10.1.0.0/24', start: '10.1.0.10', end: '10.1.0.20' }], reservations: [{ family: 4, ip: '10.1.0.5', mac: 'aa:00:00:00:00:05' }] },
			leases: [{ family: 4, ip: '10.1.0.10', mac: 'aa:00:00:00:00:10', state: 'active', starts: 1, ends: 9e9 }],
		},
		100,
	);
	await ensureTasks(store);
	await deleteServer(store, 'gone');
	for (const table of ['range', 'reservation', 'lease', 'task WHERE server_id IS NOT NULL', 'config_snapshot']) {
		assert.equal((await store.get<{ n: number }>(`SELECT count(*) n FROM ${table}`))!.n, 0, table);
	}
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM lease_event'))!.n, 1, 'lease history outlives the server');
	await assert.rejects(requireServer(store, 'gone'), /no server named "gone"/);
	await store.close();
});

test('tasks: defaults per server, intervals parsed, store-wide tasks take no server', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'k', kind: 'kea' });
	await ensureTasks(store);
	assert.deepEqual((await listTasks(store, s.id)).map(t => [t.kind, t.interval_s]), [
		['availability', 900],
		['config', 21600],
		['events', 3600],
		['leases', 300],
	]);
	assert.deepEqual(['90s', '10m', '6h', '1d', '600'].map(parseInterval), [90, 600, 21600, 86400, 600]);
	assert.throws(() => parseInterval('5'), /between 10s and 30d/);
	assert.throws(() => parseInterval('often'), /not a duration/);
	const t = await setTask(store, s.id, 'leases', { intervalS: 120, enabled: false });
	assert.deepEqual([t.interval_s, t.enabled], [120, 0]);
	await assert.rejects(setTask(store, s.id, 'purge', { intervalS: 600 }), /store-wide/);
	await assert.rejects(setTask(store, null, 'leases', { intervalS: 600 }), /belongs to a server/);
	await store.close();
});

test('secrets: 0600 file, environment first, group/world-readable refused, redaction', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-secrets-'));
	const env = { IPAM_SECRETS: path.join(dir, 'sub', 'secrets.json') } as NodeJS.ProcessEnv;
	assert.equal(resolveSecret('kea', env), undefined);
	assert.equal(secretPresence('kea', env), 'missing');
	setSecret('kea', 'u:p4ss', env);
	assert.equal(fs.statSync(env.IPAM_SECRETS!).mode & 0o777, 0o600);
	assert.equal(resolveSecret('kea', env), 'u:p4ss');
	assert.equal(secretEnvName('kea-ca.1'), 'IPAM_SECRET_KEA_CA_1');
	assert.equal(resolveSecret('kea', { ...env, IPAM_SECRET_KEA: 'from-env' }), 'from-env');
	fs.chmodSync(env.IPAM_SECRETS!, 0o640);
	assert.throws(() => resolveSecret('kea', env), /readable by others \(mode 0640\); refusing to use it: run chmod 600/);
	fs.chmodSync(env.IPAM_SECRETS!, 0o600);
	fs.writeFileSync(env.IPAM_SECRETS!, '{"kea": "u:p4ss",', { mode: 0o600 });
	assert.throws(
		() => resolveSecret('kea', env),
		(err: Error) => /not valid JSON/.test(err.message) && !err.message.includes('p4ss'),
		'a broken file is reported without quoting it',
	);
	fs.writeFileSync(env.IPAM_SECRETS!, '{"kea": "u:p4ss"}', { mode: 0o600 });
	assert.equal(deleteSecret('kea', env), true);
	assert.equal(resolveSecret('kea', env), undefined);
	assert.equal(redact('auth u:p4ss failed (u%3Ap4ss, dTpwNHNz)', 'u:p4ss'), 'auth *** failed (***, ***)');
	assert.equal(redact('logon as CORP\\svc failed: password Pa55-w0rd rejected', 'CORP\\svc:Pa55-w0rd'), 'logon as CORP\\svc failed: password *** rejected');
});
