import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { addServer } from '../../store/servers.js';
import { ingestBatch } from '../../store/ingest.js';
import type { DhcpConfig } from '../../source/domain/dhcp.js';
import { formatKey } from '../../source/domain/ip.js';

async function fresh(): Promise<Store> {
	return Store.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-config-')), 'ipam.db'));
}

const base: DhcpConfig = {
	scopes: [
		{ key: '1', family: 4, subnet: '10.20.1.0/24', start: '10.20.1.100', end: '10.20.1.199', name: 'office', leaseSeconds: 3600, options: { routers: '10.20.1.1' }, reportedUsed: 12 },
		{ key: '2', family: 6, subnet: '2001:db8:1::/64', start: '2001:db8:1::1000', end: '2001:db8:1::1fff', name: 'v6' },
	],
	reservations: [{ family: 4, ip: '10.20.1.50', mac: 'aa:bb:cc:00:00:50', name: 'printer' }],
	options: { 'domain-name': 'corp.example' },
};

test('scopes become discovered ranges managed by the server, under subnets and blocks created for them', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'kea-east', kind: 'kea' });
	const r = await ingestBatch(store, s.id, { config: base }, 1000);
	assert.equal(r.scopes, 2);
	assert.equal(r.configChanges, 0, 'the first collection has nothing to compare with');
	const ranges = await store.all<{ start: Buffer; end: Buffer; managed_by: string; managed_by_entity: string; assignment_type: string; scope_key: string; discovered: number; subnet_id: number | null; reported_used: number | null }>(
		'SELECT * FROM range ORDER BY family, start',
	);
	assert.deepEqual(
		ranges.map(x => [formatKey(x.start), formatKey(x.end), x.managed_by, x.managed_by_entity, x.assignment_type, x.scope_key, x.discovered, x.subnet_id !== null]),
		[
			['10.20.1.100', '10.20.1.199', 'Kea', 'kea-east', 'dynamic', '1', 1, true],
			['2001:db8:1::1000', '2001:db8:1::1fff', 'Kea', 'kea-east', 'dynamic', '2', 1, true],
		],
	);
	assert.equal(ranges[0].reported_used, 12);
	const subnets = await store.all<{ start: Buffer; prefix_len: number; discovered: number; block_id: number | null }>('SELECT * FROM subnet ORDER BY family');
	assert.deepEqual(subnets.map(x => [formatKey(x.start), x.prefix_len, x.discovered, x.block_id !== null]), [
		['10.20.1.0', 24, 1, true],
		['2001:db8:1::', 64, 1, true],
	]);
	const blocks = await store.all<{ start: Buffer; prefix_len: number; discovered: number }>('SELECT * FROM block ORDER BY family');
	assert.deepEqual(blocks.map(x => [formatKey(x.start), x.prefix_len, x.discovered]), [
		['10.0.0.0', 8, 1],
		['2001:db8:1::', 48, 1],
	]);
	const res = await store.get<{ ip: Buffer; mac: string; name: string; range_id: number | null }>('SELECT * FROM reservation');
	assert.deepEqual([formatKey(res!.ip), res!.mac, res!.name, res!.range_id], ['10.20.1.50', 'aa:bb:cc:00:00:50', 'printer', null]);
	await store.close();
});

test('an existing subnet is used, not duplicated', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'dhcpd1', kind: 'dhcpd' });
	await store.exec(`INSERT INTO subnet (space_id, family, start, end, prefix_len, name) VALUES (1, 4, x'0a140000', x'0a14ffff', 16, 'site')`);
	await ingestBatch(store, s.id, { config: { scopes: [base.scopes[0]], reservations: [] } }, 1000);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM subnet'))!.n, 1);
	const r = await store.get<{ subnet_id: number; managed_by: string }>('SELECT subnet_id, managed_by FROM range');
	assert.equal(r!.managed_by, 'ISC DHCP');
	assert.equal(r!.subnet_id, (await store.get<{ id: number }>('SELECT id FROM subnet'))!.id);
	await store.close();
});

