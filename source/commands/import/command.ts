// `ipam import FILE`: address space from MS IPAM, NetBox, phpIPAM or our own CSV; dry-run diff, per-row problems, inventory sync.
import fs from 'node:fs';
import type { Command, CommandContext } from '../command.js';
import { parseOptions, withStore } from '../command.js';
import { CommandError, EXIT } from '../exit.js';
import { csvLine, outputFormat, renderRecord, type OutputFormat } from '../output.js';
import { readCsvFile } from '../../formats/csv.js';
import { sanitize } from '../../domain/sanitize.js';
import { listFields, allowedValues, appliesTo } from '../../../store/custom-fields.js';
import type { Store } from '../../../store/database.js';
import { formatImportIssue, openImportFile, prefetched, type ImportBatch, type ImportIssue, type ImportStream } from '../../formats/ipam-import.js';
import { OBJECT_KINDS, type CustomFieldDef, type DialectName, type ObjectKind, type ResolvedHeader } from '../../formats/ipam-rows.js';
import { Planner, type BatchPlan, type PlanOptions } from './plan.js';
import { Applier, applyBatches } from './apply.js';
import { batchDiff, deleteDiffs, DiffPrinter } from './diff.js';
import { tuneGcForBulkImport } from './gc-tuning.js';
import { splitPrefixFile } from './prefix-split.js';

const usage = `Usage: ipam import FILE [--format auto|ms-ipam|netbox|phpipam|csv] [--kind block|subnet|range|address]
                   [--space NAME] [--dry-run [--json | --csv]] [--errors | --error-file PATH]
                   [--inventory --managed-by SERVICE --service-instance NAME]

Imports blocks, subnets, ranges or addresses from a CSV file: Microsoft IPAM's Import-Ipam* layout
(English "NetworkId" files or the console's localized headers), NetBox and phpIPAM exports, or
\`ipam export --format csv\`. The dialect and object kind are detected from the header unless given.

Existing objects are updated (only the columns the file has), new ones created. Every bad row is
reported as FILE:LINE: column "X": reason; the good rows are imported, all in one transaction.

  --dry-run          print what would be created (+), updated (~, with changed fields, custom-field values
                     and tags) and deleted (-); change nothing
  --json, --csv      the dry run's diff (or the import's summary) as JSON or CSV, one CSV row per change
  --space NAME       address space of rows without an address-space/VRF column (default: Default)
  --inventory        MS IPAM's inventory import: objects of --managed-by/--service-instance that the
                     file does not list are deleted (ranges and addresses)
  --errors           write the rejected rows, with an Error column, to FILE.errors.csv
  --error-file PATH  the same, to PATH

Exit: 0 all rows imported, 6 some rows rejected (the rest imported), 3 nothing usable (no change).`;

const options = {
	format: { type: 'string' },
	kind: { type: 'string' },
	space: { type: 'string' },
	'dry-run': { type: 'boolean' },
	inventory: { type: 'boolean' },
	'managed-by': { type: 'string' },
	'service-instance': { type: 'string' },
	errors: { type: 'boolean' },
	'error-file': { type: 'string' },
	json: { type: 'boolean' },
	csv: { type: 'boolean' },
} as const;

const FORMATS = ['auto', 'ms-ipam', 'netbox', 'phpipam', 'csv'];

