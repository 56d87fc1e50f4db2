// The ranges pane: ranges and DHCP scopes with their managing service; drills into leases (scopes) or addresses.
import type { Drill, PaneSpec, Row } from './pane-spec.js';
import { utilizationColumn, sizeColumn } from './columns.js';
import { argumentSpan, spanOverlaps, textMatches } from './conditions.js';
import { spanText } from './format.js';

function into(pane: 'leases' | 'addresses', r: Row): Drill {
	const alias = pane === 'leases' ? 'l' : 'a';
	return {
		pane,
		scope: {
			label: spanText(r.start, r.end),
			where: [{ sql: `${alias}.family = ? AND ${alias}.ip BETWEEN ? AND ?`, params: [Number(r.family), r.start as Uint8Array, r.end as Uint8Array] }],
		},
	};
}

export const rangesPane: PaneSpec = {
	id: 'ranges',
	title: 'Ranges',
	aliases: ['range', 'scopes', 'scope', 'r'],
	form: 'range',
	source: {
		select: `r.id, r.space_id, r.family, r.start, r.end, r.subnet_id, r.name, r.description, r.managed_by, r.managed_by_entity,
			r.assignment_type, r.server_id, r.scope_key, r.size, r.used, r.reported_used, s.name AS server`,
		from: 'range r LEFT JOIN server s ON s.id = r.server_id',
		key: ['r.id'],
	},
	defaultSort: { column: 'range', descending: false },
	columns: [
		{ key: 'range', header: 'RANGE', width: 31, value: r => spanText(r.start, r.end), sortSql: 'r.space_id', sortKeys: ['r.space_id', 'r.family', 'r.start', 'r.end'] },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name as string, sortSql: 'r.name' },
		{ key: 'managed_by', header: 'MANAGED BY', width: 10, value: r => r.managed_by as string, sortSql: 'r.managed_by' },
		{ key: 'server', header: 'SERVER', width: 12, value: r => (r.server as string | null) ?? (r.managed_by_entity as string), sortSql: "coalesce(s.name, r.managed_by_entity, '')" },
		{ key: 'type', header: 'TYPE', width: 8, value: r => r.assignment_type as string, sortSql: 'r.assignment_type' },
		utilizationColumn('r'),
		sizeColumn('r', 9),
	],
	filter(term) {
		if (term.kind === 'span') return [spanOverlaps('r.family', 'r.start', 'r.end', term.span)];
		if (term.kind === 'text') return [textMatches(['r.name', 'r.description', 'r.managed_by', "coalesce(s.name, '')"], term.text)];
		return null;
	},
	argument(arg) {
		const span = argumentSpan(arg);
		return span ? { label: arg, where: [spanOverlaps('r.family', 'r.start', 'r.end', span)] } : null;
	},
	drill: r => into(r.server_id != null ? 'leases' : 'addresses', r),
	describe: r => ({ kind: 'range', id: Number(r.id), row: r }),
	copyValue: r => spanText(r.start, r.end),
	keys: [
		{ key: 'l', label: 'leases in this range', run: ctx => (ctx.row ? ctx.open(into('leases', ctx.row)) : undefined) },
		{ key: 'a', label: 'addresses in this range', run: ctx => (ctx.row ? ctx.open(into('addresses', ctx.row)) : undefined) },
	],
};