test('successive configurations become config events with before and after', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'win-dhcp', kind: 'windows' });
	await ingestBatch(store, s.id, { config: base }, 1000);
	const next: DhcpConfig = {
		scopes: [
			{ ...base.scopes[0], leaseSeconds: 7200, reportedUsed: 40 }, // changed (statistics alone would not count)
			{ key: '3', family: 4, subnet: '10.20.2.0/24', start: '10.20.2.10', end: '10.20.2.20' }, // added; '2' removed
		],
		reservations: [
			{ family: 4, ip: '10.20.1.50', mac: 'aa:bb:cc:00:00:51', name: 'printer' }, // changed
			{ family: 4, ip: '10.20.1.60', mac: 'aa:bb:cc:00:00:60' }, // added
		],
		options: { 'domain-name': 'corp2.example', 'ntp-servers': '10.0.0.1' },
	};
	const r = await ingestBatch(store, s.id, { config: next }, 2000);
	const events = await store.all<{ ts: number; kind: string; object_key: string; before: string | null; after: string | null; actor: string }>(
		'SELECT ts, kind, object_key, before, after, actor FROM config_event ORDER BY id',
	);
	assert.equal(r.configChanges, events.length);
	assert.deepEqual(
		events.map(e => [e.kind, e.object_key]),
		[
			['scope-changed', '1'],
			['scope-added', '3'],
			['scope-removed', '2'],
			['reservation-changed', '10.20.1.50'],
			['reservation-added', '10.20.1.60'],
			['option-changed', 'domain-name'],
			['option-changed', 'ntp-servers'],
		],
	);
	const changed = events[0];
	assert.equal(JSON.parse(changed.before!).leaseSeconds, 3600);
	assert.equal(JSON.parse(changed.after!).leaseSeconds, 7200);
	assert.equal(events[2].after, null);
	assert.ok(events.every(e => e.ts === 2000 && e.actor === 'win-dhcp'));
	assert.deepEqual((await store.all<{ scope_key: string }>('SELECT scope_key FROM range ORDER BY scope_key')).map(x => x.scope_key), ['1', '3']);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM reservation'))!.n, 2);
	// Same configuration again, only statistics moved: no events, the figure is updated.
	const again = await ingestBatch(store, s.id, { config: { ...next, scopes: [{ ...next.scopes[0], reportedUsed: 41 }, next.scopes[1]] } }, 3000);
	assert.equal(again.configChanges, 0);
	assert.equal((await store.get<{ reported_used: number }>(`SELECT reported_used FROM range WHERE scope_key = '1'`))!.reported_used, 41);
	await store.close();
});

test('leases count toward their range utilization after ingest', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'k', kind: 'kea' });
	const leases = [100, 101, 102].map(n => ({ family: 4 as const, ip: `10.20.1.${n}`, mac: `aa:00:00:00:00:${n.toString(16)}`, state: 'active' as const, starts: 900, ends: 5000 }));
	await ingestBatch(store, s.id, { config: base, leases }, 1000);
	const r = await store.get<{ used: number; size: number }>(`SELECT used, size FROM range WHERE scope_key = '1'`);
	assert.deepEqual(r, { used: 3, size: 100 });
	assert.equal((await store.get<{ used: number }>('SELECT used FROM subnet WHERE family = 4'))!.used, 3);
	await store.close();
});

test('a scope that is not an address range is rejected by name; the others land', async () => {
	const store = await fresh();
	const s = await addServer(store, { name: 'd', kind: 'dnsmasq' });
	const r = await ingestBatch(store, s.id, { config: { scopes: [{ key: 'bad', family: 4, start: '10.0.0.9', end: '10.0.0.1' }, base.scopes[0]], reservations: [] } }, 1000);
	assert.equal(r.rejected.length, 1);
	assert.match(r.rejected[0].message, /scope "bad"/);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM range'))!.n, 1);
	assert.equal((await store.get<{ status: string }>('SELECT status FROM server'))!.status, 'degraded');
	await store.close();
});
