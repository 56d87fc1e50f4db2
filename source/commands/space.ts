// `ipam space add|list|show|edit|delete`: address spaces (VRF-like; they may overlap each other).
import { limitOf, nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import type { Column } from '../resources/column.js';
import { addSpace, deleteSpace, editSpace, findSpace, listSpaces, type SpaceRow } from '../../store/address-spaces.js';
import { notFound } from '../../store/errors.js';

const columns: Column<SpaceRow>[] = [
	{ key: 'name', header: 'NAME', width: 20, value: r => r.name, sortSql: 'name' },
	{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
	{ key: 'id', header: 'ID', width: 4, align: 'right', value: r => r.id },
];

export const spaceCommand = nounCommand('space', 'address spaces: separate routing domains (VRFs) whose addresses may repeat', {
	add: {
		summary: 'add an address space',
		usage: 'NAME [--description TEXT]',
		options: { description: { type: 'string' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await addSpace(store, { name: positionals[0], description: str(values.description) });
				ctx.stdout.write(`added address space ${row.name} (id ${row.id})\n`);
				return 0;
			}),
	},
	list: {
		summary: 'list address spaces by name',
		usage: `\n\n${PAGE_HELP} (KEY = name)\n${OUTPUT_HELP}`,
		options: { ...PAGE_OPTIONS, ...OUTPUT_OPTIONS },
		run: (ctx, { values, format }) =>
			withStore(ctx, async store => {
				ctx.stdout.write(renderRows(await listSpaces(store, { after: str(values.after), limit: limitOf(values) }), columns, format));
				return 0;
			}),
	},
	show: {
		summary: 'one address space with its object counts',
		usage: `NAME\n\n${OUTPUT_HELP}`,
		options: { ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { positionals, format }) =>
			withStore(ctx, async store => {
				const row = await findSpace(store, positionals[0]);
				if (!row) throw notFound(`no address space named "${positionals[0]}"`);
				const counts = await store.get<Record<string, number>>(
					`SELECT (SELECT count(*) FROM block WHERE space_id = ?1) AS blocks, (SELECT count(*) FROM subnet WHERE space_id = ?1) AS subnets,
						(SELECT count(*) FROM range WHERE space_id = ?1) AS ranges, (SELECT count(*) FROM address WHERE space_id = ?1) AS addresses`,
					[row.id],
				);
				ctx.stdout.write(renderRecord({ ...row, ...counts }, format));
				return 0;
			}),
	},
	edit: {
		summary: 'rename an address space or change its description',
		usage: 'NAME [--name NEW] [--description TEXT]',
		options: { name: { type: 'string' }, description: { type: 'string' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await editSpace(store, positionals[0], { name: str(values.name), description: str(values.description) });
				ctx.stdout.write(`updated address space ${row.name}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete an empty address space (--force deletes what it holds too)',
		usage: 'NAME [--force]',
		options: { force: { type: 'boolean' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				await deleteSpace(store, positionals[0], { force: !!values.force });
				ctx.stdout.write(`deleted address space ${positionals[0]}\n`);
				return 0;
			}),
	},
});
