// The dialect-neutral rows an address-space import produces, the dialect contract, and header resolution.
import type { Address, Prefix } from '../domain/ip.js';
import type { AddressFields } from '../../store/addresses.js';
import type { RangeInput } from '../../store/ranges.js';
import { headerKey } from './csv.js';

export type ObjectKind = 'block' | 'subnet' | 'range' | 'address';
export const OBJECT_KINDS: ObjectKind[] = ['block', 'subnet', 'range', 'address'];

// The store's vocabularies, so an import row is exactly what the store's writers take.
export type { RangeAssignment } from '../../store/ranges.js';
export type { AddressAssignment, AddressStatus } from '../../store/addresses.js';

/** What every imported row carries. Optional fields are undefined when the file has no such column. */
export interface RowBase {
	line: number;
	/** Address space name (VRF); undefined = the import's default space. */
	space?: string;
	/** Custom field name (canonical spelling) → values. */
	custom?: Map<string, string[]>;
	tags?: string[];
	/** Accepted with a remark (e.g. a block's end column that disagrees with its prefix). */
	notes?: CellProblem[];
}

export interface BlockImport extends RowBase {
	kind: 'block';
	prefix: Prefix;
	name?: string;
	description?: string;
	rir?: string;
	/** Why a row of a prefix file became a block (NetBox/phpIPAM: it holds other prefixes); shown in the dry run. */
	container?: string;
}

export interface SubnetImport extends RowBase {
	kind: 'subnet';
	prefix: Prefix;
	name?: string;
	description?: string;
	vlan?: number | null;
	/** The exporting tool says this prefix holds others (NetBox Status "Container", or its child count). */
	container?: string;
	/** The prefix this row names as its parent (phpIPAM's "Master Subnet"). */
	master?: Prefix;
}

/** A range row: the store's range fields (its writer's input) without the space id, which the import resolves by name. */
export interface RangeImport extends RowBase, Pick<RangeInput, 'span' | 'name' | 'description' | 'managedBy' | 'managedByEntity' | 'assignmentType'> {
	kind: 'range';
}

/** An address row: the store's editable address fields plus the identity the import resolves. */
export interface AddressImport extends RowBase, AddressFields {
	kind: 'address';
	ip: Address;
	/** The store key of `ip` as hex (computed once: identity lookups and writes both use it). */
	key: string;
	/** Part of the identity, so always set (defaults IPAM / ''). */
	managedBy: string;
	managedByEntity: string;
	iaid?: number | null;
}

export type ImportRow = BlockImport | SubnetImport | RangeImport | AddressImport;

/** Neutral field names a dialect maps its columns onto. */
export type Field =
	| 'prefix'
	| 'mask'
	| 'network'
	| 'start'
	| 'end'
	| 'ip'
	| 'name'
	| 'description'
	| 'rir'
	| 'vlan'
	| 'managedBy'
	| 'serviceInstance'
	| 'assignmentType'
	| 'status'
	| 'deviceType'
	| 'mac'
	| 'clientId'
	| 'duid'
	| 'iaid'
	| 'hostname'
	| 'owner'
	| 'assetTag'
	| 'serialNumber'
	| 'assignedAt'
	| 'expiresAt'
	| 'space'
	| 'tags'
	| 'children'
	| 'master';

export interface KindSpec {
	/** Neutral field → the header spellings that mean it (compared by headerKey). */
	fields: Partial<Record<Field, string[]>>;
	/** The row is usable when every field of at least one of these sets has a column. */
	required: Field[][];
	/** Columns the other tool writes that we accept and do not keep (utilization, tenant …). */
	ignored: string[];
}

/** A bad cell: which column (as written in the file's header) and why. */
export interface CellProblem {
	column: string;
	reason: string;
}

/** The cells of one record by neutral field, with the header text of each for messages. */
export interface Cells {
	get(field: Field): string | undefined;
	column(field: Field): string;
}

