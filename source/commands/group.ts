// `ipam group add|list|show|delete`: logical groups — objects arranged into a tree by custom-field values.
import { nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS } from './noun.js';
import { withStore } from './command.js';
import { renderRows } from './output.js';
import type { Column } from '../resources/column.js';
import { addGroup, deleteGroup, groupTree, listGroups, type GroupNode, type GroupRow } from '../../store/logical-groups.js';
import { sanitize } from '../domain/sanitize.js';

const columns: Column<GroupRow & { fields: string[] }>[] = [
	{ key: 'name', header: 'GROUP', width: 16, value: r => r.name, sortSql: 'name' },
	{ key: 'kind', header: 'KIND', width: 8, value: r => r.object_kind },
	{ key: 'fields', header: 'FIELDS', width: 'flex', value: r => r.fields.join(' > ') },
];

function lines(nodes: GroupNode[], depth: number, out: string[]): void {
	for (const n of nodes) {
		out.push(`${'  '.repeat(depth)}${sanitize(n.value || `(no ${n.field})`)}  ${n.count}`);
		lines(n.children, depth + 1, out);
	}
}

export const groupCommand = nounCommand('group', 'logical groups: a tree of objects by custom-field values (Region > Site …)', {
	add: {
		summary: 'define a group: an object kind and an order of custom fields',
		usage: 'NAME --kind block|subnet|range|address --fields "Region,Site,Building"',
		options: { kind: { type: 'string' }, fields: { type: 'string' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const fields = (str(values.fields) ?? '').split(/[,>]/).map(f => f.trim()).filter(Boolean);
				const g = await addGroup(store, { name: positionals[0], kind: str(values.kind) ?? 'subnet', fields });
				ctx.stdout.write(`added logical group ${g.name}\n`);
				return 0;
			}),
	},
	list: {
		summary: 'list logical groups',
		usage: `\n\n${OUTPUT_HELP}`,
		options: OUTPUT_OPTIONS,
		run: (ctx, { format }) =>
			withStore(ctx, async store => {
				ctx.stdout.write(renderRows(await listGroups(store), columns, format));
				return 0;
			}),
	},
	show: {
		summary: 'the tree: each value path with how many objects it holds',
		usage: `NAME\n\n${OUTPUT_HELP} (--json nests the tree; --csv gives one row per path)`,
		options: OUTPUT_OPTIONS,
		needs: 1,
		run: (ctx, { positionals, format }) =>
			withStore(ctx, async store => {
				const t = await groupTree(store, positionals[0]);
				if (format === 'json') ctx.stdout.write(JSON.stringify({ group: t.group.name, kind: t.group.object_kind, fields: t.fields, total: t.total, tree: t.tree }, null, 2) + '\n');
				else if (format === 'csv') {
					const rows: { path: string; count: number }[] = [];
					const walk = (nodes: GroupNode[], prefix: string[]) =>
						nodes.forEach(n => {
							const path = [...prefix, n.value];
							if (n.children.length === 0) rows.push({ path: path.join(' > '), count: n.count });
							walk(n.children, path);
						});
					walk(t.tree, []);
					ctx.stdout.write(renderRows(rows, [{ key: 'path', header: 'PATH', width: 'flex', value: r => r.path }, { key: 'count', header: 'COUNT', width: 5, value: r => r.count }], 'csv'));
				} else {
					const out = [`${t.group.name}: ${t.group.object_kind}s by ${t.fields.join(' > ')} (${t.total})`];
					lines(t.tree, 1, out);
					ctx.stdout.write(out.join('\n') + '\n');
				}
				return 0;
			}),
	},
	delete: {
		summary: 'delete a logical group (the objects and their fields stay)',
		usage: 'NAME',
		needs: 1,
		run: (ctx, { positionals }) =>
			withStore(ctx, async store => {
				const g = await deleteGroup(store, positionals[0]);
				ctx.stdout.write(`deleted logical group ${g.name}\n`);
				return 0;
			}),
	},
});
