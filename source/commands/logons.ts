// `ipam logons import FILE [--format csv|jsonl]`: logon records from other sources (VPN, RADIUS, SSO) into the history.
import fs from 'node:fs';
import type { Command, CommandContext } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { IssueLog, formatIssue } from '../formats/format-issue.js';
import { detectLogonFormat, readLogonFile, LOGON_FILE_FIELDS, type LogonFileFormat } from '../formats/logon-records.js';
import { insertLogons } from '../../store/logons.js';
import { sanitize } from '../domain/sanitize.js';
import { parseTime } from '../domain/time.js';

const usage = `Usage: ipam logons import FILE [--format csv|jsonl] [--json]
       ipam logons collect DC [--since TIME] [--json]

\`collect\` reads a domain controller's Security log (4624/4634/4647/4768/4769) with Get-WinEvent through
PowerShell (node-powershell; NODE_POWERSHELL names the executable) from --since (default: 1 day ago).

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

/** `ipam logons collect DC`: one Get-WinEvent pass over a domain controller, stored like an import. */
async function collect(ctx: CommandContext, args: string[], values: { since?: string; json?: boolean }): Promise<number> {
	const [dc, ...extra] = args;
	if (!dc || extra.length > 0) throw new CommandError(usage, EXIT.usage);
	let since: number;
	try {
		since = parseTime(values.since ?? '1 day ago');
	} catch (err) {
		throw new CommandError((err as Error).message, EXIT.invalid);
	}
	const { collectLogons, LogonCollectError } = await import('../collectors/windows-logons/index.js');
	return withStore(ctx, async store => {
		const server = await store.get<{ id: number; name: string; address: string }>('SELECT id, name, address FROM server WHERE name = ? COLLATE NOCASE', [dc]);
		let got;
		try {
			got = await collectLogons(server ?? { id: 0, name: dc, address: dc }, { since });
		} catch (err) {
			if (err instanceof LogonCollectError) throw new CommandError(err.message, EXIT.failure);
			throw err;
		}
		if (!server) for (const r of got.records) r.serverId = null;
		const stored = await insertLogons(store, got.records);
		const summary = { dc, events: got.events, records: got.records.length, inserted: stored.inserted, computerAccounts: stored.computerAccounts, next: got.since, problems: got.problems };
		if (values.json) ctx.stdout.write(JSON.stringify(summary, null, 2) + '\n');
		else {
			for (const p of got.problems) ctx.stderr.write(sanitize(p) + '\n');
			ctx.stdout.write(sanitize(`${dc}: ${got.events} events read, ${got.records.length} logon records, ${stored.inserted} new, ${stored.computerAccounts} computer accounts skipped`) + '\n');
		}
		return got.problems.length > 0 ? EXIT.partial : EXIT.ok;
	});
}
