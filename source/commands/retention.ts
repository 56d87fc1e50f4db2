// `ipam retention show|set DAYS|purge [--dry-run]`: how long lease, logon and config events are kept, and the purge.
import type { Command } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { purgeCandidates, purgeExpired, retentionDays, RetentionError, setRetentionDays } from '../../store/retention.js';
import { formatTime } from '../domain/time.js';
import { compactHistory } from '../../store/lease-compaction.js';

const usage = `Usage: ipam retention show [--json]
       ipam retention set DAYS
       ipam retention purge [--dry-run] [--json]
       ipam retention compact [--all] [--json]

Lease, logon and configuration-change events older than the retention period (default 1095 days, three years)
are deleted by the background 'purge' task, in small batches; \`purge\` runs it now.
Lease history written by frequent collections (a chunk and a page for every few events) is packed by the
daily background 'compact' task, time bucket by time bucket (about 48 days each; the newest one, still written
to, on every run); \`compact\` runs it now, and \`--all\` also revisits closed buckets packed before (late logs).`;

export const retentionCommand: Command = {
	name: 'retention',
	summary: 'show or set how long event history is kept; purge now',
	async run(ctx) {
		const { values, positionals } = parseOptions(ctx.args, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, all: { type: 'boolean' } }, usage);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		const [verb, arg] = positionals;
		const now = Math.floor(Date.now() / 1000);
		if (verb === 'show' || verb === undefined) {
			return withStore(ctx, async store => {
				const days = await retentionDays(store);
				const counts = await store.get<{ lease: number; logon: number; config: number; oldest: number | null }>(
					`SELECT (SELECT coalesce(sum(n), 0) FROM lease_page) AS lease, (SELECT count(*) FROM logon_event) AS logon,
					        (SELECT count(*) FROM config_event) AS config, (SELECT min(t_first) FROM lease_page) AS oldest`,
				);
				const info = { days, cutoff: now - days * 86400, events: counts };
				ctx.stdout.write(
					values.json
						? JSON.stringify(info) + '\n'
						: `retention: ${days} days (events before ${formatTime(info.cutoff)} are purged)\n` +
								`stored: ${counts?.lease ?? 0} lease, ${counts?.logon ?? 0} logon, ${counts?.config ?? 0} config events` +
								(counts?.oldest ? `; oldest lease event ${formatTime(counts.oldest)}` : '') + '\n',
				);
				return EXIT.ok;
			}, { readonly: true });
		}
		if (verb === 'set') {
			if (!arg) throw new CommandError(usage, EXIT.usage);
			return withStore(ctx, async store => {
				try {
					const days = await setRetentionDays(store, arg);
					ctx.stdout.write(`retention set to ${days} days\n`);
					return EXIT.ok;
				} catch (err) {
					if (err instanceof RetentionError) throw new CommandError(err.message, EXIT.invalid);
					throw err;
				}
			});
		}
		if (verb === 'purge') {
			return withStore(ctx, async store => {
				const result = values['dry-run'] ? await purgeCandidates(store, now) : await purgeExpired(store, now);
				const d = result.deleted;
				ctx.stdout.write(
					values.json
						? JSON.stringify({ dryRun: !!values['dry-run'], cutoff: result.cutoff, ...d }) + '\n'
						: `${values['dry-run'] ? 'would delete' : 'deleted'} ${d.lease_event} lease, ${d.logon_event} logon, ${d.config_event} config events before ${formatTime(result.cutoff)}\n`,
				);
				return EXIT.ok;
			});
		}
		if (verb === 'compact') {
			return withStore(ctx, async store => {
				const r = await compactHistory(store, { all: !!values.all });
				ctx.stdout.write(
					values.json
						? JSON.stringify(r) + '\n'
						: `compacted ${r.buckets} time bucket(s): ${r.chunksBefore} → ${r.chunksAfter} chunks, ${r.pagesBefore} → ${r.pagesAfter} pages\n`,
				);
				return EXIT.ok;
			});
		}
		throw new CommandError(`unknown retention action "${verb}"\n\n${usage}`, EXIT.usage);
	},
};
