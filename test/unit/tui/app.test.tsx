import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../store/database.js';
import { seedStore, EVIL_HOST } from '../../fixtures/tui/seed.js';
import { setColor } from '../../../source/app/theme.js';
import { KEY, mount } from './app-harness.js';

let store: Store;
before(async () => {
	setColor(false);
	store = await Store.open(':memory:', { actor: 'tester' });
	await seedStore(store, { subnets: 12, leases: 300, events: 800 });
});
after(() => store.close());

const props = () => ({ store, storePath: '/tmp/x.db', actor: 'tester', demo: false });

test('opens on the blocks tree with header, breadcrumbs and footer', async () => {
	const app = await mount(props());
	const f = await app.waitFor(s => s.includes('10.1.0.0/16'), 'the blocks');
	assert.match(f, /store \/tmp\/x\.db/);
	assert.match(f, /user tester/);
	assert.match(f, /PREFIX↑/);
	assert.match(f, /· free 10\.1\.12\.0/);
	assert.match(f, /\? help/);
	assert.match(f, /win-dc1 10 min ago DOWN/);
	assert.match(f, /dhcpd-branch 2 h ago STALE/);
	assert.doesNotMatch(f, /DEMO/);
	await app.unmount();
});

test('the DEMO label shows when the store is a demo', async () => {
	const app = await mount({ ...props(), demo: true });
	assert.match(await app.waitFor(s => s.includes('PREFIX'), 'frame'), /DEMO/);
	await app.unmount();
});

test('Enter drills block → subnets → ranges → leases, Esc goes back, breadcrumbs follow', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(KEY.down, KEY.enter);
	let f = await app.waitFor(s => s.includes('hq-vlan100'), 'subnets of HQ');
	assert.match(f, /Blocks › Subnets 10\.1\.0\.0\/16/);
	await app.press(KEY.enter);
	f = await app.waitFor(s => s.includes('scope-0'), 'ranges');
	assert.match(f, /› Ranges 10\.1\.0\.0\/24/);
	await app.press(KEY.enter);
	f = await app.waitFor(s => s.includes('10.1.0.100 '), 'leases of the scope');
	assert.match(f, /› Leases 10\.1\.0\.100-10\.1\.0\.250/);
	await app.press(KEY.escape);
	await app.waitFor(s => s.includes('scope-0') && !s.includes('› Leases'), 'back to ranges');
	await app.unmount();
});

test(': switches pane with Tab completion; unknown commands show an error and do not crash', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(':');
	await app.type('le');
	await app.press(KEY.tab);
	await app.waitFor(s => s.includes(':leases'), 'completed command');
	await app.press(KEY.enter);
	let f = await app.waitFor(s => s.includes('MAC / CLIENT'), 'leases pane');
	assert.match(f, /^Leases/m);
	await app.press(':');
	await app.type('nonsense');
	await app.press(KEY.enter);
	f = await app.waitFor(s => s.includes('no pane or command'), 'error');
	assert.match(f, /MAC \/ CLIENT/, 'still on the leases pane');
	await app.unmount();
});

test('/ filters live by address prefix and by MAC notation; Esc clears', async () => {
	const app = await mount({ ...props(), initialPane: 'leases' });
	await app.waitFor(s => s.includes('10.1.0.100'), 'leases');
	await app.press('/');
	await app.type('10.1.3.');
	let f = await app.waitFor(s => s.includes('10.1.3.100') && !s.includes('10.1.0.100'), 'prefix filter');
	assert.match(f, /Leases \/10\.1\.3\./);
	await app.press(KEY.enter);
	await app.press('/');
	for (let i = 0; i < 7; i++) await app.press(KEY.backspace);
	await app.type('02-00-00-00-00-0d');
	f = await app.waitFor(s => s.includes('pc-00013'), 'MAC filter');
	assert.equal((f.match(/^10\.1\./gm) ?? []).length, 1);
	await app.press(KEY.escape);
	await app.waitFor(s => s.includes('10.1.0.100'), 'filter cleared');
	await app.unmount();
});

test('? lists every key of the current pane, including its own', async () => {
	const app = await mount({ ...props(), initialPane: 'ranges' });
	await app.waitFor(s => s.includes('scope-0'), 'ranges');
	await app.press('?');
	const f = await app.waitFor(s => s.includes('Keys — Ranges'), 'help');
	for (const label of ['drill down', 'describe', 'filter', 'reverse sort', 'copy value', 'leases in this range', 'addresses in this range', 'allocate next free address']) {
		assert.ok(f.includes(label), `help lists "${label}"`);
	}
	await app.press(KEY.escape);
	await app.waitFor(s => s.includes('scope-0'), 'back to the pane');
	await app.unmount();
});

test('s cycles the sort column and S reverses it, with the indicator in the header', async () => {
	const app = await mount({ ...props(), initialPane: 'subnets' });
	await app.waitFor(s => s.includes('PREFIX↑'), 'subnets');
	await app.press('s');
	await app.waitFor(s => s.includes('NAME↑'), 'sorted by name');
	await app.press('S');
	const f = await app.waitFor(s => s.includes('NAME↓') && /^10\.1\./m.test(s), 'reversed');
	const first = f.split('\n').find(l => l.startsWith('10.1.'));
	assert.match(first ?? '', /hq-vlan111/);
	await app.unmount();
});

