import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { APPLICATION_ID, Store } from '../../store/database.js';
import { loadMigrations } from '../../store/migrations.js';
import { trackAddress } from '../../store/tracking-address.js';
import { trackClient } from '../../store/tracking-clients.js';
import { trackHost } from '../../store/tracking-hosts.js';
import { SAFETY_CHECKPOINT_PAGES } from '../../store/checkpointer.js';

function tempPath(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-store-')), 'ipam.db');
}

test('a new store is migrated to the latest schema in WAL mode with foreign keys on', async () => {
	const told: number[] = [];
	const store = await Store.open(tempPath(), { onMigration: m => told.push(m.version) });
	assert.deepEqual(told, [], 'creating a store is not an upgrade');
	assert.ok((await store.schemaVersion()) >= 1);
	assert.equal((await store.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode, 'wal');
	assert.equal((await store.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys, 1);
	await store.close();
});

test('a failed transaction leaves the store unchanged', async () => {
	const store = await Store.open(tempPath());
	await assert.rejects(
		store.transaction(async tx => {
			await tx.run(`INSERT INTO tag (name) VALUES ('kept?')`);
			throw new Error('boom');
		}),
	);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) n FROM tag'))?.n, 0);
	await store.close();
});

test('a transaction begun while another awaits waits for it: a rollback there never takes its rows', async () => {
	const store = await Store.open(tempPath());
	// Collection lanes share one connection: the second transaction starts while the first is mid-way.
	let release!: () => void;
	const midway = new Promise<void>(resolve => (release = resolve));
	const first = store.transaction(async tx => {
		await tx.run(`INSERT INTO tag (name) VALUES ('first')`);
		release();
		await new Promise(resolve => setTimeout(resolve, 50));
		throw new Error('the first lane fails');
	});
	await midway;
	const second = store.transaction(async tx => {
		await tx.run(`INSERT INTO tag (name) VALUES ('second')`);
		// Nested calls still join their own transaction.
		await tx.transaction(async inner => inner.run(`INSERT INTO tag (name) VALUES ('second, nested')`));
		return (await tx.get<{ n: number }>('SELECT count(*) n FROM tag'))!.n;
	});
	await assert.rejects(first, /the first lane fails/);
	assert.equal(await second, 2, 'the second transaction sees only its own rows');
	const names = (await store.all<{ name: string }>('SELECT name FROM tag ORDER BY name')).map(r => r.name);
	assert.deepEqual(names, ['second', 'second, nested']);
	// A task left running by a committed transaction queues instead of joining a transaction that has ended.
	let late!: Promise<unknown>;
	await store.transaction(async () => {
		late = new Promise(resolve => setTimeout(resolve, 20)).then(() =>
			store.transaction(async tx => {
				await tx.run(`INSERT INTO tag (name) VALUES ('late')`);
				throw new Error('late fails');
			}),
		);
	});
	await assert.rejects(late, /late fails/);
	assert.equal((await store.get<{ n: number }>(`SELECT count(*) n FROM tag WHERE name = 'late'`))!.n, 0);
	await store.close();
});

test('insertMany writes every row with blob keys from hex', async () => {
	const store = await Store.open(tempPath());
	const rows = Array.from({ length: 25_000 }, (_, i) => [1, 4, (0x0a000000 + i).toString(16).padStart(8, '0'), 'h' + i]);
	const n = await store.insertMany('address', ['space_id', 'family', { name: 'ip', blob: true }, 'hostname'], rows);
	assert.equal(n, 25_000);
	const last = await store.get<{ ip: Buffer; hostname: string }>('SELECT ip, hostname FROM address ORDER BY ip DESC LIMIT 1');
	assert.equal(Buffer.from(last!.ip).toString('hex'), (0x0a000000 + 24_999).toString(16).padStart(8, '0'));
	await store.close();
});

test('a file that is not ours, or from a newer schema, is refused untouched', async () => {
	const bad = tempPath();
	fs.writeFileSync(bad, 'definitely not sqlite');
	await assert.rejects(Store.open(bad), /not a SQLite database/);
	assert.equal(fs.readFileSync(bad, 'utf8'), 'definitely not sqlite');

	const newer = tempPath();
	const store = await Store.open(newer);
	await store.exec('PRAGMA user_version = 999');
	await store.close();
	await assert.rejects(Store.open(newer), /newer than this ipam understands/);
});

/** A store as an ipam at `version` left it: the migrations up to it and nothing after. */
async function storeAtSchema(version: number): Promise<string> {
	const file = tempPath();
	const db = new sqlite3.Database(file);
	const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, err => (err ? reject(err) : resolve())));
	for (const m of loadMigrations().filter(m => m.version <= version)) await exec(m.sql);
	await exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${version}`);
	await new Promise<void>((resolve, reject) => db.close(err => (err ? reject(err) : resolve())));
	return file;
}

test('schema 2 drops the address host-name index no statement used; a store from before keeps its rows', async () => {
	const file = await storeAtSchema(1);
	const old = await Store.open(file, { readonly: true });
	assert.equal((await old.all(`SELECT name FROM sqlite_schema WHERE name = 'address_hostname'`)).length, 1);
	await old.close();
	const store = await Store.open(file);
	assert.ok((await store.schemaVersion()) >= 2);
	await store.run(`INSERT INTO address (space_id, family, ip, hostname) VALUES (1, 4, x'0a000001', 'Host-A')`);
	const indexes = await store.all<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'address' AND name = 'address_hostname'`);
	assert.deepEqual(indexes, []);
	assert.equal((await store.get<{ hostname: string }>(`SELECT hostname FROM address WHERE ip = x'0a000001'`))?.hostname, 'Host-A');
	await store.close();
});

