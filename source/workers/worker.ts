// worker_threads entry: a background collector on its own store connection, so the TUI's render loop
// never waits on a server. The parent sends 'stop'; this thread reports passes and lock changes.
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from '../../store/database.js';
import { runDaemon } from './daemon.js';
import type { WorkerData, WorkerMessage } from './index.js';

const data = workerData as WorkerData;
const stop = new AbortController();
const post = (m: WorkerMessage) => parentPort?.postMessage(m);

parentPort?.on('message', (m: unknown) => {
	if (m === 'stop') stop.abort();
});
// The port alone must not keep this thread alive: once the daemon has stopped and the store is closed, the
// thread ends by itself (terminating it from outside in the middle of a SQLite call would abort the process).
parentPort?.unref();

async function main(): Promise<void> {
	const store = await Store.open(data.dbPath, { actor: data.actor ?? 'collector', cacheMiB: 256 });
	try {
		await runDaemon(store, {
			env: { ...process.env, ...(data.env ?? {}) },
			signal: stop.signal,
			heartbeatS: data.heartbeatS,
			timeoutMs: data.timeoutMs,
			onLock: (held, other) => post({ type: 'lock', held, holder: other ? `${other.hostname} pid ${other.pid}` : undefined }),
			onPass: result =>
				post({
					type: 'pass',
					servers: result.servers.map(s => ({ server: s.server, ok: s.ok, error: s.error, durationMs: s.durationMs })),
				}),
		});
	} finally {
		await store.close();
	}
}

main().then(
	() => {
		post({ type: 'stopped' });
		parentPort?.close();
	},
	err => {
		post({ type: 'error', message: (err as Error)?.message ?? String(err) });
		post({ type: 'stopped' });
		parentPort?.close();
	},
);
