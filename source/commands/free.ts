// `ipam free TARGET`: free space — the gaps of a block, free subnets of a length, the next free
// addresses, or a free run of N addresses.
import { intOption, limitOf, plainCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { renderRows } from './output.js';
import { CommandError, EXIT } from './exit.js';
import type { Column } from '../resources/column.js';
import type { Store } from '../../store/database.js';
import { spaceId } from '../../store/address-spaces.js';
import { findBlock } from '../../store/blocks.js';
import { freePrefixesInBlock, freeRunIn, gapSpan, gapsOfSpan, listGaps, nextFreeAddresses } from '../../store/free-space.js';
import { bitsOf, formatPrefix, formatValue, parseAddress, parsePrefix, parseSpan, prefixSpan, spanSize, type Prefix, type Span } from '../domain/ip.js';
import { freePrefixes, gapPrefixes, hostSpan } from '../domain/free-space.js';
import { formatCount } from '../domain/utilization.js';

interface FreeRow {
	free: string;
	first: string;
	last: string;
	size: number;
}

const columns: Column<FreeRow>[] = [
	{ key: 'free', header: 'FREE', width: 20, value: r => r.free },
	{ key: 'first', header: 'FIRST', width: 15, value: r => r.first },
	{ key: 'last', header: 'LAST', width: 15, value: r => r.last },
	{ key: 'size', header: 'SIZE', width: 8, align: 'right', value: r => r.size, text: r => formatCount(r.size) },
];

function prefixRow(p: Prefix): FreeRow {
	const s = prefixSpan(p);
	return { free: formatPrefix(p), first: formatValue(s.family, s.start), last: formatValue(s.family, s.end), size: Number(spanSize(s)) };
}

function spanRow(s: Span): FreeRow {
	const first = formatValue(s.family, s.start);
	return { free: s.start === s.end ? first : `${first}-${formatValue(s.family, s.end)}`, first, last: formatValue(s.family, s.end), size: Number(spanSize(s)) };
}

const usage = `TARGET [--prefix-len L [--count N] | --size N | --count N | --gaps] [--minimal]

TARGET is a CIDR (a block, a subnet, or any prefix) or a START-END range.

  --prefix-len L  free subnets of length L inside TARGET (a stored block answers from its free-gap
                  index, tightest gap first, so large gaps stay whole)
  --size N        the first run of N consecutive free addresses
  --count N       how many addresses or subnets to show (default 1; gaps: a page of --limit)
  --gaps          the free gaps as prefixes (the default for a stored block)
  --minimal       show IPv6 gaps as the shortest CIDR cover instead of nibble-aligned prefixes
  --limit N       gaps per page (default 100); --after ADDRESS continues after a gap start
${SPACE_HELP}
${OUTPUT_HELP}

Without an option, a stored block shows its gaps; anything else shows its next free address
(IPv4 subnets skip the network and broadcast addresses). Exit code 4 when nothing free matches.`;

async function target(store: Store, space: number, text: string): Promise<{ span: Span; prefix?: Prefix; blockId?: number; isRange: boolean }> {
	if (text.includes('/')) {
		const prefix = parsePrefix(text);
		const block = await findBlock(store, space, prefix);
		return { span: prefixSpan(prefix), prefix, blockId: block?.id, isRange: false };
	}
	return { span: parseSpan(text), isRange: true };
}

export const freeCommand = plainCommand('free', 'free space: gaps, free subnets of a length, next free addresses', {
	summary: 'free space',
	usage,
	options: {
		'prefix-len': { type: 'string' },
		size: { type: 'string' },
		count: { type: 'string' },
		gaps: { type: 'boolean' },
		minimal: { type: 'boolean' },
		limit: { type: 'string' },
		after: { type: 'string' },
		...SPACE_OPTION,
		...OUTPUT_OPTIONS,
	},
	needs: 1,
	run: (ctx, { values, positionals, format }) =>
		withStore(ctx, async store => {
			const space = await spaceId(store, str(values.space));
			const t = await target(store, space, positionals.join(' '));
			const bits = bitsOf(t.span.family);
			const count = intOption(values.count, '--count', 1, 100_000);
			let rows: FreeRow[];
			if (values['prefix-len'] !== undefined) {
				const len = intOption(values['prefix-len'], '--prefix-len', 0, bits)!;
				if (t.prefix && len < t.prefix.length) throw new CommandError(`a /${len} does not fit inside ${formatPrefix(t.prefix)}`, EXIT.invalid);
				const n = count ?? 1;
				const found = t.blockId
					? await freePrefixesInBlock(store, t.blockId, len, n)
					: freePrefixes(await gapsOfSpan(store, space, t.span), len, n);
				rows = found.map(prefixRow);
			} else if (values.size !== undefined) {
				const size = BigInt(intOption(values.size, '--size')!);
				const run = await freeRunIn(store, space, usable(t), size);
				rows = run ? [spanRow(run)] : [];
			} else if (values.gaps || (t.blockId && count === undefined)) {
				const limit = limitOf(values);
				const after = str(values.after) ? parseAddress(str(values.after)!).value : undefined;
				const gaps = t.blockId
					? (await listGaps(store, t.blockId, { after, limit })).map(gapSpan)
					: (await gapsOfSpan(store, space, t.span)).filter(g => after === undefined || g.start > after).slice(0, limit);
				rows = gaps.flatMap(g => gapPrefixes(g, !!values.minimal).map(prefixRow));
			} else {
				const found = await nextFreeAddresses(store, space, usable(t), count ?? 1);
				rows = found.map(v => spanRow({ family: t.span.family, start: v, end: v }));
			}
			ctx.stdout.write(renderRows(rows, columns, format));
			return rows.length ? 0 : EXIT.notFound;
		}),
});

/** The allocatable addresses: a subnet or prefix without its network/broadcast (IPv4), a range whole. */
function usable(t: { span: Span; prefix?: Prefix; isRange: boolean }): Span {
	if (t.isRange || !t.prefix) return t.span;
	return hostSpan(t.prefix) ?? t.span;
}

