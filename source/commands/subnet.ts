// `ipam subnet add|list|show|edit|delete`: subnets, placed under their smallest containing block.
import { intOption, limitOf, nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import { renderWithTrend } from './show-trend.js';
import { objectExtras, prefixArg, recordOf } from './object-ref.js';
import { spaceId } from '../../store/address-spaces.js';
import { blockCidr, requireBlock } from '../../store/blocks.js';
import { addSubnet, deleteSubnet, editSubnet, listSubnets, requireSubnet, subnetCidr } from '../../store/subnets.js';
import { thresholds } from '../../store/utilization.js';
import { subnetColumns } from '../resources/subnets.js';
import { parsePrefix } from '../domain/ip.js';

const NORMALISE = { normalise: { type: 'boolean' } } as const;
const NORMALISE_HELP = '  --normalise    accept a CIDR with host bits set and use its network';
const FIELDS = { name: { type: 'string' }, description: { type: 'string' }, vlan: { type: 'string' } } as const;
const FIELDS_HELP = '  --name TEXT, --description TEXT, --vlan N (0–4094)';

function vlan(v: unknown): number | null | undefined {
	if (v === undefined) return undefined;
	if (v === '' || v === 'none') return null;
	return intOption(v, '--vlan', 0, 4094);
}

export const subnetCommand = nounCommand('subnet', 'subnets: where hosts live; inside one space they never overlap', {
	add: {
		summary: 'add a subnet (refused when it overlaps another)',
		usage: `CIDR [OPTIONS]\n\n${FIELDS_HELP}\n${NORMALISE_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...FIELDS, ...NORMALISE, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await addSubnet(store, {
					spaceId: await spaceId(store, str(values.space)),
					prefix: prefixArg(positionals[0], values.normalise),
					name: str(values.name),
					description: str(values.description),
					vlan: vlan(values.vlan),
				});
				if (format === 'table') ctx.stdout.write(`added subnet ${subnetCidr(row)} (id ${row.id})\n`);
				else ctx.stdout.write(renderRecord(recordOf(row, subnetColumns(await thresholds(store))), format));
				return 0;
			}),
	},
	list: {
		summary: 'list subnets in address order (inside CIDR, or directly in --block)',
		usage: `[CIDR] [--block CIDR]\n\n  --block CIDR   only subnets whose smallest block is this one\n${PAGE_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { block: { type: 'string' }, ...PAGE_OPTIONS, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const space = await spaceId(store, str(values.space));
				const after = str(values.after) ? parsePrefix(str(values.after)!) : undefined;
				const block = str(values.block) ? await requireBlock(store, space, parsePrefix(str(values.block)!)) : undefined;
				const rows = await listSubnets(store, {
					spaceId: space,
					within: positionals[0] ? parsePrefix(positionals[0], { hostBits: 'normalise' }) : undefined,
					blockId: block?.id,
					after: after && { family: after.family, start: after.network, prefixLen: after.length },
					limit: limitOf(values),
				});
				ctx.stdout.write(renderRows(rows, subnetColumns(await thresholds(store)), format));
				return 0;
			}),
	},
	show: {
		summary: 'one subnet with its block, utilization, custom fields, tags and utilization trend',
		usage: `CIDR\n\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...SPACE_OPTION, ...OUTPUT_OPTIONS, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await requireSubnet(store, await spaceId(store, str(values.space)), prefixArg(positionals[0], values.normalise));
				const block = row.block_id ? await store.get<{ family: 4 | 6; start: Buffer; prefix_len: number }>('SELECT family, start, prefix_len FROM block WHERE id = ?', [row.block_id]) : undefined;
				const ranges = (await store.get<{ n: number }>('SELECT count(*) AS n FROM range WHERE subnet_id = ?', [row.id]))!.n;
				const record = {
					...recordOf(row, subnetColumns(await thresholds(store))),
					block: block ? blockCidr(block) : null,
					ranges,
					...(await objectExtras(store, 'subnet', row.id)),
				};
				ctx.stdout.write(await renderWithTrend(store, 'subnet', row.id, record, format));
				return 0;
			}),
	},
	edit: {
		summary: "change a subnet's name, description or VLAN",
		usage: `CIDR [OPTIONS]\n\n${FIELDS_HELP}\n${SPACE_HELP}`,
		options: { ...FIELDS, ...SPACE_OPTION, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await requireSubnet(store, await spaceId(store, str(values.space)), prefixArg(positionals[0], values.normalise));
				await editSubnet(store, row.id, { name: str(values.name), description: str(values.description), vlan: vlan(values.vlan) });
				ctx.stdout.write(`updated subnet ${subnetCidr(row)}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete a subnet (its ranges and addresses stay, without a subnet)',
		usage: `CIDR\n\n${SPACE_HELP}`,
		options: { ...SPACE_OPTION, ...NORMALISE },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await requireSubnet(store, await spaceId(store, str(values.space)), prefixArg(positionals[0], values.normalise));
				await deleteSubnet(store, row.id);
				ctx.stdout.write(`deleted subnet ${subnetCidr(row)}\n`);
				return 0;
			}),
	},
});
