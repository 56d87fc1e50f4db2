import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/database.js';

test('reads through kept statements: a failing one rejects (never crashes) and is not kept; eviction and close are clean', async () => {
	const store = await Store.open(':memory:');
	await assert.rejects(store.all('SELECT * FROM later'), /no such table: later/);
	await assert.rejects(store.get('SELEC 1'), /syntax error/);
	await store.exec('CREATE TABLE later (x)');
	await store.run('INSERT INTO later VALUES (1), (2)');
	// The same text now prepares against the new schema.
	assert.deepEqual(await store.all('SELECT * FROM later'), [{ x: 1 }, { x: 2 }]);
	// More distinct statements than are kept: the oldest are dropped, every answer still right.
	for (let i = 0; i < 300; i++) assert.equal((await store.get<{ v: number }>(`SELECT ${i} AS v`))!.v, i);
	// A get leaves no read open: a write transaction right after it goes through.
	assert.equal((await store.get<{ x: number }>('SELECT x FROM later ORDER BY x'))!.x, 1);
	await store.transaction(tx => tx.run('INSERT INTO later VALUES (3)'));
	assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM later'))!.n, 3);
	await store.close();
});
