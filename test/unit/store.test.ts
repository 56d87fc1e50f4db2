import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { SAFETY_CHECKPOINT_PAGES } from '../../store/checkpointer.js';

function tempPath(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-store-')), 'ipam.db');
}

test('a new store is migrated to the latest schema in WAL mode with foreign keys on', async () => {
	const store = await Store.open(tempPath());
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

test('schema 2 drops the address host-name index no statement used; a store from before keeps its rows', async () => {
	const file = tempPath();
	const store = await Store.open(file);
	await store.run(`INSERT INTO address (space_id, family, ip, hostname) VALUES (1, 4, x'0a000001', 'Host-A')`);
	// As a store at schema 1 has it.
	await store.exec(`CREATE INDEX address_hostname ON address (hostname COLLATE NOCASE) WHERE hostname <> ''; PRAGMA user_version = 1`);
	await store.close();
	const again = await Store.open(file);
	assert.ok((await again.schemaVersion()) >= 2);
	const indexes = await again.all<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'address' AND name = 'address_hostname'`);
	assert.deepEqual(indexes, []);
	assert.equal((await again.get<{ hostname: string }>(`SELECT hostname FROM address WHERE ip = x'0a000001'`))?.hostname, 'Host-A');
	await again.close();
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
