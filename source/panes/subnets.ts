// The subnets pane: subnets in address order with VLAN and utilization; drills into their ranges.
import type { PaneSpec } from './pane-spec.js';
import { utilizationColumn, sizeColumn } from './columns.js';
import { argumentSpan, spanOverlaps, textMatches } from './conditions.js';
import { prefixText } from './format.js';

export const subnetsPane: PaneSpec = {
	id: 'subnets',
	title: 'Subnets',
	aliases: ['subnet', 'sn'],
	form: 'subnet',
	source: {
		select: 's.id, s.space_id, s.family, s.start, s.end, s.prefix_len, s.block_id, s.name, s.description, s.vlan, s.size, s.used',
		from: 'subnet s',
		key: ['s.id'],
	},
	defaultSort: { column: 'prefix', descending: false },
	columns: [
		{ key: 'prefix', header: 'PREFIX', width: 24, value: r => prefixText(r.start, r.prefix_len), sortSql: 's.space_id', sortKeys: ['s.space_id', 's.family', 's.start', 's.prefix_len'] },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name as string, sortSql: 's.name' },
		{ key: 'vlan', header: 'VLAN', width: 5, align: 'right', value: r => (r.vlan as number | null) ?? null, sortSql: 'coalesce(s.vlan, -1)' },
		utilizationColumn('s'),
		sizeColumn('s', 10),
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description as string, sortSql: 's.description' },
	],
	filter(term) {
		if (term.kind === 'span') return [spanOverlaps('s.family', 's.start', 's.end', term.span)];
		if (term.kind === 'text') return [textMatches(['s.name', 's.description', "coalesce(s.vlan, '')"], term.text)];
		return null;
	},
	argument(arg) {
		const span = argumentSpan(arg);
		return span ? { label: arg, where: [spanOverlaps('s.family', 's.start', 's.end', span)] } : null;
	},
	drill: r => ({
		pane: 'ranges',
		scope: { label: prefixText(r.start, r.prefix_len), where: [{ sql: 'r.family = ? AND r.start >= ? AND r.end <= ?', params: [Number(r.family), r.start as Uint8Array, r.end as Uint8Array] }] },
	}),
	describe: r => ({ kind: 'subnet', id: Number(r.id), row: r }),
	copyValue: r => prefixText(r.start, r.prefix_len),
};
