// `ipam range add|list|show|edit|delete`: start–end ranges inside a subnet.
import { limitOf, nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import { renderWithTrend } from './show-trend.js';
import { objectExtras, rangeByRef, recordOf } from './object-ref.js';
import { spaceId } from '../../store/address-spaces.js';
import { requireSubnet, subnetCidr } from '../../store/subnets.js';
import { addRange, deleteRange, editRange, listRanges, rangeText, type RangeAssignment } from '../../store/ranges.js';
import { thresholds } from '../../store/utilization.js';
import { rangeColumns } from '../resources/ranges.js';
import { parseAddress, parsePrefix, parseSpan } from '../domain/ip.js';

const FIELDS = {
	name: { type: 'string' },
	description: { type: 'string' },
	'managed-by': { type: 'string' },
	entity: { type: 'string' },
	type: { type: 'string' },
} as const;
const FIELDS_HELP = `  --name TEXT, --description TEXT
  --managed-by SERVICE   IPAM (default), MS DHCP, Kea, ISC DHCP, dnsmasq, VMM, Other
  --entity NAME          the service instance managing it
  --type TYPE            static (default), dynamic (DHCP) or reserved`;
const REF_HELP = 'RANGE is START-END, a CIDR, or a range id; --managed-by picks one of several with the same span';

export const rangeCommand = nounCommand('range', 'ranges: start–end runs inside a subnet (static, DHCP pools, reserved)', {
	add: {
		summary: 'add a range (refused when it overlaps another or crosses a subnet boundary)',
		usage: `START-END|CIDR [OPTIONS]\n\n${FIELDS_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...FIELDS, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await addRange(store, {
					spaceId: await spaceId(store, str(values.space)),
					span: parseSpan(positionals.join(' ')),
					name: str(values.name),
					description: str(values.description),
					managedBy: str(values['managed-by']),
					managedByEntity: str(values.entity),
					assignmentType: str(values.type) as RangeAssignment | undefined,
				});
				if (format === 'table') ctx.stdout.write(`added range ${rangeText(row)} (id ${row.id})\n`);
				else ctx.stdout.write(renderRecord(recordOf(row, rangeColumns(await thresholds(store))), format));
				return 0;
			}),
	},
	list: {
		summary: 'list ranges in address order (inside CIDR, or in --subnet)',
		usage: `[CIDR|START-END] [--subnet CIDR]\n\n${PAGE_HELP} (KEY = START address)\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { subnet: { type: 'string' }, ...PAGE_OPTIONS, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const space = await spaceId(store, str(values.space));
				const subnet = str(values.subnet) ? await requireSubnet(store, space, parsePrefix(str(values.subnet)!)) : undefined;
				const after = str(values.after) ? parseAddress(str(values.after)!) : undefined;
				const rows = await listRanges(store, {
					spaceId: space,
					within: positionals[0] ? parseSpan(positionals.join(' ')) : undefined,
					subnetId: subnet?.id,
					after: after && { family: after.family, start: after.value, id: Number.MAX_SAFE_INTEGER },
					limit: limitOf(values),
				});
				ctx.stdout.write(renderRows(rows, rangeColumns(await thresholds(store)), format));
				return 0;
			}),
	},
	show: {
		summary: 'one range with its subnet, utilization, custom fields, tags and utilization trend',
		usage: `RANGE [--managed-by SERVICE]\n\n${REF_HELP}\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { 'managed-by': { type: 'string' }, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await rangeByRef(store, await spaceId(store, str(values.space)), positionals.join(' '), str(values['managed-by']));
				const subnet = row.subnet_id ? await store.get<{ family: 4 | 6; start: Buffer; prefix_len: number }>('SELECT family, start, prefix_len FROM subnet WHERE id = ?', [row.subnet_id]) : undefined;
				const record = {
					...recordOf(row, rangeColumns(await thresholds(store))),
					subnet: subnet ? subnetCidr(subnet) : null,
					reported_used: row.reported_used,
					discovered: !!row.discovered,
					...(await objectExtras(store, 'range', row.id)),
				};
				ctx.stdout.write(await renderWithTrend(store, 'range', row.id, record, format));
				return 0;
			}),
	},
	edit: {
		summary: "change a range's name, description, managed-by or type",
		usage: `RANGE [OPTIONS]\n\n${REF_HELP}\n${FIELDS_HELP}\n  --select SERVICE       pick among ranges with the same span by their current managed-by\n${SPACE_HELP}`,
		options: { ...FIELDS, select: { type: 'string' }, ...SPACE_OPTION },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await rangeByRef(store, await spaceId(store, str(values.space)), positionals.join(' '), str(values.select));
				await editRange(store, row.id, {
					name: str(values.name),
					description: str(values.description),
					managedBy: str(values['managed-by']),
					managedByEntity: str(values.entity),
					assignmentType: str(values.type) as RangeAssignment | undefined,
				});
				ctx.stdout.write(`updated range ${rangeText(row)}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete a range (its addresses stay in the subnet)',
		usage: `RANGE [--managed-by SERVICE]\n\n${REF_HELP}\n${SPACE_HELP}`,
		options: { 'managed-by': { type: 'string' }, ...SPACE_OPTION },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await rangeByRef(store, await spaceId(store, str(values.space)), positionals.join(' '), str(values['managed-by']));
				await deleteRange(store, row.id);
				ctx.stdout.write(`deleted range ${rangeText(row)}\n`);
				return 0;
			}),
	},
});