test('schema 3 leads the chunk indexes by time bucket; history stored before is still found by address, client and host', async () => {
	// The history goes in at schema 2, through a raw connection (opening it as a Store would migrate it first).
	const raw = await storeAtSchema(2);
	const db = new sqlite3.Database(raw);
	const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, err => (err ? reject(err) : resolve())));
	// Two buckets apart (2^22 s each), the same address, client and host.
	await exec(`INSERT INTO client (id, key, mac) VALUES (1, 'mac:00:11:22:33:44:55', '00:11:22:33:44:55');
		INSERT INTO host (id, name, name_lc) VALUES (1, 'pc-1', 'pc-1');
		INSERT INTO lease_event (ts, kind, ip, client_ref, host_ref) VALUES (1700000000, 1, x'0a000005', 1, 1), (1708388608, 2, x'0a000005', 1, 1)`);
	await new Promise<void>((resolve, reject) => db.close(err => (err ? reject(err) : resolve())));
	const told: number[] = [];
	const store = await Store.open(raw, { onMigration: m => told.push(m.version) });
	assert.ok((await store.schemaVersion()) >= 3);
	assert.equal(told[0], 3, 'the upgrade is announced before it runs');
	const defs = await store.all<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'lease_chunk' AND name <> 'lease_chunk_first' ORDER BY name`);
	assert.deepEqual(defs.map(d => d.name), ['lease_chunk_client', 'lease_chunk_host', 'lease_chunk_ip']);
	for (const d of defs) assert.match(d.sql, /\(bkt, (ip|client_ref|host_ref), t_first, t_last\)/);
	assert.deepEqual(await store.all(`SELECT bkt, t_first >> 22 AS b FROM lease_chunk ORDER BY t_first`), [
		{ bkt: 1700000000 >> 22, b: 1700000000 >> 22 },
		{ bkt: 1708388608 >> 22, b: 1708388608 >> 22 },
	]);
	const byIp = await trackAddress(store, '10.0.0.5', { from: 1690000000, to: 1710000000 }, { now: 1710000000 });
	assert.deepEqual(byIp.rows.map(r => r.mac), ['00:11:22:33:44:55']);
	const byMac = await trackClient(store, '00:11:22:33:44:55', { from: 1690000000, to: 1710000000 }, { now: 1710000000 });
	assert.deepEqual(byMac.rows.map(r => r.ip), ['10.0.0.5']);
	const byHost = await trackHost(store, 'pc-1', { from: 1690000000, to: 1710000000 }, { now: 1710000000 });
	assert.deepEqual(byHost.rows.map(r => r.ip), ['10.0.0.5']);
	// The same event inserted again through the view is dropped, as ingest drops it.
	await store.run(`INSERT INTO lease_event (ts, kind, ip, client_ref, host_ref) VALUES (1708388608, 2, x'0a000005', 1, 1)`);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM lease_event'))?.n, 2);
	await store.close();
});

test('a commit leaves the WAL checkpoint to a second connection: the pages reach the database file without the writer', async () => {
	const file = tempPath();
	const store = await Store.open(file);
	assert.equal((await store.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint'))?.wal_autocheckpoint, SAFETY_CHECKPOINT_PAGES);
	// Far below the safety net: only the background checkpoint can have moved these pages into the file.
	await store.transaction(tx => tx.run(
			`WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 500)
			INSERT INTO address (space_id, family, ip, hostname) SELECT 1, 4, unhex(printf('0a%06x', value)), 'h' || value FROM n`,
		),
	);
	const copy = `${file}.copy`;
	let found = 0;
	for (let i = 0; i < 100 && found < 500; i++) {
		await new Promise(resolve => setTimeout(resolve, 20));
		// The database file alone, as a copy without its WAL sees it.
		fs.copyFileSync(file, copy);
		for (const extra of ['-wal', '-shm']) fs.rmSync(copy + extra, { force: true });
		const alone = await Store.open(copy, { readonly: true });
		found = (await alone.get<{ n: number }>(`SELECT count(*) AS n FROM address`))?.n ?? 0;
		await alone.close();
	}
	assert.equal(found, 500);
	await store.close();
});
