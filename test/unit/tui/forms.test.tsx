import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../store/database.js';
import { seedStore } from '../../fixtures/tui/seed.js';
import { setColor } from '../../../source/app/theme.js';
import { KEY, mount } from './app-harness.js';

let store: Store;
before(async () => {
	setColor(false);
	store = await Store.open(':memory:', { actor: 'tester' });
	await seedStore(store, { subnets: 4, leases: 40, events: 50 });
});
after(() => store.close());

const props = () => ({ store, storePath: ':memory:', actor: 'tester', demo: false });

test('n opens a form; a bad prefix is an inline error; a good one creates the block (audited as tui)', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('Corporate'), 'blocks');
	await app.press('n');
	await app.waitFor(s => s.includes('New block'), 'the form');
	await app.type('10.30.0.0/33');
	await app.press(KEY.enter);
	let f = await app.waitFor(s => /longer than 32/.test(s), 'the inline error');
	assert.match(f, /New block/, 'the form stays open');
	for (let i = 0; i < 2; i++) await app.press(KEY.backspace);
	await app.type('16');
	await app.press(KEY.tab);
	await app.type('Campus 30');
	await app.press(KEY.enter);
	f = await app.waitFor(s => s.includes('created block 10.30.0.0/16'), 'the status');
	await app.waitFor(s => s.includes('Campus 30'), 'the new row');
	const audit = await store.get<{ source: string; actor: string }>("SELECT source, actor FROM audit WHERE summary LIKE '%10.30.0.0/16%'");
	assert.deepEqual({ ...audit }, { source: 'tui', actor: 'tester' });
	await app.unmount();
});

test('a store conflict is shown in the form, not a crash', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('Corporate'), 'blocks');
	await app.press('n');
	await app.waitFor(s => s.includes('New block'), 'the form');
	await app.type('10.1.0.0/16');
	await app.press(KEY.enter);
	const f = await app.waitFor(s => /already|exists|overlap|conflict/i.test(s), 'the conflict message');
	assert.match(f, /New block/);
	await app.press(KEY.escape);
	await app.waitFor(s => s.includes('cancelled'), 'cancelled');
	await app.unmount();
});

test('x asks first; n keeps, y deletes', async () => {
	const app = await mount({ ...props(), initialPane: 'addresses' });
	await app.waitFor(s => s.includes('gw-hq-0'), 'addresses');
	await app.press('x');
	await app.waitFor(s => s.includes('Delete address 10.1.0.1 (gw-hq-0)?'), 'the question');
	await app.press('n');
	await app.waitFor(s => s.includes('nothing deleted'), 'kept');
	assert.equal((await store.get<{ n: number }>("SELECT count(*) AS n FROM address WHERE hostname = 'gw-hq-0'"))!.n, 1);
	await app.press('x');
	await app.waitFor(s => s.includes('Delete address'), 'the question again');
	await app.press('y');
	await app.waitFor(s => s.includes('deleted address 10.1.0.1'), 'deleted');
	assert.equal((await store.get<{ n: number }>("SELECT count(*) AS n FROM address WHERE hostname = 'gw-hq-0'"))!.n, 0);
	await app.unmount();
});

test('A allocates the next free address of the selected subnet', async () => {
	const app = await mount({ ...props(), initialPane: 'subnets' });
	await app.waitFor(s => s.includes('hq-vlan100'), 'subnets');
	await app.press('A');
	const f = await app.waitFor(s => s.includes('Allocate 10.1.0.'), 'the allocation form');
	const ip = /Allocate (10\.1\.0\.\d+)/.exec(f)![1];
	assert.notEqual(ip, '10.1.0.10', 'the printer already has .10');
	await app.press(KEY.tab);
	await app.type('new-host');
	await app.press(KEY.enter);
	await app.waitFor(s => s.includes(`saved address ${ip}`), 'saved');
	assert.equal((await store.get<{ hostname: string }>('SELECT hostname FROM address WHERE ip = ?', [Buffer.from(ip.split('.').map(Number))]))?.hostname, 'new-host');
	await app.unmount();
});

test('F allocates a free subnet of the asked length from the selected block', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(KEY.down);
	await app.press('F');
	await app.waitFor(s => s.includes('Allocate a free subnet from block 10.1.0.0/16'), 'the form');
	await app.press(KEY.tab);
	await app.type('new-lan');
	await app.press(KEY.enter);
	const f = await app.waitFor(s => /allocated subnet 10\.1\.\d+\.0\/24/.test(s), 'allocated');
	const prefix = /allocated subnet (\S+)/.exec(f)![1];
	const row = await store.get<{ name: string }>("SELECT name FROM subnet WHERE name = 'new-lan'");
	assert.equal(row?.name, 'new-lan', prefix);
	await app.unmount();
});

test('the leases pane is read-only: n explains instead of opening a form', async () => {
	const app = await mount({ ...props(), initialPane: 'leases' });
	await app.waitFor(s => s.includes('10.1.0.100'), 'leases');
	await app.press('n');
	await app.waitFor(s => s.includes('10.1.0.100'), 'still the pane');
	assert.doesNotMatch(app.frame(), /New /);
	await app.unmount();
});
