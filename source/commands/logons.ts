// `ipam logons import FILE [--format csv|jsonl]`: logon records from other sources (VPN, RADIUS, SSO) into the history.
import fs from 'node:fs';
import type { Command, CommandContext } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { IssueLog, formatIssue } from '../formats/format-issue.js';
import { detectLogonFormat, readLogonFile, LOGON_FILE_FIELDS, type LogonFileFormat } from '../formats/logon-records.js';
import type { Store } from '../../store/database.js';
import { insertLogons } from '../../store/logons.js';
import { getServer, serverRole, type ServerRow } from '../../store/servers.js';
import { collectDomainController } from '../workers/logon-task.js';
import { sanitize } from '../domain/sanitize.js';
import { parseTime } from '../domain/time.js';

const usage = `Usage: ipam logons import FILE [--format csv|jsonl] [--json]
       ipam logons collect DC [--since TIME] [--json]

\`collect\` reads a domain controller's Security log (4624/4634/4647/4768/4769) with Get-WinEvent through
PowerShell (node-powershell; NODE_POWERSHELL names the executable). A DC registered with
\`ipam server add NAME --kind windows-dc\` is read from where its scheduled logons task stopped (or --since),
and moves that cursor on; another name is read from --since (default: 1 day ago).

Imports logon records: CSV with a header, or JSON lines (one object a line). Fields (names matched loosely):
  time (required)  ${LOGON_FILE_FIELDS.time.join(', ')} — ISO 8601 (local unless zoned) or epoch seconds
  user (required)  ${LOGON_FILE_FIELDS.user.join(', ')} — alice, CORP\\alice or alice@corp.example
  domain, host (${LOGON_FILE_FIELDS.host.join(', ')}), ip, event (logon | logoff | 4624 …), logonid
Bad rows are reported with line and field and skipped; good rows are kept. Computer accounts (name$) are skipped.
Exit 6 when some rows were rejected.`;

export const logonsCommand: Command = {
	name: 'logons',
	summary: 'import logon records (CSV / JSON lines) for user tracking',
	async run(ctx) {
		const { values, positionals } = parseOptions(ctx.args, { format: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } }, usage);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		if (positionals[0] === 'collect') return collect(ctx, positionals.slice(1), values);
		const [verb, file, ...extra] = positionals;
		if (verb !== 'import' || !file || extra.length > 0) throw new CommandError(usage, EXIT.usage);
		if (values.format !== undefined && values.format !== 'csv' && values.format !== 'jsonl') {
			throw new CommandError(`--format "${values.format}" is not csv or jsonl`, EXIT.usage);
		}
		let head = '';
		try {
			const fd = fs.openSync(file, 'r');
			const buf = Buffer.alloc(256);
			head = buf.subarray(0, fs.readSync(fd, buf, 0, 256, 0)).toString('utf8');
			fs.closeSync(fd);
		} catch (err) {
			throw new CommandError(`cannot read ${file}: ${(err as Error).message}`, EXIT.invalid);
		}
		const format = (values.format as LogonFileFormat | undefined) ?? detectLogonFormat(file, head);
		const issues = new IssueLog(file);
		const result = await withStore(ctx, store =>
			// One transaction for the whole file: an interrupted import leaves nothing behind.
			store.transaction(async tx => {
				let inserted = 0;
				let read = 0;
				let computers = 0;
				for await (const batch of readLogonFile(file, format, issues)) {
					read += batch.length;
					const r = await insertLogons(tx, batch);
					inserted += r.inserted;
					computers += r.computerAccounts;
				}
				return { read, inserted, computers };
			}),
		);
		const rejected = issues.issues.length + issues.dropped;
		if (values.json) {
			ctx.stdout.write(JSON.stringify({ file, format, ...result, rejected, issues: issues.issues }, null, 2) + '\n');
		} else {
			for (const i of issues.issues) ctx.stderr.write(sanitize(formatIssue(i)) + '\n');
			if (issues.dropped) ctx.stderr.write(`… and ${issues.dropped} more rejected rows\n`);
			ctx.stdout.write(
				`${file}: ${result.read} logon records read, ${result.inserted} new, ${result.read - result.inserted - result.computers} already stored, ` +
					`${result.computers} computer accounts skipped, ${rejected} rejected\n`,
			);
		}
		return rejected > 0 ? EXIT.partial : EXIT.ok;
	},
};

/**
 * `ipam logons collect DC`: one Get-WinEvent pass over a domain controller, stored like an import. A DC registered
 * with `ipam server add NAME --kind windows-dc` is read from its cursor (the same one its scheduled logons task
 * moves) and the cursor moves on; any other name is read from --since (default: 1 day ago), with no cursor.
 */
async function collect(ctx: CommandContext, args: string[], values: { since?: string; json?: boolean }): Promise<number> {
	const [dc, ...extra] = args;
	if (!dc || extra.length > 0) throw new CommandError(usage, EXIT.usage);
	let since: number | undefined;
	try {
		since = values.since === undefined ? undefined : parseTime(values.since);
	} catch (err) {
		throw new CommandError((err as Error).message, EXIT.invalid);
	}
	return withStore(ctx, async store => {
		const server = await getServer(store, dc);
		const summary = server && serverRole(server.kind) === 'dc' ? await collectRegistered(ctx, store, server, since) : await collectUnregistered(store, server, dc, since);
		if (values.json) ctx.stdout.write(JSON.stringify(summary, null, 2) + '\n');
		else {
			for (const p of summary.problems) ctx.stderr.write(sanitize(p) + '\n');
			ctx.stdout.write(
				sanitize(`${dc}: ${summary.events} events read, ${summary.records} logon records, ${summary.inserted} new, ${summary.computerAccounts} computer accounts skipped`) + '\n',
			);
		}
		return summary.problems.length > 0 ? EXIT.partial : EXIT.ok;
	});
}

interface CollectSummary {
	dc: string;
	events: number;
	records: number;
	inserted: number;
	computerAccounts: number;
	/** Where the next read starts (epoch seconds). */
	next: number | null;
	problems: string[];
}

/** A registered domain controller: the scheduled task's own run (cursor, status, credential, deadline). */
async function collectRegistered(ctx: CommandContext, store: Store, server: ServerRow, since: number | undefined): Promise<CollectSummary> {
	const run = await collectDomainController(store, server, { env: ctx.env, now: Math.floor(Date.now() / 1000), since });
	if (!run.ok || !run.result) throw new CommandError(run.error ?? `${server.name}: no result`, EXIT.failure);
	const r = run.result;
	return { dc: server.name, events: r.events, records: r.records, inserted: r.inserted, computerAccounts: r.computerAccounts, next: r.cursorTs, problems: r.problems };
}

async function collectUnregistered(store: Store, server: ServerRow | undefined, dc: string, since: number | undefined): Promise<CollectSummary> {
	const { collectLogons, LogonCollectError } = await import('../collectors/windows-logons/index.js');
	let got;
	try {
		got = await collectLogons(server ?? { id: 0, name: dc, address: dc }, { since: since ?? parseTime('1 day ago') });
	} catch (err) {
		if (err instanceof LogonCollectError) throw new CommandError(err.message, EXIT.failure);
		throw err;
	}
	if (!server) for (const r of got.records) r.serverId = null;
	const stored = await insertLogons(store, got.records);
	return { dc, events: got.events, records: got.records.length, inserted: stored.inserted, computerAccounts: stored.computerAccounts, next: got.since, problems: got.problems };
}
