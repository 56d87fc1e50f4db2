// `ipam block add|list|show|edit|delete`: IP blocks, auto-parented.
import { nounCommand, limitOf, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import { renderWithTrend } from './show-trend.js';
import { objectExtras, prefixArg, recordOf } from './object-ref.js';
import { spaceId } from '../../store/address-spaces.js';
import { addBlock, blockCidr, deleteBlock, editBlock, listBlocks, requireBlock } from '../../store/blocks.js';
import { thresholds } from '../../store/utilization.js';
import { blockColumns } from '../resources/blocks.js';
import { formatPrefix, parsePrefix } from '../domain/ip.js';

const NORMALISE = { normalise: { type: 'boolean' } } as const;
const NORMALISE_HELP = '  --normalise    accept a CIDR with host bits set and use its network';
const FIELDS = { name: { type: 'string' }, description: { type: 'string' }, rir: { type: 'string' } } as const;
const FIELDS_HELP = '  --name TEXT, --description TEXT, --rir TEXT';

export const blockCommand = nounCommand('block', 'IP blocks: the top of the address plan; blocks nest and hold subnets', {
	add: {
		summary: 'add a block (its parent is found, blocks inside it move under it)',
		usage: `CIDR [OPTIONS]\n\n${FIELDS_HELP}\n${NORMALISE_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...FIELDS, ...NORMALISE, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const prefix = prefixArg(positionals[0], values.normalise);
				const row = await addBlock(store, {
					spaceId: await spaceId(store, str(values.space)),
					prefix,
					name: str(values.name),
					description: str(values.description),
					rir: str(values.rir),
				});
				if (format === 'table') ctx.stdout.write(`added block ${blockCidr(row)} (id ${row.id})\n`);
				else ctx.stdout.write(renderRecord(recordOf(row, blockColumns(await thresholds(store))), format));
				return 0;
			}),
	},
	list: {
		summary: 'list blocks in address order (inside CIDR when given)',
		usage: `[CIDR] [--roots]\n\n  --roots        only top-level blocks\n${PAGE_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { roots: { type: 'boolean' }, ...PAGE_OPTIONS, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const after = str(values.after) ? parsePrefix(str(values.after)!) : undefined;
				const rows = await listBlocks(store, {
					spaceId: await spaceId(store, str(values.space)),
					within: positionals[0] ? parsePrefix(positionals[0], { hostBits: 'normalise' }) : undefined,
					roots: !!values.roots,
					after: after && { family: after.family, start: after.network, prefixLen: after.length },
					limit: limitOf(values),
				});
				ctx.stdout.write(renderRows(rows, blockColumns(await thresholds(store)), format));
				return 0;
			}),
	},
	show: {
		summary: 'one block with its utilization, custom fields, tags and utilization trend',
		usage: `CIDR\n\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...SPACE_OPTION, ...OUTPUT_OPTIONS, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await requireBlock(store, await spaceId(store, str(values.space)), prefixArg(positionals[0], values.normalise));
				const parent = row.parent_id ? await store.get<{ family: 4 | 6; start: Buffer; prefix_len: number }>('SELECT family, start, prefix_len FROM block WHERE id = ?', [row.parent_id]) : undefined;
				const record = { ...recordOf(row, blockColumns(await thresholds(store))), parent: parent ? blockCidr(parent) : null, ...(await objectExtras(store, 'block', row.id)) };
				ctx.stdout.write(await renderWithTrend(store, 'block', row.id, record, format));
				return 0;
			}),
	},
	edit: {
		summary: 'change a block\'s name, description or RIR',
		usage: `CIDR [OPTIONS]\n\n${FIELDS_HELP}\n${SPACE_HELP}`,
		options: { ...FIELDS, ...SPACE_OPTION, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await requireBlock(store, await spaceId(store, str(values.space)), prefixArg(positionals[0], values.normalise));
				await editBlock(store, row.id, { name: str(values.name), description: str(values.description), rir: str(values.rir) });
				ctx.stdout.write(`updated block ${blockCidr(row)}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete a block (what it held moves up to its parent)',
		usage: `CIDR\n\n${SPACE_HELP}`,
		options: { ...SPACE_OPTION, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const prefix = prefixArg(positionals[0], values.normalise);
				const row = await requireBlock(store, await spaceId(store, str(values.space)), prefix);
				await deleteBlock(store, row.id);
				ctx.stdout.write(`deleted block ${formatPrefix(prefix)}\n`);
				return 0;
			}),
	},
});
