// `ipam tag add|list|delete|apply|remove`: tags on any object.
import { limitOf, nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRows } from './output.js';
import { objectId } from './object-ref.js';
import type { Column } from '../resources/column.js';
import { spaceId } from '../../store/address-spaces.js';
import { addTag, applyTag, deleteTag, listTags, removeTag, type TagRow } from '../../store/tags.js';

const columns: Column<TagRow & { uses: number }>[] = [
	{ key: 'name', header: 'TAG', width: 16, value: r => r.name, sortSql: 'name' },
	{ key: 'uses', header: 'USES', width: 5, align: 'right', value: r => r.uses },
	{ key: 'color', header: 'COLOR', width: 8, value: r => r.color },
	{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
];
const OBJECT_HELP = 'KIND is block, subnet, range or address; REF names the object (a CIDR, START-END, or an address)';

export const tagCommand = nounCommand('tag', 'tags: free labels on blocks, subnets, ranges and addresses', {
	add: {
		summary: 'define a tag',
		usage: 'NAME [--color COLOR] [--description TEXT]',
		options: { color: { type: 'string' }, description: { type: 'string' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const t = await addTag(store, { name: positionals[0], color: str(values.color), description: str(values.description) });
				ctx.stdout.write(`added tag ${t.name}\n`);
				return 0;
			}),
	},
	list: {
		summary: 'list tags with how many objects carry each',
		usage: `\n\n${PAGE_HELP} (KEY = name)\n${OUTPUT_HELP}`,
		options: { ...PAGE_OPTIONS, ...OUTPUT_OPTIONS },
		run: (ctx, { values, format }) =>
			withStore(ctx, async store => {
				ctx.stdout.write(renderRows(await listTags(store, { after: str(values.after), limit: limitOf(values) }), columns, format));
				return 0;
			}),
	},
	delete: {
		summary: 'delete a tag (and take it off every object)',
		usage: 'NAME',
		needs: 1,
		run: (ctx, { positionals }) =>
			withStore(ctx, async store => {
				const t = await deleteTag(store, positionals[0]);
				ctx.stdout.write(`deleted tag ${t.name}\n`);
				return 0;
			}),
	},
	apply: {
		summary: 'tag an object (--create defines an unknown tag on the way)',
		usage: `KIND REF TAG [--create]\n\n${OBJECT_HELP}\n${SPACE_HELP}`,
		options: { create: { type: 'boolean' }, ...SPACE_OPTION },
		needs: 3,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const [kind, ref, tag] = positionals;
				const obj = await objectId(store, await spaceId(store, str(values.space)), kind, ref);
				const added = await applyTag(store, obj.kind, obj.id, tag, { create: !!values.create });
				ctx.stdout.write(added ? `tagged ${kind} ${ref} with ${tag}\n` : `${kind} ${ref} already has tag ${tag}\n`);
				return 0;
			}),
	},
	remove: {
		summary: 'take a tag off an object',
		usage: `KIND REF TAG\n\n${OBJECT_HELP}\n${SPACE_HELP}`,
		options: { ...SPACE_OPTION },
		needs: 3,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const [kind, ref, tag] = positionals;
				const obj = await objectId(store, await spaceId(store, str(values.space)), kind, ref);
				const removed = await removeTag(store, obj.kind, obj.id, tag);
				ctx.stdout.write(removed ? `removed tag ${tag} from ${kind} ${ref}\n` : `${kind} ${ref} did not have tag ${tag}\n`);
				return 0;
			}),
	},
});
