// The only door to SQLite: opening, pragmas, migrations, queued transactions and the batched write path.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMigrations } from './migrations.js';
import { Checkpointer, SAFETY_CHECKPOINT_PAGES } from './checkpointer.js';

/** The transaction the current async context runs inside, and whether it is still open (see Store.transaction). */
const openTransaction = new AsyncLocalStorage<{ store: Store; open: boolean }>();

const require = createRequire(import.meta.url);
// sqlite3 is CommonJS with a native addon; createRequire keeps ESM callers simple.
const sqlite3 = require('sqlite3') as typeof import('sqlite3');

/** 'IPAM' in ASCII: marks a database file as ours. */
export const APPLICATION_ID = 0x4950414d;

export class StoreError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StoreError';
	}
}

export type Param = string | number | bigint | boolean | null | Buffer | Uint8Array;
export type Params = Param[] | Record<string, Param>;

export interface RunResult {
	changes: number;
	lastID: number;
}

export interface PreparedWrite {
	run(params: Params): Promise<RunResult>;
	finalize(): Promise<void>;
}

/** A column of a batched insert; `blob` columns take hex text and are stored as BLOB keys. */
export type BatchColumn = string | { name: string; blob?: boolean };

export interface OpenOptions {
	/** Open read-only (no migrations, no writes). */
	readonly?: boolean;
	/** Who changes are attributed to in the audit trail. */
	actor?: string;
	/** Page cache in MiB (default 64). */
	cacheMiB?: number;
	/**
	 * Told before each migration applied to a store that already had a schema: some rebuild indexes over the whole
	 * lease history (minutes on a large store), and a person waiting should know why.
	 */
	onMigration?: (m: { version: number; name: string }) => void;
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.IPAM_DB) return env.IPAM_DB;
	const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(base, 'ipam-tui', 'ipam.db');
}

export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
	if (env.IPAM_USER) return env.IPAM_USER;
	try {
		return os.userInfo().username;
	} catch {
		return 'unknown';
	}
}

/** Prepared read statements kept per connection. */
const STATEMENT_CACHE = 128;

export class Store {
	readonly path: string;
	readonly actor: string;
	readonly readonly: boolean;
	private db: import('sqlite3').Database;
	private queue: Promise<unknown> = Promise.resolve();
	private checkpointer?: Checkpointer;

	private constructor(file: string, db: import('sqlite3').Database, actor: string, readonly: boolean) {
		this.path = file;
		this.db = db;
		this.actor = actor;
		this.readonly = readonly;
	}

	static async open(file: string = defaultStorePath(), options: OpenOptions = {}): Promise<Store> {
		const memory = file === ':memory:';
		if (!memory) {
			if (options.readonly && !fs.existsSync(file)) throw new StoreError(`no store at ${file}`);
			if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
		}
		const mode = options.readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
		const db = await new Promise<import('sqlite3').Database>((resolve, reject) => {
			const d = new sqlite3.Database(file, mode, err => (err ? reject(translate(err, file)) : resolve(d)));
		});
		const store = new Store(file, db, options.actor ?? defaultActor(), !!options.readonly);
		try {
			await store.configure(options.cacheMiB ?? 64);
			await store.checkOwnership();
			if (!options.readonly) await store.migrate(options.onMigration);
			else await store.checkVersion();
		} catch (err) {
			await store.close().catch(() => undefined);
			throw translate(err as Error, file);
		}
		return store;
	}