export const importCommand: Command = {
	name: 'import',
	summary: 'import address space from MS IPAM, NetBox, phpIPAM or ipam CSV',
	async run(ctx) {
		const { values, positionals } = parseOptions(ctx.args, options, usage);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		if (positionals.length !== 1) throw new CommandError(`expected one FILE\n\n${usage}`, EXIT.usage);
		const file = positionals[0];
		const dialect = values.format ?? 'auto';
		if (!FORMATS.includes(dialect)) throw new CommandError(`--format must be one of ${FORMATS.join(', ')}`, EXIT.usage);
		const kind = values.kind as ObjectKind | undefined;
		if (kind !== undefined && !OBJECT_KINDS.includes(kind)) throw new CommandError(`--kind must be one of ${OBJECT_KINDS.join(', ')}`, EXIT.usage);
		const inventory = values.inventory ? { managedBy: values['managed-by'], serviceInstance: values['service-instance'] } : undefined;
		if (inventory && (!inventory.managedBy || inventory.serviceInstance === undefined)) {
			throw new CommandError('--inventory needs --managed-by and --service-instance', EXIT.usage);
		}
		if (!fs.existsSync(file)) throw new CommandError(`no such file: ${file}`, EXIT.invalid);
		const dryRun = !!values['dry-run'];
		const format = outputFormat(values);
		const errorFile = values['error-file'] ?? (values.errors ? `${file}.errors.csv` : undefined);
		// A dry run opens the store read-only: it cannot change a byte.
		const storeExists = ctx.dbPath === ':memory:' || fs.existsSync(ctx.dbPath);
		tuneGcForBulkImport();
		return withStore(
			ctx,
			async store => {
				const customFields = await loadCustomFields(store);
				const opened = await openImportFile(file, {
					dialect: dialect === 'auto' ? undefined : (dialect as DialectName),
					kind,
					customFields,
					space: values.space,
					managedBy: inventory?.managedBy,
					serviceInstance: inventory?.serviceInstance,
				});
				if (!opened.ok) {
					ctx.stderr.write(sanitize(formatImportIssue(file, opened.issue)) + '\n');
					return EXIT.invalid;
				}
				const { header } = opened.stream;
				if (inventory && header.kind !== 'range' && header.kind !== 'address') {
					throw new CommandError(`--inventory applies to ranges and addresses, and ${file} holds ${plural(header.kind)}`, EXIT.usage);
				}
				const planOptions = { defaultSpace: values.space ?? 'Default', inventory: inventory as { managedBy: string; serviceInstance: string } | undefined };
				const run: Run = { problems: [], notes: [], counts: { created: 0, updated: 0, unchanged: 0, deleted: 0, newSpaces: [] }, deletionsSkipped: false };
				// NetBox and phpIPAM prefix files nest: their outer prefixes are imported as blocks first.
				const split = header.kind === 'subnet' && header.dialect.nests ? await splitPrefixFile(store, opened.stream, planOptions.defaultSpace) : undefined;
				const parts = split?.parts ?? [opened.stream];
				const printer = dryRun ? new DiffPrinter(ctx.stdout, format) : undefined;
				if (printer) await dryRunImport(store, parts, planOptions, run, printer);
				else await applyImport(store, parts, planOptions, { file, customFields }, run);
				run.problems.sort((a, b) => a.line - b.line);
				report(ctx, file, header, run, dryRun, format, printer, split?.blocks);
				if (errorFile && run.problems.length > 0) await writeErrorFile(file, errorFile, opened.stream.headerLine, header.header, run.problems);
				if (run.problems.length === 0) return EXIT.ok;
				const c = run.counts;
				return c.created + c.updated + c.deleted + c.unchanged > 0 ? EXIT.partial : EXIT.invalid;
			},
			{ readonly: dryRun && storeExists },
		);
	},
};

interface Run {
	problems: ImportIssue[];
	notes: ImportIssue[];
	counts: { created: number; updated: number; unchanged: number; deleted: number; newSpaces: string[] };
	/** Inventory deletions not made because some rows were rejected (they might be rows the user meant to keep). */
	deletionsSkipped: boolean;
}

/** Takes a planned batch's problems and remarks; returns the new spaces not already named by an earlier part or batch. */
function collect(run: Run, batch: ImportBatch, plan: BatchPlan): string[] {
	for (const i of batch.issues) run.problems.push(i);
	for (const n of batch.notes) run.notes.push(n);
	for (const i of plan.issues) run.problems.push(i);
	const known = new Set(run.counts.newSpaces.map(s => s.toLowerCase()));
	const fresh = plan.newSpaces.filter(s => !known.has(s.toLowerCase()));
	run.counts.newSpaces.push(...fresh);
	return fresh;
}

async function dryRunImport(store: Store, parts: ImportStream[], options: PlanOptions, run: Run, printer: DiffPrinter): Promise<void> {
	printer.begin();
	for (const stream of parts) {
		const planner = new Planner(store, stream.header.kind, options);
		await planner.start();
		for await (const batch of prefetched(stream.batches())) {
			const plan = await planner.plan(batch.rows);
			const fresh = collect(run, batch, plan);
			const diff = await batchDiff(store, stream.header.kind, plan);
			printer.spaces(fresh);
			printer.objects(diff.objects);
			run.counts.created += plan.creates.length;
			run.counts.updated += plan.updates.length + diff.annotationOnly;
			run.counts.unchanged += plan.unchanged.length - diff.annotationOnly;
		}
		if (options.inventory && run.problems.length > 0) run.deletionsSkipped = true;
		else {
			const deletes = await planner.deletes();
			run.counts.deleted += deletes.length;
			printer.objects(deleteDiffs(deletes));
		}
	}
}

/** Thrown inside the transaction when no row is usable, so even new spaces roll back. */
class NothingUsable extends Error {}

