// Background collection for an interactive session: one worker thread running the collector daemon.
//
//   startBackgroundCollection(dbPath: string, options?: BackgroundOptions): BackgroundCollection
// Only one collector runs per store (the collector lock): in a second session the worker stays idle and
// takes over if the first one stops. Freshness and failures are read from the store (server.status,
// server.collected_at, task.last_error), so every session shows the same truth.
import { Worker } from 'node:worker_threads';

export interface WorkerData {
	dbPath: string;
	actor?: string;
	heartbeatS?: number;
	timeoutMs?: number;
	env?: Record<string, string>;
}

export type WorkerMessage =
	| { type: 'lock'; held: boolean; holder?: string }
	| { type: 'pass'; servers: { server: string; ok: boolean; error?: string; durationMs: number }[] }
	| { type: 'error'; message: string }
	| { type: 'stopped' };

export interface BackgroundOptions extends Omit<WorkerData, 'dbPath'> {
	onMessage?: (m: WorkerMessage) => void;
}

export interface BackgroundCollection {
	/** Stops the worker after the collection in flight is aborted; resolves when the thread has exited. */
	stop(): Promise<void>;
	/** Whether this session's worker holds the collector lock (false while another session collects). */
	readonly collecting: boolean;
}

export function startBackgroundCollection(dbPath: string, options: BackgroundOptions = {}): BackgroundCollection {
	const own = import.meta.url;
	// From source (tsx) the worker is worker.ts; compiled it is worker.js beside this module.
	const entry = new URL(own.endsWith('.ts') ? './worker.ts' : './worker.js', own);
	const { onMessage, ...rest } = options;
	const init = { workerData: { dbPath, ...rest } satisfies WorkerData };
	// From source (tests, development) the thread registers the TypeScript loader itself before loading the entry.
	const worker = own.endsWith('.ts')
		? new Worker(`import('tsx/esm/api').then(m => { m.register(); return import(${JSON.stringify(entry.href)}); })`, { ...init, eval: true })
		: new Worker(entry, init);
	let collecting = false;
	let exited = false;
	const exit = new Promise<void>(resolve => worker.once('exit', () => ((exited = true), resolve())));
	worker.on('message', (m: WorkerMessage) => {
		if (m.type === 'lock') collecting = m.held;
		onMessage?.(m);
	});
	worker.on('error', err => onMessage?.({ type: 'error', message: err.message }));
	// A background collector must never keep an exiting TUI alive.
	worker.unref();
	return {
		get collecting() {
			return collecting;
		},
		/**
		 * Asks the worker to stop and resolves when its thread has ended. Never terminates it: torn down inside a
		 * SQLite call the native driver aborts the whole process. An ingest in flight finishes first (it is one
		 * transaction); a collector waiting on a server is abandoned at once.
		 */
		async stop() {
			if (exited) return;
			// Waiting for the thread must keep this process alive until it has ended.
			worker.ref();
			worker.postMessage('stop');
			await exit;
		},
	};
}
