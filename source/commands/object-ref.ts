// Turns what a user types (a CIDR, a start-end range, an address) into the stored object it names.
import type { Store } from '../../store/database.js';
import { findBlock } from '../../store/blocks.js';
import { findSubnet } from '../../store/subnets.js';
import { findRanges, getRange, type RangeRow } from '../../store/ranges.js';
import { findAddresses, type AddressRow } from '../../store/addresses.js';
import { notFound } from '../../store/errors.js';
import type { ObjectKind } from '../../store/custom-fields.js';
import { formatPrefix, formatSpan, parseAddress, parsePrefix, parseSpan, type Prefix } from '../domain/ip.js';
import { CommandError, EXIT } from './exit.js';

/** A CIDR; host bits are an error unless --normalise was given. */
export function prefixArg(text: string, normalise: unknown): Prefix {
	return parsePrefix(text, { hostBits: normalise ? 'normalise' : 'reject' });
}

export async function rangeByRef(store: Store, spaceId: number, ref: string, managedBy?: string): Promise<RangeRow> {
	if (/^#?\d+$/.test(ref)) {
		const r = await getRange(store, Number(ref.replace('#', '')));
		if (!r || r.space_id !== spaceId) throw notFound(`no range with id ${ref}`);
		return r;
	}
	const span = parseSpan(ref);
	let rows = await findRanges(store, spaceId, span);
	if (managedBy) rows = rows.filter(r => r.managed_by.toLowerCase() === managedBy.toLowerCase());
	if (rows.length === 0) throw notFound(`no range ${formatSpan(span)} in this address space`);
	if (rows.length > 1) {
		throw new CommandError(
			`${rows.length} ranges are ${formatSpan(span)} (managed by ${rows.map(r => r.managed_by).join(', ')}); name one with --managed-by or by id`,
			EXIT.usage,
		);
	}
	return rows[0];
}

export async function addressByRef(store: Store, spaceId: number, ref: string, managedBy?: string): Promise<AddressRow> {
	if (/^#\d+$/.test(ref)) {
		const r = await store.get<AddressRow>('SELECT * FROM address WHERE id = ? AND space_id = ?', [Number(ref.slice(1)), spaceId]);
		if (!r) throw notFound(`no address with id ${ref.slice(1)}`);
		return r;
	}
	const a = parseAddress(ref);
	let rows = await findAddresses(store, spaceId, a);
	if (managedBy) rows = rows.filter(r => r.managed_by.toLowerCase() === managedBy.toLowerCase());
	if (rows.length === 0) throw notFound(`no address record for ${ref} in this address space (\`ipam whereis ${ref}\` shows where it lies)`);
	if (rows.length > 1) {
		throw new CommandError(`${rows.length} records for ${ref} (managed by ${rows.map(r => r.managed_by).join(', ')}); name one with --managed-by or #id`, EXIT.usage);
	}
	return rows[0];
}

/** The id of a block, subnet, range or address named by text. */
export async function objectId(store: Store, spaceId: number, kind: string, ref: string, normalise?: unknown): Promise<{ kind: ObjectKind; id: number }> {
	switch (kind) {
		case 'block': {
			const p = prefixArg(ref, normalise);
			const b = await findBlock(store, spaceId, p);
			if (!b) throw notFound(`no block ${formatPrefix(p)} in this address space`);
			return { kind, id: b.id };
		}
		case 'subnet': {
			const p = prefixArg(ref, normalise);
			const s = await findSubnet(store, spaceId, p);
			if (!s) throw notFound(`no subnet ${formatPrefix(p)} in this address space`);
			return { kind, id: s.id };
		}
		case 'range':
			return { kind, id: (await rangeByRef(store, spaceId, ref)).id };
		case 'address':
			return { kind, id: (await addressByRef(store, spaceId, ref)).id };
		default:
			throw new CommandError(`"${kind}" is not an object kind: use block, subnet, range or address`, EXIT.usage);
	}
}

/** Custom-field values and tags of an object, for `show`. */
export async function objectExtras(store: Store, kind: ObjectKind, id: number): Promise<{ fields: Record<string, string[]>; tags: string[] }> {
	const { fieldValues } = await import('../../store/custom-fields.js');
	const { tagsOf } = await import('../../store/tags.js');
	return { fields: await fieldValues(store, kind, id), tags: await tagsOf(store, kind, id) };
}

/** A column-spec row as a record (for show), plus extras. */
export function recordOf<Row>(row: Row, columns: { key: string; value(r: Row): unknown }[]): Record<string, unknown> {
	return Object.fromEntries(columns.map(c => [c.key, c.value(row)]));
}