/** Every part (a prefix file's blocks, then its subnets; else the one file) in one transaction. */
async function applyImport(store: Store, parts: ImportStream[], options: PlanOptions, context: { file: string; customFields: CustomFieldDef[] }, run: Run): Promise<void> {
	try {
		await store.transaction(async tx => {
			const appliers: { planner: Planner; applier: Applier }[] = [];
			for (const stream of parts) {
				const planner = new Planner(tx, stream.header.kind, options);
				await planner.start();
				const applier = new Applier(tx, planner, context);
				await applyBatches(planner, applier, prefetched(stream.batches()), (batch, plan) => void collect(run, batch, plan));
				for (const r of applier.rejected) run.problems.push(r);
				appliers.push({ planner, applier });
			}
			const c = { created: 0, updated: 0, unchanged: 0, deleted: 0, newSpaces: run.counts.newSpaces };
			for (const { applier } of appliers) {
				c.created += applier.created;
				c.updated += applier.updated;
				c.unchanged += applier.unchanged;
			}
			if (c.created + c.updated + c.unchanged === 0 && run.problems.length > 0) throw new NothingUsable();
			if (options.inventory && run.problems.length > 0) run.deletionsSkipped = true;
			for (const { planner, applier } of appliers) {
				await applier.finish(run.deletionsSkipped ? [] : await planner.deletes());
				c.deleted += applier.deleted;
			}
			run.counts = c;
		});
	} catch (err) {
		if (!(err instanceof NothingUsable)) throw err;
		run.counts = { created: 0, updated: 0, unchanged: 0, deleted: 0, newSpaces: [] };
	}
}

async function loadCustomFields(store: Store): Promise<CustomFieldDef[]> {
	const out: CustomFieldDef[] = [];
	let after: string | undefined;
	for (;;) {
		const page = await listFields(store, { after, limit: 1000 });
		for (const f of page) out.push({ id: f.id, name: f.name, multi: !!f.multi_valued, allowed: allowedValues(f), appliesTo: appliesTo(f) });
		if (page.length < 1000) return out;
		after = page[page.length - 1].name;
	}
}

function report(ctx: CommandContext, file: string, header: ResolvedHeader, run: Run, dryRun: boolean, format: OutputFormat, printer?: DiffPrinter, blocks?: number): void {
	for (const n of run.notes) ctx.stderr.write(sanitize(`${formatImportIssue(file, n)} (accepted)`) + '\n');
	for (const p of run.problems) ctx.stderr.write(sanitize(formatImportIssue(file, p)) + '\n');
	if (run.deletionsSkipped) {
		ctx.stderr.write(`${file}: inventory deletions skipped because rows were rejected (they may be objects to keep); fix them and import again\n`);
	}
	const c = run.counts;
	// A nesting prefix file says how many of its rows are blocks (the outer prefixes) and how many subnets.
	const what = blocks === undefined ? `${header.dialect.title} ${plural(header.kind)}` : `${header.dialect.title} prefixes (${blocks} as blocks)`;
	const verb = dryRun ? 'would import' : 'imported';
	const counts = `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged${c.deleted || dryRun ? `, ${c.deleted} deleted` : ''}`;
	const rejected = run.problems.length > 0 ? `; ${run.problems.length} rejected` : '';
	const ignored = header.ignored.length > 0 ? ` (columns not kept: ${header.ignored.join(', ')})` : '';
	const spaces = c.newSpaces.length > 0 ? `; new address spaces: ${c.newSpaces.join(', ')}` : '';
	const summary = {
		file,
		dryRun,
		dialect: header.dialect.title,
		kind: header.kind,
		...(blocks === undefined ? {} : { blocks }),
		created: c.created,
		updated: c.updated,
		unchanged: c.unchanged,
		deleted: c.deleted,
		rejected: run.problems.length,
		newSpaces: c.newSpaces,
		ignoredColumns: header.ignored,
		deletionsSkipped: run.deletionsSkipped,
	};
	const text = sanitize(`${file}: ${verb} ${what}: ${counts}${rejected}${spaces}${ignored}`) + '\n';
	if (format === 'table') ctx.stdout.write(text);
	else if (printer && format === 'json') printer.end(summary);
	// The CSV of a dry run is its diff alone; its summary line goes beside it, to stderr.
	else if (printer) ctx.stderr.write(text);
	else ctx.stdout.write(renderRecord(summary, format));
}

/** Rejected rows as they were, plus an Error column, so they can be fixed and imported again (MS IPAM does the same). */
async function writeErrorFile(source: string, target: string, headerLine: number, header: string[], problems: ImportIssue[]): Promise<void> {
	const width = header.length;
	const byLine = new Map<number, ImportIssue>();
	for (const p of problems) if (!byLine.has(p.line)) byLine.set(p.line, p);
	const lines = [csvLine([...header, 'Error'])];
	// The file is read again rather than every row's cells kept in memory for the few that fail.
	for await (const batch of readCsvFile(source)) {
		for (const record of batch) {
			const p = byLine.get(record.line);
			if (!p || record.line === headerLine) continue;
			const fields = record.fields.length > 0 ? record.fields : [record.raw ?? ''];
			const padded = [...fields, ...Array(Math.max(0, width - fields.length)).fill('')];
			lines.push(csvLine([...padded, `line ${p.line}: ${p.column !== undefined ? `column "${p.column}": ` : ''}${p.reason}`]));
		}
	}
	fs.writeFileSync(target, lines.join('\n') + '\n');
}

export function plural(kind: ObjectKind): string {
	return kind === 'address' ? 'addresses' : `${kind}s`;
}