export interface Dialect {
	name: DialectName;
	title: string;
	kinds: Partial<Record<ObjectKind, KindSpec>>;
	/** What the exporting tool writes in an empty cell (NetBox: an em dash), custom-field columns included. */
	blank?: string;
	/** Prefix a custom-field column may carry (NetBox: "cf_"). */
	customPrefix?: string;
	/** Dialect vocabulary → neutral vocabulary for one cell (NetBox status "dhcp" …); undefined = keep. */
	translate?(kind: ObjectKind, field: Field, value: string): string | undefined;
	/** Cross-field adjustments after translation (e.g. a phpIPAM "DHCP" tag also sets the assignment type). */
	adjust?(kind: ObjectKind, cells: Record<string, string>): void;
	/**
	 * The dialect's prefix files nest (NetBox prefixes, phpIPAM subnets): rows holding other prefixes
	 * are imported as blocks, the innermost as subnets.
	 */
	nests?: boolean;
	/** Why a row of the export is not an object at all (a phpIPAM folder), to be passed over with a remark; undefined = a row. */
	skip?(kind: ObjectKind, cell: (field: Field) => string | undefined): CellProblem | undefined;
}

export type DialectName = 'ms-ipam' | 'netbox' | 'phpipam' | 'csv';

export interface CustomFieldDef {
	id: number;
	name: string;
	multi: boolean;
	allowed: string[] | null;
	appliesTo: string[];
}

/** How a file's header maps onto a dialect's fields and the store's custom fields. */
export interface ResolvedHeader {
	dialect: Dialect;
	kind: ObjectKind;
	/** Column index per neutral field. */
	fields: Map<Field, number>;
	custom: { field: CustomFieldDef; index: number }[];
	ignored: string[];
	header: string[];
	/** How many columns matched something (ranks candidates in --format auto). */
	matched: number;
}

export interface HeaderError {
	column: string | null;
	reason: string;
	/** Columns the candidate did recognise (the closest candidate's error is the one reported). */
	matched?: number;
}

/** Maps a header row for one dialect and kind; every column must be a field, a custom field or a known ignorable one. */
export function resolveHeader(
	header: string[],
	dialect: Dialect,
	kind: ObjectKind,
	customFields: CustomFieldDef[],
): ResolvedHeader | HeaderError {
	const spec = dialect.kinds[kind];
	if (!spec) return { column: null, reason: `the ${dialect.title} format has no ${kind} files` };
	const byKey = new Map<string, Field>();
	for (const [field, names] of Object.entries(spec.fields) as [Field, string[]][]) {
		for (const n of names) byKey.set(headerKey(n), field);
	}
	const ignorable = new Set(spec.ignored.map(headerKey));
	const customByKey = new Map(customFields.map(f => [headerKey(f.name), f]));
	const fields = new Map<Field, number>();
	const custom: ResolvedHeader['custom'] = [];
	const ignored: string[] = [];
	let unknown: HeaderError | undefined;
	for (let i = 0; i < header.length; i++) {
		const text = header[i];
		let key = headerKey(text);
		// Empty header cells (a spreadsheet's stray trailing column) carry nothing.
		if (key === '') continue;
		const field = byKey.get(key);
		if (field) {
			if (fields.has(field)) return { column: text, reason: `the column appears twice (also "${header[fields.get(field)!]}")` };
			fields.set(field, i);
			continue;
		}
		if (dialect.customPrefix && key.startsWith(headerKey(dialect.customPrefix))) key = key.slice(headerKey(dialect.customPrefix).length);
		const cf = customByKey.get(key);
		if (cf) {
			if (!cf.appliesTo.includes(kind)) unknown ??= { column: text, reason: `custom field "${cf.name}" does not apply to ${kind}s` };
			else custom.push({ field: cf, index: i });
			continue;
		}
		if (ignorable.has(key)) {
			ignored.push(text);
			continue;
		}
		unknown ??= {
			column: text,
			reason: `not a ${dialect.title} ${kind} column nor a custom field (define it with \`ipam field add\`, or remove the column)`,
		};
	}
	if (unknown) return { ...unknown, matched: fields.size + custom.length + ignored.length };
	if (!spec.required.some(set => set.every(f => fields.has(f)))) {
		const wanted = spec.required.map(set => set.map(f => `"${spec.fields[f]?.[0] ?? f}"`).join(' + ')).join(' or ');
		return { column: null, reason: `a ${dialect.title} ${kind} file needs the column(s) ${wanted}`, matched: fields.size + custom.length + ignored.length };
	}
	return { dialect, kind, fields, custom, ignored, header, matched: fields.size + custom.length + ignored.length };
}

export function isHeaderError(r: ResolvedHeader | HeaderError): r is HeaderError {
	return (r as HeaderError).reason !== undefined;
}
