// The size / used / utilization / state columns every utilization-bearing resource shares, and its trend's columns and one-line summary.
import type { Column } from './column.js';
import { formatCount, formatPercent, percent, utilizationState, type Thresholds } from '../domain/utilization.js';
import { sparkline } from '../domain/sparkline.js';
import { formatTime } from '../domain/time.js';
import type { TrendPoint } from '../../store/utilization.js';

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

/** The points of a utilization trend (`ipam block|subnet|range show`): when each figure began, and the figure. */
export function trendColumns(t: Thresholds): Column<TrendPoint>[] {
	return [
		{ key: 'since', header: 'SINCE', width: 19, value: p => new Date(p.ts * 1000).toISOString(), text: p => formatTime(p.ts) },
		...utilizationColumns<TrendPoint>(t),
	];
}

/** One line for a trend: the sparkline, first and last figures and since when ("▁▂▅█  1.2% → 96.1%  since …"). */
export function trendSummary(points: TrendPoint[], now = Date.now() / 1000, width = TREND_WIDTH): string {
	if (points.length === 0) return 'no figures';
	const first = points[0];
	const last = points[points.length - 1];
	const change = points.length > 1 ? `${formatPercent(first.used, first.size)} → ${formatPercent(last.used, last.size)}` : formatPercent(last.used, last.size);
	return `${sparkline(points, width, now)}  ${change}  since ${formatTime(first.ts)} (${points.length} figure${points.length === 1 ? '' : 's'})`;
}

const TREND_WIDTH = 32;
