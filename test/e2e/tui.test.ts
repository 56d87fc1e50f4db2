// The built `ipam` binary in a real terminal (tmux): switch panes, filter, drill down and back, help, quit restoring the terminal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../store/database.js';
import { seedStore } from '../fixtures/tui/seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V']);
		return true;
	} catch {
		return false;
	}
})();

let dir: string;
let db: string;
const sessions: string[] = [];

before(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-tui-e2e-'));
	db = path.join(dir, 'ipam.db');
	const store = await Store.open(db, { actor: 'e2e' });
	await seedStore(store, { subnets: 30, leases: 1500, events: 5000 });
	await store.close();
});

after(() => {
	for (const s of sessions) {
		try {
			execFileSync('tmux', ['kill-session', '-t', s], { stdio: 'ignore' });
		} catch {
			// already gone
		}
	}
	fs.rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function start(name: string, env = ''): string {
	const session = `ipam-e2e-${process.pid}-${name}`;
	sessions.push(session);
	// The marker after the binary proves control came back to the shell and where the screen was left.
	tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', `${env} IPAM_USER=e2e node ${cli} --db ${db}; echo "EXITED $?"; sleep 60`);
	return session;
}

const screen = (s: string) => tmux('capture-pane', '-p', '-t', s);

async function waitFor(s: string, predicate: (text: string) => boolean, what: string, ms = 30000): Promise<string> {
	const until = Date.now() + ms;
	for (;;) {
		const text = screen(s);
		if (predicate(text)) return text;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
		await sleep(50);
	}
}

async function keys(s: string, ...list: string[]) {
	for (const k of list) {
		tmux('send-keys', '-t', s, k);
		await sleep(60);
	}
}

async function typeText(s: string, text: string) {
	for (const ch of text) {
		tmux('send-keys', '-t', s, '-l', ch);
		await sleep(30);
	}
}

const ready = () => hasTmux && fs.existsSync(cli);

test('pane switching, filter, drill down and back, help, and q restoring the terminal', async t => {
	if (!ready()) return t.skip(`needs tmux and the built binary (${cli}); run npm run build`);
	const s = start('main');
	let text = await waitFor(s, x => x.includes('10.1.0.0/16'), 'the blocks pane', 20000);
	assert.equal(tmux('display', '-p', '-t', s, '#{alternate_on}').trim(), '1', 'runs on the alternate screen');
	assert.match(text, /user e2e/);
	assert.ok(text.trimEnd().split('\n').length <= 30);

	await keys(s, ':');
	await typeText(s, 'lea');
	await keys(s, 'Tab');
	await waitFor(s, x => x.includes(':leases'), 'completion');
	await keys(s, 'Enter');
	text = await waitFor(s, x => x.includes('MAC / CLIENT') && x.includes('10.1.0.100'), 'the leases pane');
	assert.match(text, /^Leases/m);

	await keys(s, '/');
	await typeText(s, '10.1.7.');
	await keys(s, 'Enter');
	text = await waitFor(s, x => x.includes('10.1.7.100') && !x.includes('10.1.0.100'), 'the filtered leases');
	assert.match(text, /Leases \/10\.1\.7\./);
	await keys(s, 'Escape');
	await waitFor(s, x => x.includes('10.1.0.100'), 'filter cleared');

	await keys(s, ':');
	await typeText(s, 'blocks');
	await keys(s, 'Enter');
	await waitFor(s, x => x.includes('HQ'), 'blocks again');
	await keys(s, 'j', 'Enter');
	text = await waitFor(s, x => x.includes('hq-vlan100'), 'subnets of 10.1.0.0/16');
	assert.match(text, /Blocks › Subnets 10\.1\.0\.0\/16/);
	await keys(s, 'Enter');
	await waitFor(s, x => x.includes('scope-0'), 'ranges of the subnet');
	await keys(s, 'Escape');
	await waitFor(s, x => x.includes('hq-vlan100') && !x.includes('› Ranges'), 'back to subnets');
	await keys(s, 'Escape');
	await waitFor(s, x => x.includes('Corporate') && !x.includes('› Subnets'), 'back to blocks');

	await keys(s, '?');
	text = await waitFor(s, x => x.includes('Keys — Blocks'), 'help');
	assert.match(text, /allocate a free subnet/);
	await keys(s, 'Escape');
	await waitFor(s, x => x.includes('Corporate'), 'help closed');

	await keys(s, 'q');
	text = await waitFor(s, x => x.includes('EXITED 0'), 'exit');
	assert.equal(tmux('display', '-p', '-t', s, '#{alternate_on}').trim(), '0', 'left the alternate screen');
	assert.ok(!text.includes('Corporate'), 'the TUI is gone from the normal screen');
});

test('SIGTERM (and so a dropped SSH link, SIGHUP) still restores the terminal', async t => {
	if (!ready()) return t.skip(`needs tmux and the built binary (${cli})`);
	for (const signal of ['TERM', 'HUP']) {
		const s = start(`sig${signal}`);
		await waitFor(s, x => x.includes('10.1.0.0/16'), 'the blocks pane', 20000);
		const pid = tmux('list-panes', '-t', s, '-F', '#{pane_pid}').trim();
		// The pane's shell runs node as its child.
		const child = execFileSync('pgrep', ['-P', pid, 'node'], { encoding: 'utf8' }).trim().split('\n')[0];
		process.kill(Number(child), `SIG${signal}` as NodeJS.Signals);
		await waitFor(s, x => /EXITED \d+/.test(x), `exit after SIG${signal}`);
		assert.equal(tmux('display', '-p', '-t', s, '#{alternate_on}').trim(), '0', `left the alternate screen after SIG${signal}`);
	}
});

test('a resize re-lays out; NO_COLOR leaves colour out', async t => {
	if (!ready()) return t.skip(`needs tmux and the built binary (${cli})`);
	const s = start('resize', 'NO_COLOR=1');
	await waitFor(s, x => x.includes('10.1.0.0/16'), 'the blocks pane', 20000);
	tmux('resize-window', '-t', s, '-x', '80', '-y', '24');
	const text = await waitFor(s, x => x.split('\n').some(l => l.startsWith('PREFIX')) && !x.includes('DESCRIPTION'), 'a narrower layout');
	assert.ok(text.split('\n').every(l => l.length <= 80));
	const colored = tmux('capture-pane', '-p', '-e', '-t', s);
	assert.ok(!/\u001b\[3[1-7]m/.test(colored), 'no foreground colours with NO_COLOR');
	await keys(s, 'q');
	await waitFor(s, x => x.includes('EXITED 0'), 'exit');
});
