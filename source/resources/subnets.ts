// Columns of the subnets resource (CLI lists and the subnets pane).
import type { Column } from './column.js';
import { subnetCidr, type SubnetRow } from '../../store/subnets.js';
import { DEFAULT_THRESHOLDS, formatCount, formatPercent, percent, utilizationState, type Thresholds } from '../domain/utilization.js';

export function subnetColumns(t: Thresholds = DEFAULT_THRESHOLDS): Column<SubnetRow>[] {
	return [
		{ key: 'subnet', header: 'SUBNET', width: 20, value: r => subnetCidr(r), sortSql: 'family, start, prefix_len' },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name, sortSql: 'name COLLATE NOCASE' },
		{ key: 'vlan', header: 'VLAN', width: 4, align: 'right', value: r => r.vlan, sortSql: 'vlan' },
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
		{ key: 'discovered', header: 'DISC', width: 4, value: r => !!r.discovered, text: r => (r.discovered ? 'yes' : ''), sortSql: 'discovered' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
		{ key: 'id', header: 'ID', width: 5, align: 'right', value: r => r.id, sortSql: 'id' },
		{ key: 'block_id', header: 'BLOCK', width: 5, align: 'right', value: r => r.block_id },
	];
}
