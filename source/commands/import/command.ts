// `ipam import FILE`: address space from MS IPAM, NetBox, phpIPAM or our own CSV; dry-run diff, per-row problems, inventory sync.
import fs from 'node:fs';
import type { Command, CommandContext } from '../command.js';
import { parseOptions, withStore } from '../command.js';
import { CommandError, EXIT } from '../exit.js';
import { csvLine } from '../output.js';
import { readCsvFile } from '../../formats/csv.js';
import { sanitize } from '../../domain/sanitize.js';
import { listFields, allowedValues, appliesTo } from '../../../store/custom-fields.js';
import type { Store } from '../../../store/database.js';
import { formatImportIssue, readImportFile, type ImportIssue, type ParsedFile } from '../../formats/ipam-import.js';
import { OBJECT_KINDS, type CustomFieldDef, type DialectName, type ObjectKind } from '../../formats/ipam-rows.js';
import { planImport, type Plan } from './plan.js';
import { applyPlan } from './apply.js';
import { label } from './kinds.js';

const usage = `Usage: ipam import FILE [--format auto|ms-ipam|netbox|phpipam|csv] [--kind block|subnet|range|address]
                   [--space NAME] [--dry-run] [--errors | --error-file PATH]
                   [--inventory --managed-by SERVICE --service-instance NAME]

Imports blocks, subnets, ranges or addresses from a CSV file: Microsoft IPAM's Import-Ipam* layout
(English "NetworkId" files or the console's localized headers), NetBox and phpIPAM exports, or
\`ipam export --format csv\`. The dialect and object kind are detected from the header unless given.

Existing objects are updated (only the columns the file has), new ones created. Every bad row is
reported as FILE:LINE: column "X": reason; the good rows are imported, all in one transaction.

  --dry-run          print what would be created (+), updated (~, with changed fields) and deleted (-); change nothing
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
		const format = values.format ?? 'auto';
		if (!FORMATS.includes(format)) throw new CommandError(`--format must be one of ${FORMATS.join(', ')}`, EXIT.usage);
		const kind = values.kind as ObjectKind | undefined;
		if (kind !== undefined && !OBJECT_KINDS.includes(kind)) throw new CommandError(`--kind must be one of ${OBJECT_KINDS.join(', ')}`, EXIT.usage);
		const inventory = values.inventory ? { managedBy: values['managed-by'], serviceInstance: values['service-instance'] } : undefined;
		if (inventory && (!inventory.managedBy || inventory.serviceInstance === undefined)) {
			throw new CommandError('--inventory needs --managed-by and --service-instance', EXIT.usage);
		}
		if (!fs.existsSync(file)) throw new CommandError(`no such file: ${file}`, EXIT.invalid);
		const dryRun = !!values['dry-run'];
		const errorFile = values['error-file'] ?? (values.errors ? `${file}.errors.csv` : undefined);
		// A dry run opens the store read-only: it cannot change a byte.
		const storeExists = ctx.dbPath === ':memory:' || fs.existsSync(ctx.dbPath);
		return withStore(
			ctx,
			async store => {
				const customFields = await loadCustomFields(store);
				const read = await readImportFile(file, {
					dialect: format === 'auto' ? undefined : (format as DialectName),
					kind,
					customFields,
					space: values.space,
					managedBy: inventory?.managedBy,
					serviceInstance: inventory?.serviceInstance,
				});
				if (!read.ok) {
					ctx.stderr.write(sanitize(formatImportIssue(file, read.issue)) + '\n');
					return EXIT.invalid;
				}
				const parsed = read.file;
				if (inventory && parsed.header.kind !== 'range' && parsed.header.kind !== 'address') {
					throw new CommandError(`--inventory applies to ranges and addresses, and ${file} holds ${plural(parsed.header.kind)}`, EXIT.usage);
				}
				const plan = await planImport(store, parsed.header.kind, parsed.rows, {
					defaultSpace: values.space ?? 'Default',
					inventory: inventory as { managedBy: string; serviceInstance: string } | undefined,
				});
				const problems = [...parsed.issues, ...plan.issues];
				let created = plan.creates.length;
				let updated = plan.updates.length;
				let deleted = plan.deletes.length;
				if (dryRun) printDiff(ctx, plan);
				else if (problems.length === 0 || plan.creates.length + plan.updates.length + plan.deletes.length + plan.unchanged.length > 0) {
					const result = await applyPlan(store, plan, { file, customFields });
					problems.push(...result.rejected);
					({ created, updated, deleted } = result);
				}
				problems.sort((a, b) => a.line - b.line);
				report(ctx, file, parsed, problems, { created, updated, unchanged: plan.unchanged.length, deleted, dryRun, newSpaces: plan.newSpaces });
				if (errorFile && problems.length > 0) await writeErrorFile(file, errorFile, parsed, problems);
				if (problems.length === 0) return EXIT.ok;
				return created + updated + deleted + plan.unchanged.length > 0 ? EXIT.partial : EXIT.invalid;
			},
			{ readonly: dryRun && storeExists },
		);
	},
};

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

function show(v: unknown): string {
	if (v === null || v === undefined || v === '') return '∅';
	return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function printDiff(ctx: CommandContext, plan: Plan): void {
	const out: string[] = [];
	const flush = () => {
		if (out.length > 0) ctx.stdout.write(out.join('\n') + '\n');
		out.length = 0;
	};
	for (const s of plan.newSpaces) out.push(sanitize(`+ space ${s}`));
	for (const p of plan.creates) {
		out.push(sanitize(`+ ${label(p.row)} [${p.spaceName}] (line ${p.row.line})`));
		if (out.length >= 1000) flush();
	}
	for (const p of plan.updates) {
		out.push(sanitize(`~ ${label(p.row)} [${p.spaceName}] (line ${p.row.line}): ${p.changed.map(([c, a, b]) => `${c} ${show(a)} → ${show(b)}`).join(', ')}`));
		if (out.length >= 1000) flush();
	}
	for (const d of plan.deletes) {
		out.push(sanitize(`- ${d.label}`));
		if (out.length >= 1000) flush();
	}
	flush();
}

interface Counts {
	created: number;
	updated: number;
	unchanged: number;
	deleted: number;
	dryRun: boolean;
	newSpaces: string[];
}

function report(ctx: CommandContext, file: string, parsed: ParsedFile, problems: ImportIssue[], c: Counts): void {
	for (const n of parsed.notes) ctx.stderr.write(sanitize(`${formatImportIssue(file, n)} (accepted)`) + '\n');
	for (const p of problems) ctx.stderr.write(sanitize(formatImportIssue(file, p)) + '\n');
	const what = `${parsed.header.dialect.title} ${plural(parsed.header.kind)}`;
	const verb = c.dryRun ? 'would import' : 'imported';
	const counts = `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged${c.deleted || c.dryRun ? `, ${c.deleted} deleted` : ''}`;
	const rejected = problems.length > 0 ? `; ${problems.length} rejected` : '';
	const ignored = parsed.header.ignored.length > 0 ? ` (columns not kept: ${parsed.header.ignored.join(', ')})` : '';
	const spaces = c.newSpaces.length > 0 ? `; new address spaces: ${c.newSpaces.join(', ')}` : '';
	ctx.stdout.write(sanitize(`${file}: ${verb} ${what}: ${counts}${rejected}${spaces}${ignored}`) + '\n');
}

/** Rejected rows as they were, plus an Error column, so they can be fixed and imported again (MS IPAM does the same). */
async function writeErrorFile(source: string, target: string, parsed: ParsedFile, problems: ImportIssue[]): Promise<void> {
	const width = parsed.header.header.length;
	const byLine = new Map<number, ImportIssue>();
	for (const p of problems) if (!byLine.has(p.line)) byLine.set(p.line, p);
	const lines = [csvLine([...parsed.header.header, 'Error'])];
	// The file is read again rather than every row's cells kept in memory for the few that fail.
	for await (const batch of readCsvFile(source)) {
		for (const record of batch) {
			const p = byLine.get(record.line);
			if (!p || record.line === parsed.headerLine) continue;
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
