// What a non-interactive subcommand is, and the context it runs in.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { Store, type OpenOptions } from '../../store/database.js';
import { CommandError, EXIT } from './exit.js';

export interface CommandContext {
	/** Arguments after the command name (global options already removed). */
	args: string[];
	stdout: Writable;
	stderr: Writable;
	env: NodeJS.ProcessEnv;
	/** The store path chosen by --db / IPAM_DB / the XDG default. */
	dbPath: string;
	actor: string;
	openStore(options?: OpenOptions): Promise<Store>;
}

export interface Command {
	name: string;
	/** One line for `ipam --help`. */
	summary: string;
	run(ctx: CommandContext): Promise<number>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with usage errors turned into CommandError(EXIT.usage). */
export function parseOptions<O extends Options>(args: string[], options: O, usage: string) {
	try {
		return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
	} catch (err) {
		throw new CommandError(`${(err as Error).message}\n\n${usage}`, EXIT.usage);
	}
}

/** Runs a store-using command body and always closes the store. */
export async function withStore<T>(ctx: CommandContext, work: (store: Store) => Promise<T>, options?: OpenOptions): Promise<T> {
	const store = await ctx.openStore(options);
	try {
		return await work(store);
	} finally {
		await store.close();
	}
}
