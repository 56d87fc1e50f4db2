// The size / used / utilization / state columns every utilization-bearing resource shares.
import type { Column } from './column.js';
import { formatCount, formatPercent, percent, utilizationState, type Thresholds } from '../domain/utilization.js';

export function utilizationColumns<Row extends { size: number; used: number }>(t: Thresholds): Column<Row>[] {
	return [
		{ key: 'size', header: 'SIZE', width: 8, align: 'right', value: r => r.size, text: r => formatCount(r.size), sortSql: 'size' },
		{ key: 'used', header: 'USED', width: 8, align: 'right', value: r => r.used, text: r => formatCount(r.used), sortSql: 'used' },
		{
			key: 'utilization',
			header: 'UTIL',
			width: 6,
			align: 'right',
			value: r => Number(percent(r.used, r.size).toFixed(3)),
			text: r => formatPercent(r.used, r.size),
			sortSql: '(used / nullif(size, 0))',
		},
		{ key: 'state', header: 'STATE', width: 7, value: r => utilizationState(r.used, r.size, t) },
	];
}
