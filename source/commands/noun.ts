// A noun command with verbs (`ipam block add …`): dispatch, per-verb --help, shared options, and the
// translation of address and store errors into exit codes.
import type { Command, CommandContext, Options } from './command.js';
import { parseOptions } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { outputFormat, type OutputFormat } from './output.js';
import { AddressError } from '../domain/ip.js';
import { AddressSpaceError } from '../../store/errors.js';
import { ClientIdError } from '../domain/mac.js';

export interface VerbArgs {
	values: Record<string, string | boolean | string[] | undefined>;
	positionals: string[];
	format: OutputFormat;
}

export interface Verb {
	summary: string;
	/** The usage line and option list shown by --help. */
	usage: string;
	options?: Options;
	/** How many positionals are required. */
	needs?: number;
	run(ctx: CommandContext, args: VerbArgs): Promise<number>;
}

export const SPACE_OPTION: Options = { space: { type: 'string' } };
export const OUTPUT_OPTIONS: Options = { json: { type: 'boolean' }, csv: { type: 'boolean' } };
export const PAGE_OPTIONS: Options = { limit: { type: 'string' }, after: { type: 'string' } };

export const SPACE_HELP = '  --space NAME   address space (default "Default")';
export const OUTPUT_HELP = '  --json, --csv  machine-readable output';
export const PAGE_HELP = '  --limit N      rows per page (default 100); --after KEY continues after the last row shown';

/** Maps domain and store errors to CommandErrors with the right exit code. */
export function asCommandError(err: unknown): unknown {
	if (err instanceof CommandError) return err;
	if (err instanceof AddressError || err instanceof ClientIdError) return new CommandError(err.message, EXIT.invalid);
	if (err instanceof AddressSpaceError) {
		const code = err.kind === 'invalid' ? EXIT.invalid : err.kind === 'not-found' ? EXIT.notFound : EXIT.conflict;
		return new CommandError(err.message, code);
	}
	if (err instanceof Error && /SQLITE_CONSTRAINT/.test(err.message)) return new CommandError(`the store refused the change: ${err.message}`, EXIT.conflict);
	return err;
}

export function nounCommand(name: string, summary: string, verbs: Record<string, Verb>): Command {
	const usage = `Usage: ipam ${name} VERB [ARGS…] [OPTIONS]

${summary}

Verbs:
${Object.entries(verbs)
	.map(([v, d]) => `  ${v.padEnd(8)} ${d.summary}`)
	.join('\n')}

\`ipam ${name} VERB --help\` for a verb's arguments and options.`;
	return {
		name,
		summary,
		async run(ctx) {
			const [verbName, ...rest] = ctx.args;
			if (!verbName || verbName === '--help' || verbName === '-h' || verbName === 'help') {
				ctx.stdout.write(usage + '\n');
				return verbName ? EXIT.ok : EXIT.usage;
			}
			const verb = verbs[verbName];
			if (!verb) throw new CommandError(`unknown verb "${verbName}" for ipam ${name}\n\n${usage}`, EXIT.usage);
			return runVerb(ctx, `ipam ${name} ${verbName}`, verb, rest);
		},
	};
}

export async function runVerb(ctx: CommandContext, label: string, verb: Verb, args: string[]): Promise<number> {
	const help = `Usage: ${label} ${verb.usage}`;
	const { values, positionals } = parseOptions(args, verb.options ?? {}, help);
	if (values.help) {
		ctx.stdout.write(help + '\n');
		return EXIT.ok;
	}
	if (positionals.length < (verb.needs ?? 0)) throw new CommandError(`missing argument\n\n${help}`, EXIT.usage);
	try {
		return await verb.run(ctx, {
			values: values as VerbArgs['values'],
			positionals,
			format: outputFormat(values as { json?: boolean; csv?: boolean }),
		});
	} catch (err) {
		throw asCommandError(err);
	}
}

/** A single-verb command (free, whereis, utilization, conflicts) with the same help and error handling. */
export function plainCommand(name: string, summary: string, verb: Verb): Command {
	return {
		name,
		summary,
		run: ctx => runVerb(ctx, `ipam ${name}`, verb, ctx.args),
	};
}

export function str(v: unknown): string | undefined {
	return typeof v === 'string' ? v : undefined;
}

export function intOption(v: unknown, what: string, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
	if (v === undefined) return undefined;
	const t = String(v).trim();
	if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) throw new CommandError(`${what} "${t}" is not a whole number from ${min} to ${max}`, EXIT.invalid);
	return Number(t);
}

export function limitOf(values: VerbArgs['values']): number {
	return intOption(values.limit, '--limit', 1, 100_000) ?? 100;
}

/** Epoch seconds from an ISO date/time, a date, or a number of seconds. */
export function timeOption(v: unknown, what: string): number | null | undefined {
	if (v === undefined) return undefined;
	const t = String(v).trim();
	if (t === '' || t === 'none' || t === 'never') return null;
	if (/^\d{9,11}$/.test(t)) return Number(t);
	const ms = Date.parse(t);
	if (Number.isNaN(ms)) throw new CommandError(`${what} "${t}" is not a date (use e.g. 2027-01-31 or 2027-01-31T12:00:00Z)`, EXIT.invalid);
	return Math.floor(ms / 1000);
}
