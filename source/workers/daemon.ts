// The long-running collector: holds the store's collector lock (heartbeat; a stale lock is taken over),
// runs scheduling passes when tasks fall due, and stops cleanly on its signal. A session that cannot get
// the lock does not collect; it keeps checking, so it takes over when the holder dies.
import type { Store } from '../../store/database.js';
import { acquireLock, heartbeat, lockHolderId, lockInfo, nextDue, releaseLock, type LockRow } from '../../store/tasks.js';
import { runPass, type PassResult, type SchedulerOptions } from './scheduler.js';

export interface DaemonOptions extends SchedulerOptions {
	holder?: string;
	/** Heartbeat period in seconds (default 30); a lock without a heartbeat for 3 periods is stale. */
	heartbeatS?: number;
	onPass?: (result: PassResult) => void;
	/** Called when this collector gains or loses the lock (with the other holder when it is not ours). */
	onLock?: (held: boolean, other?: LockRow) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (signal?.aborted) return resolve();
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		}
		signal?.addEventListener('abort', done, { once: true });
	});
}

export async function runDaemon(store: Store, options: DaemonOptions = {}): Promise<void> {
	const holder = options.holder ?? lockHolderId();
	const period = options.heartbeatS ?? 30;
	const now = options.now ?? (() => Math.floor(Date.now() / 1000));
	const stop = options.signal;
	// undefined until the first try, so the first answer (held or not) is always reported.
	let held: boolean | undefined;
	try {
		while (!stop?.aborted) {
			const gained = await acquireLock(store, holder, now(), 3 * period);
			if (gained !== held) {
				held = gained;
				options.onLock?.(held, held ? undefined : await lockInfo(store));
			}
			if (!held) {
				await sleep(period * 1000, stop);
				continue;
			}
			// Lost lock → abort the pass in flight: another collector owns the store now.
			const pass = new AbortController();
			const signal = stop ? AbortSignal.any([stop, pass.signal]) : pass.signal;
			const beat = setInterval(() => {
				store
					.transaction(tx => heartbeat(tx, holder, now()))
					.then(ok => {
						if (!ok) pass.abort(new Error('the collector lock was taken over'));
					})
					.catch(() => undefined);
			}, period * 1000);
			try {
				const result = await runPass(store, { ...options, signal });
				options.onPass?.(result);
			} finally {
				clearInterval(beat);
			}
			const due = await nextDue(store);
			const wait = due === null ? period : Math.max(1, Math.min(period, due - now()));
			await sleep(wait * 1000, stop);
		}
	} finally {
		if (held) await releaseLock(store, holder).catch(() => undefined);
	}
}
