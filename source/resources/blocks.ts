// Columns of the blocks resource (CLI lists and the blocks pane).
import type { Column } from './column.js';
import { blockCidr, type BlockRow } from '../../store/blocks.js';
import { DEFAULT_THRESHOLDS, countsIn64s, formatCount, type Thresholds } from '../domain/utilization.js';
import { utilizationColumns } from './utilization.js';

export function blockColumns(t: Thresholds = DEFAULT_THRESHOLDS): Column<BlockRow>[] {
	return [
		{ key: 'block', header: 'BLOCK', width: 20, value: r => blockCidr(r), sortSql: 'family, start, prefix_len' },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name, sortSql: 'name COLLATE NOCASE' },
		{ key: 'unit', header: 'UNIT', width: 4, value: r => (countsIn64s(r.family, r.prefix_len) ? '/64' : 'addr') },
		...utilizationColumns<BlockRow>(t),
		{ key: 'allocated', header: 'ALLOCATED', width: 9, align: 'right', value: r => r.allocated, text: r => formatCount(r.allocated), sortSql: 'allocated' },
		{ key: 'rir', header: 'RIR', width: 6, value: r => r.rir, sortSql: 'rir' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
		{ key: 'id', header: 'ID', width: 5, align: 'right', value: r => r.id, sortSql: 'id' },
		{ key: 'parent_id', header: 'PARENT', width: 6, align: 'right', value: r => r.parent_id },
	];
}
