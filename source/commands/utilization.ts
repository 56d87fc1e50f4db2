// `ipam utilization [CIDR]`: utilization of blocks, subnets and ranges, read from the rolled-up rows.
import { limitOf, plainCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRows } from './output.js';
import { CommandError, EXIT } from './exit.js';
import type { Column } from '../resources/column.js';
import { spaceId } from '../../store/address-spaces.js';
import { keyValue } from '../../store/containment.js';
import { rollupUtilization, thresholds } from '../../store/utilization.js';
import { formatSpanCompact, keyBuffer, parseAddress, parsePrefix, prefixSpan, type Family } from '../domain/ip.js';
import { countsIn64s, formatCount, formatPercent, percent, utilizationState, type Thresholds } from '../domain/utilization.js';

interface UtilRow {
	kind: 'block' | 'subnet' | 'range';
	id: number;
	family: Family;
	start: Buffer;
	end: Buffer;
	prefix_len: number | null;
	name: string;
	size: number;
	used: number;
	allocated: number | null;
}

function columns(t: Thresholds): Column<UtilRow>[] {
	return [
		{ key: 'kind', header: 'KIND', width: 6, value: r => r.kind },
		{ key: 'object', header: 'OBJECT', width: 24, value: r => formatSpanCompact({ family: r.family, start: keyValue(r.start), end: keyValue(r.end) }) },
		{ key: 'name', header: 'NAME', width: 'flex', value: r => r.name },
		{ key: 'unit', header: 'UNIT', width: 4, value: r => (r.kind === 'block' && countsIn64s(r.family, r.prefix_len ?? 128) ? '/64' : 'addr') },
		{ key: 'size', header: 'SIZE', width: 8, align: 'right', value: r => r.size, text: r => formatCount(r.size) },
		{ key: 'allocated', header: 'ALLOCATED', width: 9, align: 'right', value: r => r.allocated, text: r => (r.allocated === null ? '' : formatCount(r.allocated)) },
		{ key: 'used', header: 'USED', width: 8, align: 'right', value: r => r.used, text: r => formatCount(r.used) },
		{ key: 'utilization', header: 'UTIL', width: 6, align: 'right', value: r => Number(percent(r.used, r.size).toFixed(3)), text: r => formatPercent(r.used, r.size) },
		{ key: 'state', header: 'STATE', width: 7, value: r => utilizationState(r.used, r.size, t) },
	];
}

export const utilizationCommand = plainCommand('utilization', 'utilization of blocks, subnets and ranges (over/under thresholds)', {
	summary: 'utilization',
	usage: `[CIDR] [--over | --under] [--kind block|subnet|range] [--rollup]

Reads the rolled-up figures (kept current on every change; --rollup recomputes everything first).
Blocks count addresses, or /64s for IPv6 blocks shorter than /64. Thresholds are the settings
utilization.over (default 80%) and utilization.under (default 20%).

  --over, --under   only objects above the over / below the under threshold
  --kind KIND       only blocks, subnets or ranges (default all three)
  --limit N         rows per kind (default 100); --after ADDRESS continues after that start address
${SPACE_HELP}
${OUTPUT_HELP}`,
	options: {
		over: { type: 'boolean' },
		under: { type: 'boolean' },
		kind: { type: 'string' },
		rollup: { type: 'boolean' },
		limit: { type: 'string' },
		after: { type: 'string' },
		...SPACE_OPTION,
		...OUTPUT_OPTIONS,
	},
	run: (ctx, { values, positionals, format }) =>
		withStore(ctx, async store => {
			const space = await spaceId(store, str(values.space));
			const kinds = str(values.kind) ? [str(values.kind)!] : ['block', 'subnet', 'range'];
			for (const k of kinds) if (!['block', 'subnet', 'range'].includes(k)) throw new CommandError(`--kind "${k}" is not block, subnet or range`, EXIT.usage);
			if (values.rollup) await store.transaction(tx => rollupUtilization(tx));
			const t = await thresholds(store);
			const where = ['space_id = ?'];
			const params: (number | Buffer)[] = [space];
			if (positionals[0]) {
				const s = prefixSpan(parsePrefix(positionals[0], { hostBits: 'normalise' }));
				where.push('family = ? AND start >= ? AND end <= ?');
				params.push(s.family, keyBuffer(s.family, s.start), keyBuffer(s.family, s.end));
			}
			if (str(values.after)) {
				const a = parseAddress(str(values.after)!);
				where.push('(family, start) > (?, ?)');
				params.push(a.family, keyBuffer(a.family, a.value));
			}
			if (values.over) where.push('used > size * ?'), params.push(t.over / 100);
			if (values.under) where.push('used < size * ?'), params.push(t.under / 100);
			const limit = limitOf(values);
			const rows: UtilRow[] = [];
			for (const kind of kinds) {
				const extra = kind === 'block' ? 'prefix_len, allocated' : kind === 'subnet' ? 'prefix_len, NULL AS allocated' : 'NULL AS prefix_len, NULL AS allocated';
				rows.push(
					...(await store.all<UtilRow>(
						`SELECT '${kind}' AS kind, id, family, start, end, name, size, used, ${extra} FROM ${kind} WHERE ${where.join(' AND ')} ORDER BY family, start LIMIT ?`,
						[...params, limit],
					)),
				);
			}
			ctx.stdout.write(renderRows(rows, columns(t), format));
			return 0;
		}),
});
