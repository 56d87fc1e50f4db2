// `ipam conflicts`: overlapping subnets and ranges, duplicate addresses, addresses outside every range.
import { intOption, plainCommand, OUTPUT_HELP, OUTPUT_OPTIONS } from './noun.js';
import { withStore } from './command.js';
import { renderRows } from './output.js';
import { CommandError, EXIT } from './exit.js';
import type { Column } from '../resources/column.js';
import { findConflicts, type Conflict, type ConflictKind } from '../../store/conflicts.js';

const KINDS: ConflictKind[] = ['subnet-overlap', 'range-overlap', 'duplicate-address', 'outside-range'];

const columns: Column<Conflict>[] = [
	{ key: 'kind', header: 'KIND', width: 17, value: r => r.kind },
	{ key: 'space', header: 'SPACE', width: 8, value: r => r.space },
	{ key: 'object', header: 'OBJECT', width: 20, value: r => r.object },
	{ key: 'other', header: 'WITH', width: 20, value: r => r.other },
	{ key: 'message', header: 'PROBLEM', width: 'flex', value: r => r.message },
];

export const conflictsCommand = plainCommand('conflicts', 'overlaps, duplicate addresses, addresses outside every range', {
	summary: 'conflicts',
	usage: `[--kind KIND…] [--limit N] [--check]

Lists what a careful plan would not allow: subnets or ranges overlapping in one address space
(discovered from DHCP servers, where they are accepted), one address recorded more than once, and
addresses in a subnet with ranges that lie outside all of them.

  --kind KIND   ${KINDS.join(', ')} (repeatable; default all)
  --limit N     at most N of each kind (default 1000)
  --check       exit 5 when any conflict is found
${OUTPUT_HELP}`,
	options: { kind: { type: 'string', multiple: true }, limit: { type: 'string' }, check: { type: 'boolean' }, ...OUTPUT_OPTIONS },
	run: (ctx, { values, format }) =>
		withStore(ctx, async store => {
			const kinds = (values.kind as string[] | undefined)?.map(k => {
				if (!(KINDS as string[]).includes(k)) throw new CommandError(`--kind "${k}" is not one of ${KINDS.join(', ')}`, EXIT.usage);
				return k as ConflictKind;
			});
			const rows = await findConflicts(store, { kinds, limit: intOption(values.limit, '--limit', 1, 1_000_000) ?? 1000 });
			ctx.stdout.write(renderRows(rows, columns, format));
			return values.check && rows.length ? EXIT.conflict : EXIT.ok;
		}),
});
