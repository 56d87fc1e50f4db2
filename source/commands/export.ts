// `ipam export KIND`: blocks, subnets, ranges or addresses as CSV (ours, MS IPAM's or NetBox's layout), streamed by key pages, formula cells neutralised.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from './command.js';
import { parseOptions, withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { CsvWriter } from '../formats/csv.js';
import { EXPORT_FORMATS, exportCells, exportHeader, type ExportFormat } from '../formats/ipam-export.js';
import { OBJECT_KINDS, type ObjectKind } from '../formats/ipam-rows.js';
import { annotationsOf, exportPage, usedFieldNames } from '../../store/import-lookup.js';
import { spaceId } from '../../store/address-spaces.js';

const usage = `Usage: ipam export block|subnet|range|address [--format csv|ms-ipam|netbox] [--space NAME] [-o FILE]

Writes every object of the kind (of one address space with --space) as CSV, in address order:
  csv      ipam's own columns: every stored field, custom fields and tags (imports back losslessly)
  ms-ipam  Microsoft IPAM's English Import-Ipam* columns (NetworkId, IpAddress, ManagedByService …)
  netbox   NetBox's bulk-import columns (prefix/vrf/status…, aggregates for blocks)
Cells a spreadsheet would run as a formula (=, +, -, @ …) are prefixed with an apostrophe.`;

const PAGE = 5_000;

export const exportCommand: Command = {
	name: 'export',
	summary: 'export blocks, subnets, ranges or addresses as CSV (ipam, MS IPAM, NetBox layout)',
	async run(ctx) {
		const { values, positionals } = parseOptions(
			ctx.args,
			{ format: { type: 'string' }, space: { type: 'string' }, output: { type: 'string', short: 'o' } },
			usage,
		);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return EXIT.ok;
		}
		const kind = (positionals[0] ?? '').replace(/^(block|subnet|range)s$/, '$1').replace(/^addresses$/, 'address') as ObjectKind;
		if (positionals.length !== 1 || !OBJECT_KINDS.includes(kind)) throw new CommandError(`expected one of ${OBJECT_KINDS.join(', ')}\n\n${usage}`, EXIT.usage);
		const format = (values.format ?? 'csv') as ExportFormat;
		if (!EXPORT_FORMATS.includes(format)) throw new CommandError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`, EXIT.usage);
		return withStore(
			ctx,
			async store => {
				const space = values.space !== undefined ? await spaceId(store, values.space).catch(err => {
					throw new CommandError((err as Error).message, EXIT.notFound);
				}) : undefined;
				const fields = await usedFieldNames(store, kind);
				// Written to a temporary name and renamed, so a failed export never leaves a half file behind.
				const target = values.output;
				const out: Writable = target ? fs.createWriteStream(`${target}.partial`) : ctx.stdout;
				const writer = new CsvWriter(out);
				await writer.row(exportHeader(format, kind, fields));
				let anchor: [number, number, Buffer, number] | undefined;
				let count = 0;
				for (;;) {
					const page = await exportPage(store, kind, { spaceId: space, anchor, limit: PAGE, subnet: format !== 'csv' });
					if (page.length === 0) break;
					const notes = await annotationsOf(store, kind, page.map(r => r.id));
					for (const row of page) {
						await writer.row(exportCells(format, kind, fields, { row, space: row.space_name, fields: notes.fields.get(row.id), tags: notes.tags.get(row.id) }));
					}
					count += page.length;
					const last = page[page.length - 1];
					anchor = [last.space_id as number, last.family as number, (kind === 'address' ? last.ip : last.start) as Buffer, last.id];
					if (page.length < PAGE) break;
				}
				await writer.flush();
				if (target) {
					out.end();
					await once(out, 'finish');
					fs.renameSync(`${target}.partial`, target);
					ctx.stderr.write(`${target}: ${count} ${kind === 'address' ? 'addresses' : `${kind}s`}\n`);
				}
				return EXIT.ok;
			},
			{ readonly: fs.existsSync(ctx.dbPath) },
		);
	},
};
