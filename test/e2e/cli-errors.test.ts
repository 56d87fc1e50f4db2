// Error messages can quote untrusted input; what reaches the terminal carries no control characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.IPAM_CLI ?? path.join(root, 'dist', 'cli.js');

test('an error quoting hostile input is printed without escape sequences, usage keeps its lines', () => {
	const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-errors-')), 'ipam.db');
	const hostile = spawnSync('node', [cli, '--db', db, 'block', 'add', '10.0.0.0/8\u001b]0;owned\u0007\u001b[2J'], { encoding: 'utf8' });
	assert.equal(hostile.status, 3);
	assert.match(hostile.stderr, /^ipam: /);
	assert.doesNotMatch(hostile.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/);
	const usage = spawnSync('node', [cli, '--db', db, 'block', 'add', '--bogus'], { encoding: 'utf8' });
	assert.equal(usage.status, 2);
	assert.ok(usage.stderr.split('\n').length > 3, 'usage text stays on separate lines');
});
