// Opens the full-screen TUI: alternate screen in and always out (quit, Ctrl-C, SIGTERM, SIGHUP, crash), then the shell.
import React from 'react';
import { render } from 'ink';
import { openTuiStore, type TuiStore } from './tui-store.js';
import { App } from './App.js';
import { colorsEnabled, setColor } from './theme.js';
import { CollectorStatus } from './collector-status.js';
import { youngGenerationAfterFrame } from './tui-memory.js';

function startCollector(options: TuiOptions, status: CollectorStatus): { stop(): Promise<void> } {
	let handle: { stop(): Promise<void> } | null = null;
	let stopped = false;
	// The worker says 'stopped' once its store is closed: from then on ending the process is safe, whether or
	// not the thread itself has wound down.
	let closed!: () => void;
	const storeClosed = new Promise<void>(resolve => (closed = resolve));
	void import('../workers/index.js').then(
		({ startBackgroundCollection }) => {
			if (stopped) return closed();
			handle = startBackgroundCollection(options.dbPath, {
				actor: options.actor,
				onMessage: m => {
					if (m.type === 'stopped') closed();
					status.update(m);
				},
			});
		},
		err => {
			closed();
			status.update({ type: 'error', message: (err as Error).message });
		},
	);
	return {
		async stop() {
			stopped = true;
			if (!handle) return;
			void handle.stop();
			await storeClosed;
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
	/** The store, already opening (cli.tsx starts it while this module loads). */
	opening?: Promise<TuiStore>;
}

export async function runTui(options: TuiOptions): Promise<number> {
	const stdout = process.stdout;
	if (!stdout.isTTY || !process.stdin.isTTY) {
		process.stderr.write('ipam: the TUI needs a terminal; use a subcommand (ipam --help) in scripts\n');
		return 2;
	}
	setColor(colorsEnabled(options.env));
	const { store, demo } = await (options.opening ?? openTuiStore(options.dbPath, options.actor));

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
				// This session also collects in a worker thread (IPAM_TUI_COLLECT=0 turns it off); only the holder of the
				// store's collector lock actually collects, so many open sessions still mean one collector.
				// It starts after the first screen is out, so it never delays it.
				if (!benchExit && options.env.IPAM_TUI_COLLECT !== '0')
					setImmediate(() => {
						if (!collection.handle) collection.handle = startCollector(options, collector);
					});
			}}
		/>,
		{
			exitOnCtrlC: false,
			patchConsole: true,
			// Ink holds a frame until 1000/maxFps ms after the previous one: at 120 that was up to 9 ms on every key
			// typed right after a frame. Frames cost a few ms now, so the hold can be short.
			maxFps: 500,
			onRender: () => {
				youngGenerationAfterFrame();
				if (!benchExit || !rowsReady) return;
				const cpu = process.cpuUsage();
				rowsReady = false;
				process.stderr.write(`first-frame ${(performance.now()).toFixed(1)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms\n`);
				finish(0);
			},
		},
	);

	/**
	 * The collector thread must wind down before the process ends: torn down in the middle of a SQLite call,
	 * the native driver aborts the whole process. Its own stop has a deadline; signals wait at most 2 s.
	 */
	const stopCollector = (ms: number) => Promise.race([collection.handle?.stop(), new Promise(r => setTimeout(r, ms).unref())]);

	function finish(code: number) {
		try {
			instance.unmount();
		} catch {
			// already unmounted
		}
		leave();
		void stopCollector(2000).finally(() => {
			void store.close().catch(() => undefined);
			process.exit(code);
		});
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
	// The terminal comes back at once; the collector then stops (a pass in flight is abandoned and rolled back).
	leave();
	await stopCollector(15_000);
	await store.close().catch(() => undefined);
	return 0;
}