	private async configure(cacheMiB: number): Promise<void> {
		// busy_timeout first: another session may hold the write lock while we set WAL.
		await this.exec(`PRAGMA busy_timeout = 10000`);
		if (!this.readonly && this.path !== ':memory:') {
			await this.exec(`PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = ${SAFETY_CHECKPOINT_PAGES}`);
			const file = this.path;
			this.checkpointer = new Checkpointer(
				() => new Promise(resolve => {
					const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, err => resolve(err ? null : db));
				}),
			);
		}
		await this.exec(`PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;
			PRAGMA cache_size = -${cacheMiB * 1024}; PRAGMA mmap_size = 268435456;`);
	}

	private async checkOwnership(): Promise<void> {
		const app = await this.get<{ application_id: number }>('PRAGMA application_id');
		if (app?.application_id === APPLICATION_ID) return;
		const tables = await this.get<{ n: number }>(`SELECT count(*) AS n FROM sqlite_schema`);
		if ((tables?.n ?? 0) > 0 || app?.application_id) {
			throw new StoreError(`${this.path} is a SQLite database, but not an ipam-tui store; refusing to touch it`);
		}
	}

	private async checkVersion(): Promise<number> {
		const current = (await this.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
		const latest = loadMigrations().at(-1)?.version ?? 0;
		if (current > latest) {
			throw new StoreError(
				`${this.path} has schema version ${current}, newer than this ipam understands (${latest}); upgrade ipam`,
			);
		}
		return current;
	}

	private async migrate(onMigration?: OpenOptions['onMigration']): Promise<void> {
		const current = await this.checkVersion();
		for (const m of loadMigrations()) {
			if (m.version <= current) continue;
			if (current > 0) onMigration?.({ version: m.version, name: m.name });
			await this.transaction(async tx => {
				await tx.exec(m.sql);
				await tx.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${m.version}`);
			});
		}
	}

	async schemaVersion(): Promise<number> {
		return (await this.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
	}

	exec(sql: string): Promise<void> {
		return new Promise((resolve, reject) => this.db.exec(sql, err => (err ? reject(err) : resolve())));
	}

	/**
	 * Reads go through prepared statements kept per SQL text (least recently used dropped): preparing a statement
	 * costs about as much as running a point query, and the hot reads (whereis, tracking, pane pages) repeat.
	 */
	private statement(sql: string): Promise<import('sqlite3').Statement> {
		let entry = this.statements.get(sql);
		if (entry) {
			this.statements.delete(sql);
		} else {
			entry = new Promise((resolve, reject) => {
				const stmt = this.db.prepare(sql, err => (err ? reject(err) : resolve(stmt)));
			});
			// A statement that does not prepare (no such table yet, a syntax error) is not kept.
			entry.catch(() => this.statements.get(sql) === entry && this.statements.delete(sql));
			if (this.statements.size >= STATEMENT_CACHE) {
				const [oldest, old] = this.statements.entries().next().value!;
				this.statements.delete(oldest);
				old.then(stmt => stmt.finalize(), () => undefined);
			}
		}
		this.statements.set(sql, entry);
		return entry;
	}

	private readonly statements = new Map<string, Promise<import('sqlite3').Statement>>();

	async all<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T[]> {
		const stmt = await this.statement(sql);
		return new Promise((resolve, reject) => stmt.all(normalise(params), (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
	}

	async get<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T | undefined> {
		const stmt = await this.statement(sql);
		return new Promise((resolve, reject) => {
			stmt.get(normalise(params), (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
			// A statement stepped for one row keeps its read open until reset: queued right behind the get.
			stmt.reset(() => undefined);
		});
	}

	run(sql: string, params: Params = []): Promise<RunResult> {
		return new Promise((resolve, reject) =>
			this.db.run(sql, normalise(params), function (this: { changes: number; lastID: number }, err: Error | null) {
				if (err) reject(err);
				else resolve({ changes: this.changes, lastID: this.lastID });
			}),
		);
	}

	/**
	 * A write statement prepared once for many runs, finalized by the caller. A run of a prepared statement
	 * goes to SQLite's thread at once, where a run of `run` first waits there for its prepare and then for
	 * this thread to schedule it: bulk writers that queue runs back to back keep one per queued run.
	 */
	async prepare(sql: string): Promise<PreparedWrite> {
		const stmt = await new Promise<import('sqlite3').Statement>((resolve, reject) => {
			const s = this.db.prepare(sql, err => (err ? reject(err) : resolve(s)));
		});
		return {
			run: params =>
				new Promise((resolve, reject) =>
					stmt.run(normalise(params), function (this: { changes: number; lastID: number }, err: Error | null) {
						if (err) reject(err);
						else resolve({ changes: this.changes, lastID: this.lastID });
					}),
				),
			finalize: () => new Promise(resolve => stmt.finalize(() => resolve())),
		};
	}

	/** Streams rows one at a time without holding the result set (for exports and rebuilds). */
	each<T = Record<string, unknown>>(sql: string, params: Params, onRow: (row: T) => void): Promise<number> {
		return new Promise((resolve, reject) =>
			this.db.each(
				sql,
				normalise(params),
				(err, row) => {
					if (!err) onRow(row as T);
				},
				(err, count) => (err ? reject(err) : resolve(count)),
			),
		);
	}

	/**
	 * Runs `work` inside one IMMEDIATE transaction. Transactions are queued, so concurrent callers in
	 * this process never interleave statements inside each other's transaction; nested calls join the
	 * outer one. A throw rolls everything back: the store is never left half-written.
	 */
	transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
		if (this.readonly) return Promise.reject(new StoreError('the store is open read-only'));
		// Nested means called from inside `work` (its async context), not merely while a transaction is open:
		// collection lanes share a connection, and one lane's ingest must wait for another's to commit.
		// A task `work` started without awaiting it keeps the context after the commit: it queues like anyone else.
		const outer = openTransaction.getStore();
		if (outer?.store === this && outer.open) return work(this);
		const next = this.queue.then(async () => {
			await this.exec('BEGIN IMMEDIATE');
			const token = { store: this as Store, open: true };
			try {
				let result: T;
				try {
					result = await openTransaction.run(token, () => work(this));
				} finally {
					// Closed before COMMIT: a task `work` left running must not slip its statements in now.
					token.open = false;
				}
				await this.exec('COMMIT');
				this.checkpointer?.request();
				return result;
			} catch (err) {
				await this.exec('ROLLBACK').catch(() => undefined);
				throw err;
			}
		});
		this.queue = next.catch(() => undefined);
		return next;
	}

	/**
	 * The batched write path: rows go in as one JSON array per chunk through
	 * `INSERT … SELECT … FROM json_each(?)`, never one statement per row.
	 */
	async insertMany(
		table: string,
		columns: BatchColumn[],
		rows: unknown[][],
		options: { conflict?: 'ignore' | 'replace' | 'abort'; chunk?: number; upsert?: string } = {},
	): Promise<number> {
		if (rows.length === 0) return 0;
		const names = columns.map(c => (typeof c === 'string' ? c : c.name));
		const values = columns.map((c, i) => {
			const v = `value->>${i}`;
			return typeof c !== 'string' && c.blob ? `unhex(${v})` : v;
		});
		const verb = options.conflict === 'ignore' ? 'INSERT OR IGNORE' : options.conflict === 'replace' ? 'INSERT OR REPLACE' : 'INSERT';
		// "WHERE true" lets an upsert clause follow a SELECT without parser ambiguity.
		const sql = `${verb} INTO ${table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM json_each(?) WHERE true ${options.upsert ?? ''}`;
		const chunk = options.chunk ?? 10_000;
		let changes = 0;
		await this.transaction(async tx => {
			for (let i = 0; i < rows.length; i += chunk) {
				const result = await tx.run(sql, [JSON.stringify(rows.slice(i, i + chunk))]);
				changes += result.changes;
			}
		});
		return changes;
	}

	async setting(key: string, fallback: string): Promise<string> {
		const row = await this.get<{ value: string }>('SELECT value FROM setting WHERE key = ?', [key]);
		return row?.value ?? fallback;
	}

	async setSetting(key: string, value: string): Promise<void> {
		await this.run('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
	}

	async close(): Promise<void> {
		const open = [...this.statements.values()];
		this.statements.clear();
		await Promise.all(open.map(entry => entry.then(stmt => new Promise<void>(resolve => stmt.finalize(() => resolve())), () => undefined)));
		await this.checkpointer?.close();
		return new Promise((resolve, reject) => this.db.close(err => (err ? reject(err) : resolve())));
	}
}

function normalise(params: Params): unknown {
	if (Array.isArray(params)) return params.map(p => (typeof p === 'bigint' ? Number(p) : p));
	return params;
}

function translate(err: Error & { code?: string }, file: string): Error {
	if (err.code === 'SQLITE_NOTADB') return new StoreError(`${file} is not a SQLite database (and so not an ipam-tui store)`);
	if (err.code === 'SQLITE_CANTOPEN') return new StoreError(`cannot open the store at ${file}: ${err.message}`);
	return err;
}
