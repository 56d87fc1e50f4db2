// WAL checkpoints off the committing path: a second connection copies committed pages into the database file
// while the writer goes on. With SQLite's automatic checkpoint, the commit that crosses the WAL threshold copies
// every page the WAL holds (and syncs the file) before it returns, so a large transaction (a rollup, an import)
// paid for the copy in its own latency; here the copy runs on another of libuv's threads.
type Database = import('sqlite3').Database;

/**
 * The writer keeps an automatic checkpoint only as a safety net for a very long run of commits with no pause,
 * at this many pages (4 KiB each): well above what one collection or rollup writes.
 */
export const SAFETY_CHECKPOINT_PAGES = 65_536;

export class Checkpointer {
	private db?: Promise<Database | null>;
	private running?: Promise<void>;
	private again = false;
	private closed = false;

	/** `connect` opens a second read-write connection to the store's file (null when it cannot). */
	constructor(private readonly connect: () => Promise<Database | null>) {}

	/** After a commit: checkpoint soon; one more pass if commits came while one was running. */
	request(): void {
		if (this.closed) return;
		if (this.running) {
			this.again = true;
			return;
		}
		this.running = this.pass().finally(() => {
			this.running = undefined;
			if (this.again) {
				this.again = false;
				this.request();
			}
		});
	}

	/** Waits for a pass in progress, then closes the connection (the writer's own close checkpoints the rest). */
	async close(): Promise<void> {
		this.closed = true;
		this.again = false;
		await this.running;
		const db = await this.db;
		if (db) await new Promise<void>(resolve => db.close(() => resolve()));
	}

	private async pass(): Promise<void> {
		const db = await (this.db ??= this.connect());
		if (!db || this.closed) return;
		// PASSIVE: copies what no reader still needs, never waits for a lock and never blocks the writer. A failure
		// only leaves the pages in the WAL for the next pass (or the safety net).
		await new Promise<void>(resolve => db.run('PRAGMA wal_checkpoint(PASSIVE)', () => resolve()));
	}
}
