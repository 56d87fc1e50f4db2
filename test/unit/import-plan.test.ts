// The batch-wise import (planner + applier in one transaction): state that must carry across batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../store/database.js';
import { openImportFile } from '../../source/formats/ipam-import.js';
import { Planner, type PlanOptions } from '../../source/commands/import/plan.js';
import { Applier, applyBatches } from '../../source/commands/import/apply.js';
import { formatImportIssue, prefetched, type ImportIssue } from '../../source/formats/ipam-import.js';

function csv(text: string): string {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-plan-')), 'in.csv');
	fs.writeFileSync(file, text);
	return file;
}

/** Runs an import with tiny batches so every cross-batch path is taken; returns counts and problems. */
async function importInBatches(store: Store, file: string, options: PlanOptions, size = 2) {
	const opened = await openImportFile(file, { customFields: [] });
	if (!opened.ok) throw new Error(opened.issue.reason);
	const problems: ImportIssue[] = [];
	let deletes: string[] = [];
	const counts = await store.transaction(async tx => {
		const planner = new Planner(tx, opened.stream.header.kind, options);
		await planner.start();
		const applier = new Applier(tx, planner, { file, customFields: [] });
		// The pipelined path `ipam import` takes: batch N+1 planned while batch N is written.
		await applyBatches(planner, applier, prefetched(opened.stream.batches(size)), (batch, plan) => {
			problems.push(...batch.issues);
			problems.push(...plan.issues);
		});
		const planned = await planner.deletes();
		deletes = planned.map(d => d.label);
		await applier.finish(planned);
		return { created: applier.created, updated: applier.updated, unchanged: applier.unchanged, deleted: applier.deleted };
	});
	return { counts, problems: problems.map(p => formatImportIssue('f', p)), deletes };
}

test('duplicates are found across batches; a space created in one batch is reused by the next', async () => {
	const store = await Store.open(':memory:');
	const file = csv('IpAddress,AddressSpace\n10.0.0.1,Lab\n10.0.0.2,Lab\n10.0.0.3,Lab\n10.0.0.1,Lab\n10.0.0.1,Default\n');
	const r = await importInBatches(store, file, { defaultSpace: 'Default' });
	assert.deepEqual(r.counts, { created: 4, updated: 0, unchanged: 0, deleted: 0 });
	assert.deepEqual(r.problems, ['f:5: the same address 10.0.0.1 (IPAM) is already on line 2']);
	const spaces = await store.all<{ name: string }>(`SELECT name FROM address_space ORDER BY name`);
	assert.deepEqual(spaces.map(s => s.name), ['Default', 'Lab']);
	const perSpace = await store.all<{ name: string; n: number }>(
		`SELECT s.name, count(*) AS n FROM address a JOIN address_space s ON s.id = a.space_id GROUP BY s.name ORDER BY s.name`,
	);
	assert.deepEqual(perSpace, [
		{ name: 'Default', n: 1 },
		{ name: 'Lab', n: 3 },
	]);
	await store.close();
});

test('inventory sync deletes only pre-existing rows of the owner, never rows this import created in an earlier batch', async () => {
	const store = await Store.open(':memory:');
	const owner = 'IpAddress,ManagedByService,ServiceInstance\n';
	await importInBatches(store, csv(owner + '10.1.0.1,VMM,x\n10.1.0.2,VMM,x\n10.1.0.3,VMM,x\n10.1.0.4,IPAM,y\n'), { defaultSpace: 'Default' });
	const r = await importInBatches(store, csv(owner + '10.1.0.9,VMM,x\n10.1.0.8,VMM,x\n10.1.0.2,VMM,x\n'), {
		defaultSpace: 'Default',
		inventory: { managedBy: 'vmm', serviceInstance: 'x' },
	});
	assert.deepEqual(r.counts, { created: 2, updated: 0, unchanged: 1, deleted: 2 });
	assert.deepEqual(r.deletes.sort(), ['address 10.1.0.1 (VMM/x)', 'address 10.1.0.3 (VMM/x)']);
	const left = await store.all<{ ip: string; managed_by: string }>(`SELECT hex(ip) AS ip, managed_by FROM address ORDER BY ip`);
	assert.deepEqual(left, [
		{ ip: '0A010002', managed_by: 'VMM' },
		{ ip: '0A010004', managed_by: 'IPAM' },
		{ ip: '0A010008', managed_by: 'VMM' },
		{ ip: '0A010009', managed_by: 'VMM' },
	]);
	const audit = await store.all<{ action: string; summary: string }>(`SELECT action, summary FROM audit WHERE action = 'delete' ORDER BY id`);
	assert.deepEqual(audit.map(a => a.summary), ['address 10.1.0.1 (VMM/x)', 'address 10.1.0.3 (VMM/x)']);
	await store.close();
});

test('an update in a later batch is compared with the stored row, not with an earlier batch of the same file', async () => {
	const store = await Store.open(':memory:');
	await importInBatches(store, csv('IpAddress,Description\n10.2.0.1,a\n10.2.0.2,b\n10.2.0.3,c\n'), { defaultSpace: 'Default' });
	const r = await importInBatches(store, csv('IpAddress,Description\n10.2.0.1,a\n10.2.0.2,b\n10.2.0.4,d\n10.2.0.3,C\n'), { defaultSpace: 'Default' });
	assert.deepEqual(r.counts, { created: 1, updated: 1, unchanged: 2, deleted: 0 });
	const row = await store.get<{ description: string }>(`SELECT description FROM address WHERE ip = x'0a020003'`);
	assert.equal(row?.description, 'C');
	await store.close();
});

test('a write failing in a later batch rolls the whole import back, with the next batch already planned', async () => {
	const store = await Store.open(':memory:');
	// The store refuses one address (as a constraint would), after two batches have been written.
	await store.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON address WHEN NEW.ip = x'0a030005' BEGIN SELECT RAISE(ABORT, 'refused by the store'); END`);
	const rows = Array.from({ length: 9 }, (_, i) => `10.3.0.${i + 1},h${i}`).join('\n');
	await assert.rejects(importInBatches(store, csv(`IpAddress,DeviceName\n${rows}\n`), { defaultSpace: 'Lab' }), /refused by the store/);
	assert.equal((await store.get<{ n: number }>('SELECT count(*) AS n FROM address'))?.n, 0);
	assert.equal((await store.get<{ n: number }>(`SELECT count(*) AS n FROM address_space WHERE name = 'Lab'`))?.n, 0, 'the space the import created is rolled back too');
	assert.equal((await store.get<{ n: number }>(`SELECT count(*) AS n FROM audit WHERE source = 'import'`))?.n, 0);
	await store.close();
});
