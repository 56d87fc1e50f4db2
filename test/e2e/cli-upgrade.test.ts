// Upgrading a store from an older ipam through the built binary: announced on stderr (a migration may rebuild the
// lease history's indexes for minutes), then silent, and the command still answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';
import { APPLICATION_ID } from '../../store/database.js';
import { loadMigrations } from '../../store/migrations.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');

test('a store at schema 2 is upgraded by the next command, which says so once', async t => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-upgrade-'));
	t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
	const db = path.join(dir, 'ipam.db');
	const raw = new sqlite3.Database(db);
	const exec = (sql: string) => new Promise<void>((resolve, reject) => raw.exec(sql, err => (err ? reject(err) : resolve())));
	for (const m of loadMigrations().filter(m => m.version <= 2)) await exec(m.sql);
	await exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = 2;
		INSERT INTO block (space_id, family, start, end, prefix_len) VALUES (1, 4, x'0a000000', x'0affffff', 8)`);
	await new Promise<void>((resolve, reject) => raw.close(err => (err ? reject(err) : resolve())));
	const first = spawnSync('node', [cli, '--db', db, 'block', 'list', '--json'], { encoding: 'utf8' });
	assert.equal(first.status, 0, first.stderr);
	assert.match(first.stderr, /upgrading the store to schema 3 \(003_lease_chunk_bucket_keys\.sql\)/);
	assert.match(first.stdout, /10\.0\.0\.0\/8/);
	const second = spawnSync('node', [cli, '--db', db, 'block', 'list', '--json'], { encoding: 'utf8' });
	assert.equal(second.status, 0, second.stderr);
	assert.equal(second.stderr, '');
});
