// Opens the full-screen TUI: alternate screen in and always out (quit, Ctrl-C, SIGTERM, SIGHUP, crash), then the shell.
import React from 'react';
import { render } from 'ink';
import { Store } from '../../store/database.js';
import { App } from './App.js';
import { colorsEnabled, setColor } from './theme.js';
import { CollectorStatus } from './collector-status.js';

function startCollector(options: TuiOptions, status: CollectorStatus): { stop(): Promise<void> } {
	let handle: { stop(): Promise<void> } | null = null;
	let stopped = false;
	void import('../workers/index.js').then(
		({ startBackgroundCollection }) => {
			if (stopped) return;
			handle = startBackgroundCollection(options.dbPath, { actor: options.actor, onMessage: m => status.update(m) });
		},
		err => status.update({ type: 'error', message: (err as Error).message }),
	);
	return {
		async stop() {
			stopped = true;
			await handle?.stop();
		},
	};
}

const ENTER = '\u001b[?1049h\u001b[H\u001b[2J';
const LEAVE = '\u001b[?25h\u001b[?1049l';

export interface TuiOptions {
	dbPath: string;
	actor: string;
	env: NodeJS.ProcessEnv;
	/** First pane (default blocks). */
	pane?: string;
}

export async function runTui(options: TuiOptions): Promise<number> {
	const stdout = process.stdout;
	if (!stdout.isTTY || !process.stdin.isTTY) {
		process.stderr.write('ipam: the TUI needs a terminal; use a subcommand (ipam --help) in scripts\n');
		return 2;
	}
	setColor(colorsEnabled(options.env));
	const store = await Store.open(options.dbPath, { actor: options.actor });
	const demo = (await store.setting('demo', '0')) === '1';

	let left = false;
	const leave = () => {
		if (left) return;
		left = true;
		try {
			if (process.stdin.isTTY) process.stdin.setRawMode(false);
		} catch {
			// stdin may already be closed when the SSH link drops
		}
		stdout.write(LEAVE);
	};
	stdout.write(ENTER);
	// 'exit' runs last on every path out, including process.exit from elsewhere.
	process.on('exit', leave);

	const collector = new CollectorStatus();
	const collection: { handle: { stop(): Promise<void> } | null } = { handle: null };
	// IPAM_TUI_FIRST_FRAME=exit: leave once the first screen of rows has been written (bench/tui.ts).
	let rowsReady = false;
	const benchExit = options.env.IPAM_TUI_FIRST_FRAME === 'exit';
	const instance = render(
		<App
			store={store}
			storePath={options.dbPath}
			actor={options.actor}
			demo={demo}
			initialPane={options.pane}
			collector={collector}
			onFirstRows={() => {
				rowsReady = true;
				// The collector starts after the first screen, so it never delays it.
				if (!collection.handle && !benchExit && options.env.IPAM_TUI_COLLECT !== '0') collection.handle = startCollector(options, collector);
			}}
		/>,
		{
			exitOnCtrlC: false,
			patchConsole: true,
			maxFps: 120,
			onRender: () => {
				if (!benchExit || !rowsReady) return;
				const cpu = process.cpuUsage();
				if (!rowsReady) return; rowsReady = false;
				process.stderr.write(`first-frame ${(performance.now()).toFixed(1)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms\n`);
				finish(0);
			},
		},
	);

	function finish(code: number) {
		try {
			instance.unmount();
		} catch {
			// already unmounted
		}
		leave();
		void store.close().catch(() => undefined);
		process.exit(code);
	}
	const onSignal = (signal: NodeJS.Signals) => finish(signal === 'SIGHUP' ? 129 : signal === 'SIGTERM' ? 143 : 130);
	process.once('SIGTERM', onSignal);
	process.once('SIGHUP', onSignal);
	process.once('SIGINT', onSignal);
	process.once('uncaughtException', err => {
		leave();
		process.stderr.write(`ipam: ${err?.stack ?? String(err)}\n`);
		process.exit(1);
	});
	process.once('unhandledRejection', err => {
		leave();
		process.stderr.write(`ipam: ${(err as Error)?.stack ?? String(err)}\n`);
		process.exit(1);
	});

	await instance.waitUntilExit();
	leave();
	// The collector's thread is unref'd and simply ends with the process: quitting must feel instant, and a
	// collection cut short mid-transaction is rolled back by SQLite (nothing half-written).
	await store.close().catch(() => undefined);
	return 0;
}
