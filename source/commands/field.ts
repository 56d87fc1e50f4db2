// `ipam field add|list|show|edit|delete|set|unset`: custom fields and their values on objects.
import { limitOf, nounCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import { objectId } from './object-ref.js';
import type { Column } from '../resources/column.js';
import { spaceId } from '../../store/address-spaces.js';
import {
	addField,
	allowedValues,
	appliesTo,
	deleteField,
	editField,
	listFields,
	requireField,
	setFieldValue,
	unsetFieldValue,
	type FieldRow,
	type ObjectKind,
} from '../../store/custom-fields.js';

const columns: Column<FieldRow>[] = [
	{ key: 'name', header: 'FIELD', width: 16, value: r => r.name, sortSql: 'name' },
	{ key: 'multi_valued', header: 'MULTI', width: 5, value: r => !!r.multi_valued, text: r => (r.multi_valued ? 'yes' : '') },
	{ key: 'builtin', header: 'BUILT-IN', width: 8, value: r => !!r.builtin, text: r => (r.builtin ? 'yes' : '') },
	{ key: 'allowed_values', header: 'ALLOWED VALUES', width: 'flex', value: r => (allowedValues(r) ?? []).join('|') },
	{ key: 'applies_to', header: 'APPLIES TO', width: 20, value: r => appliesTo(r).join(',') },
	{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
];

function list(v: unknown): string[] | undefined {
	return typeof v === 'string' ? v.split(/[|,]/).map(s => s.trim()).filter(Boolean) : undefined;
}

const DEF_OPTIONS = { multi: { type: 'boolean' }, allowed: { type: 'string' }, 'applies-to': { type: 'string' }, description: { type: 'string' } } as const;
const DEF_HELP = `  --multi              the field holds several values per object
  --allowed A|B|C      the only values it accepts ("," or "|" between them)
  --applies-to KINDS   block,subnet,range,address,server (default all)
  --description TEXT`;
const OBJECT_HELP = 'KIND is block, subnet, range or address; REF names the object (a CIDR, START-END, or an address)';

export const fieldCommand = nounCommand('field', 'custom fields: built-in (MS IPAM\'s) and your own, on any object', {
	add: {
		summary: 'define a custom field',
		usage: `NAME [OPTIONS]\n\n${DEF_HELP}`,
		options: DEF_OPTIONS,
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await addField(store, {
					name: positionals[0],
					multiValued: !!values.multi,
					allowedValues: list(values.allowed) ?? null,
					appliesTo: list(values['applies-to']) as ObjectKind[] | undefined,
					description: str(values.description),
				});
				ctx.stdout.write(`added custom field ${row.name}\n`);
				return 0;
			}),
	},
	list: {
		summary: 'list custom fields by name',
		usage: `\n\n${PAGE_HELP} (KEY = name)\n${OUTPUT_HELP}`,
		options: { ...PAGE_OPTIONS, ...OUTPUT_OPTIONS },
		run: (ctx, { values, format }) =>
			withStore(ctx, async store => {
				ctx.stdout.write(renderRows(await listFields(store, { after: str(values.after), limit: limitOf(values) }), columns, format));
				return 0;
			}),
	},
	show: {
		summary: 'one custom field and how many objects use it',
		usage: `NAME\n\n${OUTPUT_HELP}`,
		options: OUTPUT_OPTIONS,
		needs: 1,
		run: (ctx, { positionals, format }) =>
			withStore(ctx, async store => {
				const f = await requireField(store, positionals[0]);
				const uses = (await store.get<{ n: number }>('SELECT count(DISTINCT object_kind || object_id) AS n FROM custom_field_value WHERE field_id = ?', [f.id]))!.n;
				ctx.stdout.write(renderRecord({ ...Object.fromEntries(columns.map(c => [c.key, c.value(f)])), objects: uses }, format));
				return 0;
			}),
	},
	edit: {
		summary: 'rename a field or change its allowed values, multiplicity or description',
		usage: `NAME [--name NEW] [--allowed A|B|C | --any] [--multi | --single] [--description TEXT]`,
		options: { name: { type: 'string' }, allowed: { type: 'string' }, any: { type: 'boolean' }, multi: { type: 'boolean' }, single: { type: 'boolean' }, description: { type: 'string' } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await editField(store, positionals[0], {
					name: str(values.name),
					allowedValues: values.any ? null : list(values.allowed),
					multiValued: values.multi ? true : values.single ? false : undefined,
					description: str(values.description),
				});
				ctx.stdout.write(`updated custom field ${row.name}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete a user-defined field and all its values',
		usage: 'NAME',
		needs: 1,
		run: (ctx, { positionals }) =>
			withStore(ctx, async store => {
				const row = await deleteField(store, positionals[0]);
				ctx.stdout.write(`deleted custom field ${row.name}\n`);
				return 0;
			}),
	},
	set: {
		summary: 'set a field on an object (multi-valued fields add; --replace replaces)',
		usage: `KIND REF FIELD VALUE… [--replace]\n\n${OBJECT_HELP}\n${SPACE_HELP}`,
		options: { replace: { type: 'boolean' }, ...SPACE_OPTION },
		needs: 4,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const [kind, ref, field, ...vals] = positionals;
				const obj = await objectId(store, await spaceId(store, str(values.space)), kind, ref);
				const now = await setFieldValue(store, obj.kind, obj.id, field, vals, { replace: !!values.replace });
				ctx.stdout.write(`${kind} ${ref}: ${field} = ${now.join(', ')}\n`);
				return 0;
			}),
	},
	unset: {
		summary: 'remove a field (or some of its values) from an object',
		usage: `KIND REF FIELD [VALUE…]\n\n${OBJECT_HELP}\n${SPACE_HELP}`,
		options: { ...SPACE_OPTION },
		needs: 3,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const [kind, ref, field, ...vals] = positionals;
				const obj = await objectId(store, await spaceId(store, str(values.space)), kind, ref);
				const n = await unsetFieldValue(store, obj.kind, obj.id, field, vals);
				ctx.stdout.write(`${kind} ${ref}: removed ${n} value${n === 1 ? '' : 's'} of ${field}\n`);
				return 0;
			}),
	},
});
