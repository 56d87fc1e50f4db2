// Columns of the ranges resource (CLI lists and the ranges pane).
import type { Column } from './column.js';
import { rangeSpan, type RangeRow } from '../../store/ranges.js';
import { formatValue } from '../domain/ip.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../domain/utilization.js';
import { utilizationColumns } from './utilization.js';

export function rangeColumns(t: Thresholds = DEFAULT_THRESHOLDS): Column<RangeRow>[] {
	return [
		{ key: 'start', header: 'START', width: 15, value: r => formatValue(r.family, rangeSpan(r).start), sortSql: 'family, start, id' },
		{ key: 'end', header: 'END', width: 15, value: r => formatValue(r.family, rangeSpan(r).end), sortSql: 'family, end, id' },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name, sortSql: 'name COLLATE NOCASE' },
		{ key: 'assignment', header: 'TYPE', width: 8, value: r => r.assignment_type, sortSql: 'assignment_type' },
		{ key: 'managed_by', header: 'MANAGED BY', width: 10, value: r => r.managed_by, sortSql: 'managed_by' },
		{ key: 'managed_by_entity', header: 'ENTITY', width: 10, value: r => r.managed_by_entity, sortSql: 'managed_by_entity' },
		...utilizationColumns<RangeRow>(t),
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
		{ key: 'id', header: 'ID', width: 5, align: 'right', value: r => r.id, sortSql: 'id' },
		{ key: 'subnet_id', header: 'SUBNET', width: 6, align: 'right', value: r => r.subnet_id },
	];
}
