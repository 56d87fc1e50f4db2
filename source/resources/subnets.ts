// Columns of the subnets resource (CLI lists and the subnets pane).
import type { Column } from './column.js';
import { subnetCidr, type SubnetRow } from '../../store/subnets.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../domain/utilization.js';
import { utilizationColumns } from './utilization.js';

export function subnetColumns(t: Thresholds = DEFAULT_THRESHOLDS): Column<SubnetRow>[] {
	return [
		{ key: 'subnet', header: 'SUBNET', width: 20, value: r => subnetCidr(r), sortSql: 'family, start, prefix_len' },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name, sortSql: 'name COLLATE NOCASE' },
		{ key: 'vlan', header: 'VLAN', width: 4, align: 'right', value: r => r.vlan, sortSql: 'vlan' },
		...utilizationColumns<SubnetRow>(t),
		{ key: 'discovered', header: 'DISC', width: 4, value: r => !!r.discovered, text: r => (r.discovered ? 'yes' : ''), sortSql: 'discovered' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description },
		{ key: 'id', header: 'ID', width: 5, align: 'right', value: r => r.id, sortSql: 'id' },
		{ key: 'block_id', header: 'BLOCK', width: 5, align: 'right', value: r => r.block_id },
	];
}