test('d describes the selected row with its containing hierarchy and history', async () => {
	const app = await mount({ ...props(), initialPane: 'leases' });
	await app.waitFor(s => s.includes('10.1.0.100'), 'leases');
	await app.press('d');
	await app.waitFor(s => /Describe 10\.1\.0\.100 \(\d+ lines/.test(s), 'describe');
	await app.press(KEY.pageDown);
	const f = await app.waitFor(s => s.includes('Where 10.1.0.100 sits'), 'the hierarchy section');
	assert.match(f, /block\s+10\.1\.0\.0\/16\s+HQ/);
	assert.match(f, /subnet\s+10\.1\.0\.0\/24/);
	await app.unmount();
});

test('a host name with escape sequences is shown without them', async () => {
	const app = await mount({ ...props(), initialPane: 'leases' });
	const f = await app.waitFor(s => s.includes('evilhost'), 'the hostile host name, defanged');
	assert.ok(!f.includes('\u001b]0;'), 'no OSC title sequence reaches the screen');
	assert.ok(!f.includes('\u001b[2J'), 'no clear-screen sequence reaches the screen');
	assert.ok(!f.includes('pwned'), 'the OSC payload is dropped with its sequence');
	assert.ok(EVIL_HOST.includes('\u001b'));
	await app.unmount();
});

test('y copies the selected address with OSC 52', async () => {
	const written: string[] = [];
	const app = await mount({ ...props(), initialPane: 'leases', writeRaw: t => void written.push(t) });
	await app.waitFor(s => s.includes('10.1.0.100'), 'leases');
	await app.press('y');
	await app.waitFor(s => s.includes('copied 10.1.0.100'), 'status');
	assert.equal(written.length, 1);
	assert.match(written[0], /\u001b\]52;c;MTAuMS4wLjEwMA==/);
	await app.unmount();
});

test('t tracks the address of the selected row', async () => {
	const app = await mount({ ...props(), initialPane: 'leases' });
	await app.waitFor(s => s.includes('10.1.0.100'), 'leases');
	await app.press('t');
	const f = await app.waitFor(s => s.includes('Tracking 10.1.0.100'), 'tracking pane');
	assert.match(f, /FROM/);
	await app.unmount();
});

test('q quits', async () => {
	let quit = false;
	const app = await mount({ ...props(), onQuit: () => void (quit = true) });
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press('q');
	assert.equal(quit, true);
	await app.unmount();
});

test('describe shows custom fields and tags of a block, sanitized', async () => {
	await store.run("INSERT INTO custom_field_value (object_kind, object_id, field_id, value) VALUES ('block', 2, (SELECT id FROM custom_field WHERE name = 'Site'), ?)", ['HQ\u001b]0;owned\u0007 campus']);
	await store.run("INSERT INTO tag (name) VALUES ('core')");
	await store.run("INSERT INTO object_tag (object_kind, object_id, tag_id) VALUES ('block', 2, (SELECT id FROM tag WHERE name = 'core'))");
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(KEY.down, 'd');
	await app.waitFor(s => /Describe 10\.1\.0\.0\/16 \(\d+ lines/.test(s), 'describe');
	await app.press(KEY.pageDown);
	const f = await app.waitFor(s => s.includes('Custom fields') || s.includes('Site'), 'custom fields');
	assert.match(f, /Site\s+HQ campus/);
	assert.match(f, /core/);
	assert.ok(!f.includes('owned') && !f.includes('\u001b]'), 'no OSC from a custom field value');
	await app.unmount();
});

test('describe of a block shows its utilization trend as one sparkline row', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(KEY.down, 'd');
	await app.waitFor(s => /Describe 10\.1\.0\.0\/16 \(\d+ lines/.test(s), 'describe');
	let f = '';
	for (let i = 0; i < 4 && !f.includes('Utilization trend'); i++) {
		await app.press(KEY.pageDown);
		f = await app.waitFor(s => s.includes('Utilization trend') || s.includes('Changes (audit)'), 'trend section');
	}
	assert.match(f, /Utilization trend\n\s+trend\s+[▁-█]{32} {2}\d+\.\d%( → \d+\.\d%)? {2}since \d{4}-\d\d-\d\d/);
	await app.unmount();
});

test(':ip shows where an address sits, its records, leases and history', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(':');
	await app.type('ip 10.1.0.101');
	await app.press(KEY.enter);
	const f = await app.waitFor(s => s.includes('Where 10.1.0.101 sits'), 'whereis');
	assert.match(f, /subnet\s+10\.1\.0\.0\/24\s+hq-vlan100/);
	assert.match(f, /range\s+10\.1\.0\.100-10\.1\.0\.250/);
	assert.match(f, /Current leases/);
	await app.unmount();
});

test(':mac opens the events of that client in any notation', async () => {
	const app = await mount(props());
	await app.waitFor(s => s.includes('HQ'), 'blocks');
	await app.press(':');
	await app.type('mac 0200.0000.0005');
	await app.press(KEY.enter);
	const f = await app.waitFor(s => s.includes('Events mac 02:00:00:00:00:05') && /lease\s+\w+\s+10\.1\./.test(s), 'events of the MAC');
	const macs = f.split('\n').filter(l => /^\d{4}-\d\d-\d\d /.test(l)).map(l => /02:00:00:00:00:\w\w/.exec(l)?.[0]);
	assert.ok(macs.length > 0 && macs.every(m => m === '02:00:00:00:00:05'), macs.join(','));
	await app.unmount();
});
