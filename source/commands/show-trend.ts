// `block|subnet|range show` output with its utilization trend: the points under --json/--csv, a sparkline and the latest figures as text.
import type { Store } from '../../store/database.js';
import { thresholds, utilizationTrend } from '../../store/utilization.js';
import { sanitize } from '../domain/sanitize.js';
import { trendColumns, trendSummary } from '../resources/utilization.js';
import { recordOf } from './object-ref.js';
import { renderRecord, renderRows, type OutputFormat } from './output.js';

/** Text output lists this many of the latest figures; --json and --csv carry every kept point. */
const TEXT_POINTS = 12;

export async function renderWithTrend(store: Store, kind: 'block' | 'subnet' | 'range', id: number, record: Record<string, unknown>, format: OutputFormat): Promise<string> {
	const points = await utilizationTrend(store, kind, id);
	const columns = trendColumns(await thresholds(store));
	if (format !== 'table') return renderRecord({ ...record, trend: points.map(p => recordOf(p, columns)) }, format);
	const latest = points.slice(-TEXT_POINTS);
	const table = renderRows(latest, columns, 'table')
		.trimEnd()
		.split('\n')
		.map(l => `  ${l}`)
		.join('\n');
	const more = points.length > latest.length ? `\n  (${points.length - latest.length} earlier figures: --json lists them all)` : '';
	return `${renderRecord(record, 'table')}\nutilization trend  ${sanitize(trendSummary(points))}\n${table}${more}\n`;
}
