#!/usr/bin/env node
// Entry point: global options, then a subcommand, or the full-screen TUI when there is none.
import { Store, StoreError, defaultActor, defaultStorePath, type OpenOptions } from './store/database.js';
import { commands, findCommand } from './source/commands/registry.js';
import { CommandError, EXIT } from './source/commands/exit.js';
import type { CommandContext } from './source/commands/command.js';
import { preferLiveTerminal } from './source/app/live-terminal.js';
import { openTuiStore } from './source/app/tui-store.js';
import { tuneHeapForTui } from './source/app/tui-memory.js';
import { sanitize } from './source/domain/sanitize.js';

/** Error text can quote what a server or file sent: sanitize it line by line so usage text keeps its lines. */
const terminalText = (message: string) => message.split('\n').map(sanitize).join('\n');

const HELP = `ipam — terminal-first IP address management

Usage: ipam [--db FILE] [--user NAME] [COMMAND] [ARGS…]

With no command, opens the full-screen TUI on the store.

Global options:
  --db FILE     the store (default: $IPAM_DB, else $XDG_DATA_HOME/ipam-tui/ipam.db)
  --user NAME   who changes are attributed to (default: $IPAM_USER, else the login name)
  -h, --help    this help; \`ipam COMMAND --help\` for a command's own

Commands:
${commands.map(c => `  ${c.name.padEnd(13)} ${c.summary}`).join('\n')}

Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 not found, 5 conflict, 6 partial import.
`;

/** A migration can rebuild indexes over the whole lease history: minutes on a large store, so it is announced. */
function announceMigration(m: { version: number; name: string }): void {
	process.stderr.write(`ipam: upgrading the store to schema ${m.version} (${m.name}); on a large lease history this can take minutes\n`);
}

/** Pulls global options out of argv wherever they appear before the command. */
function splitGlobals(argv: string[]): { db?: string; user?: string; help: boolean; rest: string[] } {
	const out: { db?: string; user?: string; help: boolean; rest: string[] } = { help: false, rest: [] };
	let i = 0;
	for (; i < argv.length; i++) {
		const a = argv[i];
		const take = (name: string): string | undefined => {
			if (a === `--${name}`) return argv[++i];
			if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
			return undefined;
		};
		if (a === '--db' || a.startsWith('--db=')) out.db = take('db');
		else if (a === '--user' || a.startsWith('--user=')) out.user = take('user');
		else if (a === '-h' || a === '--help') out.help = true;
		else break;
	}
	out.rest = argv.slice(i);
	return out;
}

async function main(argv: string[]): Promise<number> {
	const globals = splitGlobals(argv);
	const env = process.env;
	const dbPath = globals.db ?? defaultStorePath(env);
	const actor = globals.user ?? defaultActor(env);
	const [name, ...args] = globals.rest;
	if (globals.help && !name) {
		process.stdout.write(HELP);
		return EXIT.ok;
	}
	if (!name) {
		tuneHeapForTui();
		preferLiveTerminal(env);
		// The store opens on SQLite's threads while Ink and React load (most of the start-up); without a terminal
		// the TUI only says so, and must not create a store.
		const opening = process.stdout.isTTY && process.stdin.isTTY ? openTuiStore(dbPath, actor, announceMigration) : undefined;
		// Not awaited until the TUI takes it: a failed open must not be reported as unhandled meanwhile.
		opening?.catch(() => undefined);
		const { runTui } = await import('./source/app/run.js');
		return runTui({ dbPath, actor, env, opening });
	}
	const entry = findCommand(name);
	if (!entry) {
		process.stderr.write(`ipam: unknown command "${name}"\n\n${HELP}`);
		return EXIT.usage;
	}
	const command = await entry.load();
	const ctx: CommandContext = {
		args,
		stdout: process.stdout,
		stderr: process.stderr,
		env,
		dbPath,
		actor,
		openStore: (options?: OpenOptions) => Store.open(dbPath, { actor, onMigration: announceMigration, ...options }),
	};
	return command.run(ctx);
}

main(process.argv.slice(2)).then(
	code => {
		process.exitCode = code;
	},
	(err: unknown) => {
		if (err instanceof CommandError) {
			process.stderr.write(`ipam: ${terminalText(err.message)}\n`);
			process.exitCode = err.code;
		} else if (err instanceof StoreError) {
			process.stderr.write(`ipam: ${terminalText(err.message)}\n`);
			process.exitCode = EXIT.failure;
		} else {
			process.stderr.write(`ipam: ${(err as Error)?.stack ?? String(err)}\n`);
			process.exitCode = EXIT.failure;
		}
	},
);
