// The blocks pane: the block tree in address order with indentation, utilization bars, and free gaps as rows.
import type { PaneSpec, Row } from './pane-spec.js';
import { utilizationColumn, sizeColumn } from './columns.js';
import { argumentSpan, rowSpan, spanOverlaps, textMatches } from './conditions.js';
import { countText, prefixText, spanText } from './format.js';

// Sorting (family, start, rank) lists a parent before its children and a gap after its container:
// nested prefixes start at or after their parent, and a gap never starts where a child block does.
const tree = `(
	SELECT 'block' AS kind, b.id AS id, b.space_id, b.family, b.start, b.end, b.prefix_len, b.prefix_len AS rank,
		b.name, b.description, b.size, b.used, b.allocated, b.parent_id,
		(SELECT count(*) FROM block p WHERE p.space_id = b.space_id AND p.family = b.family AND p.start <= b.start AND p.end >= b.end AND p.id <> b.id) AS depth
	FROM block b
	UNION ALL
	SELECT 'gap', g.container_id, c.space_id, g.family, g.start, g.end, g.fit_len, 1000, '', '', g.size, 0, 0, g.container_id,
		1 + (SELECT count(*) FROM block p WHERE p.space_id = c.space_id AND p.family = c.family AND p.start <= c.start AND p.end >= c.end AND p.id <> c.id)
	FROM free_gap g JOIN block c ON c.id = g.container_id
	WHERE g.container_kind = 'block'
) t`;

const isGap = (r: Row) => r.kind === 'gap';

export const blocksPane: PaneSpec = {
	id: 'blocks',
	title: 'Blocks',
	aliases: ['block', 'b'],
	form: 'block',
	source: {
		select: 't.*',
		from: tree,
		key: ['t.space_id', 't.family', 't.start', 't.rank', 't.kind', 't.id'],
	},
	defaultSort: { column: 'prefix', descending: false },
	columns: [
		{
			key: 'prefix',
			header: 'PREFIX',
			width: 30,
			value: r => (isGap(r) ? spanText(r.start, r.end) : prefixText(r.start, r.prefix_len)),
			text: r => '  '.repeat(Math.min(8, Number(r.depth) || 0)) + (isGap(r) ? `· free ${spanText(r.start, r.end)}` : prefixText(r.start, r.prefix_len)),
			color: r => (isGap(r) ? 'gray' : undefined),
			sortSql: 't.space_id',
			sortKeys: ['t.space_id', 't.family', 't.start', 't.rank'],
		},
		{ key: 'name', header: 'NAME', width: 'flex', value: r => (isGap(r) ? `fits /${r.prefix_len}` : (r.name as string)), sortSql: 't.name' },
		utilizationColumn('t', isGap),
		sizeColumn('t', 12),
		{ key: 'used', header: 'USED', width: 10, align: 'right', value: r => (isGap(r) ? null : Number(r.used)), text: r => (isGap(r) ? '' : countText(r.used)), sortSql: 't.used' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description as string, sortSql: 't.description' },
	],
	filter(term) {
		if (term.kind === 'span') return [spanOverlaps('t.family', 't.start', 't.end', term.span)];
		if (term.kind === 'text') return [textMatches(['t.name', 't.description'], term.text)];
		return null;
	},
	argument(arg) {
		const span = argumentSpan(arg);
		return span ? { label: arg, where: [spanOverlaps('t.family', 't.start', 't.end', span)] } : null;
	},
	drill(r) {
		const span = rowSpan(r);
		const label = isGap(r) ? `free ${spanText(r.start, r.end)}` : prefixText(r.start, r.prefix_len);
		const [s, e] = [r.start as Uint8Array, r.end as Uint8Array];
		return {
			pane: 'subnets',
			scope: { label, where: [{ sql: 's.family = ? AND s.start >= ? AND s.end <= ?', params: [span.family, s, e] }] },
		};
	},
	describe: r => (isGap(r) ? { kind: 'gap', family: Number(r.family), start: r.start as Uint8Array, end: r.end as Uint8Array, row: r } : { kind: 'block', id: Number(r.id), row: r }),
	copyValue: r => (isGap(r) ? spanText(r.start, r.end) : prefixText(r.start, r.prefix_len)),
};
