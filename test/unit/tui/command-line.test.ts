import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, runCommandLine, suggestions } from '../../../source/app/command-line.js';

test('a pane name opens the pane; an alias works too', () => {
	const r = runCommandLine('blocks');
	assert.equal(r.kind === 'pane' && r.pane.id, 'blocks');
	assert.equal(r.kind === 'pane' && r.scope, null);
	const alias = runCommandLine(':lease');
	assert.equal(alias.kind === 'pane' && alias.pane.id, 'leases');
});

test('a CIDR after a pane narrows it, labelled for the breadcrumbs', () => {
	const r = runCommandLine('leases 10.1.0.0/16');
	assert.equal(r.kind, 'pane');
	if (r.kind !== 'pane') return;
	assert.equal(r.scope?.label, '10.1.0.0/16');
	assert.equal(r.scope?.where.length, 1);
	assert.deepEqual(r.scope?.where[0].params.slice(1), [Buffer.from('0a010000', 'hex'), Buffer.from('0a01ffff', 'hex')]);
});

test(':ip takes an address, :mac any MAC notation, :track a term and a moment', () => {
	const ip = runCommandLine('ip 10.1.2.34');
	assert.equal(ip.kind === 'ip' && ip.ip.toString('hex'), '0a010222');
	assert.equal(runCommandLine('ip 10.1.2.345').kind, 'error');
	const mac = runCommandLine('mac AA-BB-CC-DD-EE-FF');
	assert.equal(mac.kind === 'pane' && mac.scope?.term?.kind === 'mac' && mac.scope.term.mac, 'aa:bb:cc:dd:ee:ff');
	assert.equal(runCommandLine('mac hello').kind, 'error');
	const track = runCommandLine('track 10.1.2.34@yesterday 14:23');
	assert.equal(track.kind === 'pane' && track.pane.id, 'track');
	assert.deepEqual(track.kind === 'pane' && track.scope?.track, { term: '10.1.2.34', at: 'yesterday 14:23' });
});

test('unknown commands are errors that list what exists; :q quits', () => {
	const r = runCommandLine('blokcs');
	assert.equal(r.kind, 'error');
	assert.match(r.kind === 'error' ? r.message : '', /blocks/);
	assert.equal(runCommandLine('q').kind, 'quit');
});

test('Tab completes a unique name and a common prefix', () => {
	assert.equal(complete('bl'), 'blocks ');
	assert.equal(complete('le'), 'leases ');
	assert.equal(complete('s'), 's', 'servers and subnets share only "s"');
	assert.equal(complete('su'), 'subnets ');
	assert.deepEqual(suggestions('s'), ['servers', 'subnets']);
	assert.equal(complete('leases 10.'), 'leases 10.', 'arguments are left alone');
});

test('keys that arrive in one chunk are split into separate presses', async () => {
	const { splitChunk } = await import('../../../source/app/keymap.js');
	const base = { return: false, tab: false, backspace: false, ctrl: false, meta: false, shift: false } as never;
	const keys = splitChunk('ea\tZ\r\u007f', base);
	assert.deepEqual(keys.map(([i]) => i), ['e', 'a', '', 'Z', '\r', '']);
	assert.equal(keys[2][1].tab, true);
	assert.equal(keys[3][1].shift, true);
	assert.equal(keys[4][1].return, true);
	assert.equal(keys[5][1].backspace, true);
	assert.deepEqual(splitChunk('\u001b[B', base).map(([i]) => i), ['\u001b[B'], 'escape sequences stay whole');
});
