// `ipam demo [--db FILE] [--scale small|full] [--at TIME] [--no-open] [--keep-files DIR]`: builds the demo enterprise into its
// own store and opens the TUI on it.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Command, CommandContext } from './command.js';
import { parseOptions } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { parseTime, TimeError } from '../domain/time.js';
import { Store, defaultStorePath } from '../../store/database.js';
import { buildDemo } from '../demo/build.js';
import type { DemoScale } from '../demo/enterprise.js';

const usage = `Usage: ipam demo [--db FILE] [--scale small|full] [--at TIME] [--no-open] [--keep-files DIR]

Builds a realistic enterprise into a separate demo store and opens the TUI on it (labelled DEMO):
six sites, IPv4 and IPv6 blocks, hundreds of subnets and DHCP scopes on Windows, Kea, ISC dhcpd and
dnsmasq servers, ~50,000 current leases and over a million lease events. The servers' own files
(PowerShell output, audit logs, lease journals, configurations, a logon export) are generated and read
through the same readers and ingest path as real collections.

  --db FILE          the demo store (default: $XDG_DATA_HOME/ipam-tui/demo.db); never your own store
  --scale small|full small builds in seconds (for tests); full is the default
  --at TIME          when the demo's history ends (default: now); the same enterprise at the same
                     moment every time, e.g. for screenshots (the sites' working hours shape it)
  --no-open          build only; open it later with: ipam --db FILE
  --keep-files DIR   keep the generated server files in DIR`;

export function demoStorePath(env: NodeJS.ProcessEnv): string {
	const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(base, 'ipam-tui', 'demo.db');
}

/** The demo replaces its store: refuse to touch a file that is not a demo store. */
async function checkReplaceable(file: string): Promise<void> {
	if (!fs.existsSync(file)) return;
	let demo = '0';
	try {
		const store = await Store.open(file, { readonly: true });
		try {
			demo = await store.setting('demo', '0');
		} finally {
			await store.close();
		}
	} catch {
		demo = '0';
	}
	if (demo !== '1') throw new CommandError(`${file} exists and is not a demo store: the demo will not overwrite it (choose another --db)`, EXIT.conflict);
}

function progressWriter(ctx: CommandContext): (message: string, done: number, total: number) => void {
	const tty = (ctx.stderr as NodeJS.WriteStream).isTTY === true;
	let last = '';
	return (message, done, total) => {
		const line = `demo [${String(done).padStart(2)}/${total}] ${message}`;
		if (tty) ctx.stderr.write(`\r\u001b[2K${line.slice(0, ((ctx.stderr as NodeJS.WriteStream).columns ?? 100) - 1)}`);
		else if (line !== last && !/events from|collections$/.test(message)) ctx.stderr.write(line + '\n');
		last = line;
	};
}

export const demoCommand: Command = {
	name: 'demo',
	summary: 'build a realistic demo enterprise in its own store and open the TUI on it',
	async run(ctx) {
		const { values, positionals } = parseOptions(
			ctx.args,
			{ db: { type: 'string' }, scale: { type: 'string' }, at: { type: 'string' }, 'no-open': { type: 'boolean' }, 'keep-files': { type: 'string' } },
			usage,
		);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		if (positionals.length > 0) throw new CommandError(usage, EXIT.usage);
		const scale = (values.scale ?? 'full') as DemoScale;
		if (scale !== 'small' && scale !== 'full') throw new CommandError(`--scale "${values.scale}" is not small or full`, EXIT.usage);
		let now: number | undefined;
		try {
			if (values.at !== undefined) now = parseTime(values.at as string);
		} catch (err) {
			if (err instanceof TimeError) throw new CommandError(`--at: ${err.message}`, EXIT.usage);
			throw err;
		}
		// A global --db before the command counts too; the user's default store never does.
		const explicitGlobal = ctx.dbPath !== defaultStorePath(ctx.env) ? ctx.dbPath : undefined;
		const dbPath = path.resolve((values.db as string | undefined) ?? explicitGlobal ?? demoStorePath(ctx.env));
		await checkReplaceable(dbPath);
		const progress = progressWriter(ctx);
		const summary = await buildDemo({ dbPath, scale, now, filesDir: values['keep-files'] as string | undefined, progress });
		if ((ctx.stderr as NodeJS.WriteStream).isTTY) ctx.stderr.write('\r\u001b[2K');
		for (const issue of summary.issues.slice(0, 10)) ctx.stderr.write(`demo: reader issue: ${issue}\n`);
		ctx.stdout.write(
			`Demo store ${dbPath} built in ${summary.seconds} s: ${summary.sites} sites, ${summary.blocks} blocks, ${summary.subnets} subnets, ` +
				`${summary.ranges} DHCP ranges on ${summary.servers} servers, ${summary.leases.toLocaleString('en')} current leases, ` +
				`${summary.leaseEvents.toLocaleString('en')} lease events, ${summary.logons.toLocaleString('en')} logons.\n`,
		);
		const interactive = (process.stdout.isTTY && process.stdin.isTTY) === true;
		if (values['no-open'] || !interactive) {
			ctx.stdout.write(`Open it with: ipam --db ${dbPath}\n`);
			return EXIT.ok;
		}
		(await import('../app/live-terminal.js')).preferLiveTerminal();
		const { runTui } = await import('../app/run.js');
		// The demo's servers are fictional: no background collection in this session.
		return runTui({ dbPath, actor: ctx.actor, env: { ...ctx.env, IPAM_TUI_COLLECT: '0' } });
	},
};
