// Columns several panes share: utilization (bar, percent, colour) and size, over a table alias's size/used.
import type { PaneColumn, Row } from './pane-spec.js';
import { countText, utilizationBar, utilizationColor } from './format.js';

export function utilizationColumn(alias: string, skip: (r: Row) => boolean = () => false): PaneColumn {
	return {
		key: 'utilization',
		header: 'UTILIZATION',
		width: 15,
		value: r => (skip(r) ? null : Number(r.size) > 0 ? Math.round((Number(r.used) / Number(r.size)) * 1000) / 10 : null),
		text: r => (skip(r) ? '' : utilizationBar(r.used, r.size)),
		color: r => (skip(r) ? undefined : utilizationColor(r.used, r.size)),
		sortSql: `CASE WHEN ${alias}.size > 0 THEN ${alias}.used / ${alias}.size ELSE 0 END`,
	};
}

export function sizeColumn(alias: string, width = 10): PaneColumn {
	return { key: 'size', header: 'SIZE', width, align: 'right', value: r => Number(r.size), text: r => countText(r.size), sortSql: `${alias}.size` };
}
