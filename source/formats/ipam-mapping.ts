// Turns one CSV record into a validated import row through a resolved header, reporting the first bad cell by its column.
import type { CsvRecord } from './csv.js';
import { unguardCell } from './csv.js';
import type { Address, Span } from '../domain/ip.js';
import type { BlockImport, CellProblem, Field, ImportRow, ObjectKind, ResolvedHeader, SubnetImport } from './ipam-rows.js';
import {
	CellError,
	addressAssignment,
	addressCell,
	addressStatus,
	checkInNetwork,
	prefixBoundNote,
	clientIdCell,
	customValues,
	dateCell,
	integerCell,
	macCell,
	managedByService,
	prefixCell,
	rangeAssignment,
	tagList,
	addressKey,
	vlanCell,
} from './ipam-values.js';

export interface MappingOptions {
	/** Space for rows without an address-space column (default: the store's default space). */
	space?: string;
	/** Inventory mode: the owner every row must have (and gets when the file has no such column). */
	managedBy?: string;
	serviceInstance?: string;
}

const TEXT_FIELDS = new Set<Field>(['name', 'description', 'rir', 'hostname', 'owner', 'assetTag', 'serialNumber', 'deviceType']);

export class RowMapper {
	readonly kind: ObjectKind;
	private readonly index: Map<Field, number>;
	private fields: string[] = [];
	private adjusted: Record<string, string> | null = null;
	private current: Field | 'custom' = 'ip';

	constructor(
		private readonly header: ResolvedHeader,
		private readonly options: MappingOptions = {},
	) {
		this.kind = header.kind;
		this.index = header.fields;
	}

	has(field: Field): boolean {
		return this.index.has(field);
	}

	/** The raw text of a field's cell; undefined when the file has no such column. */
	private raw(field: Field): string | undefined {
		if (this.adjusted) return this.adjusted[field];
		const i = this.index.get(field);
		if (i === undefined) return undefined;
		const v = this.fields[i] ?? '';
		const t = this.header.dialect.translate?.(this.kind, field, v);
		return t ?? v;
	}

	column(field: Field): string {
		const i = this.index.get(field);
		return i === undefined ? field : this.header.header[i];
	}

	map(record: CsvRecord): ImportRow | CellProblem | { skipped: CellProblem } {
		this.fields = record.fields;
		this.adjusted = null;
		const skipped = this.header.dialect.skip?.(this.kind, f => this.raw(f));
		if (skipped) return { skipped };
		if (this.header.dialect.adjust) {
			const cells: Record<string, string> = {};
			for (const f of this.index.keys()) cells[f] = this.raw(f)!;
			this.header.dialect.adjust(this.kind, cells);
			this.adjusted = cells;
		}
		this.current = 'ip';
		let customColumn = '';
		try {
			const row = this.build(record.line);
			if (this.header.custom.length > 0) {
				this.current = 'custom';
				for (const { field: def, index } of this.header.custom) {
					customColumn = this.header.header[index];
					const v = record.fields[index] ?? '';
					if (v === '' || v.trim() === this.header.dialect.blank) continue;
					row.custom ??= new Map();
					row.custom.set(def.name, customValues(def, unguardCell(v)));
				}
			}
			return row;
		} catch (err) {
			if (err instanceof CellError) {
				return { column: this.current === 'custom' ? customColumn : this.column(this.current), reason: err.message };
			}
			throw err;
		}
	}

	// Each read remembers its field, so a CellError thrown while parsing it is reported against that column.
	private cell(f: Field): string | undefined {
		this.current = f;
		const v = this.raw(f);
		return v === undefined ? undefined : TEXT_FIELDS.has(f) ? unguardCell(v) : v;
	}

	private opt<T>(f: Field, parse: (v: string) => T): T | undefined {
		const v = this.cell(f);
		return v === undefined || v === '' ? undefined : parse(v);
	}

	private nullable<T>(f: Field, parse: (v: string) => T): T | null | undefined {
		const v = this.cell(f);
		return v === undefined ? undefined : v === '' ? null : parse(v);
	}

	private required(f: Field): string {
		const v = this.cell(f);
		if (v === undefined || v === '') throw new CellError('is empty; a value is required');
		return v;
	}

	private build(line: number): ImportRow {
		const space = this.opt('space', text) ?? this.options.space;
		const tags = this.opt('tags', tagList);
		switch (this.kind) {
			case 'block': {
				const prefix = prefixCell(this.required('prefix'));
				// Microsoft's own block example gives an end that is not its /14's; keep the row, say so.
				const notes: CellProblem[] = [];
				for (const which of ['start', 'end'] as const) {
					const a = this.opt(which, addressOnly);
					const note = a && prefixBoundNote(prefix, which, a);
					if (note) notes.push({ column: this.column(which), reason: note });
				}
				const row: BlockImport = { kind: 'block', line, space, tags, prefix, name: this.cell('name'), description: this.cell('description'), rir: this.cell('rir') };
				if (notes.length > 0) row.notes = notes;
				return row;
			}
			case 'subnet': {
				const mask = this.has('mask') ? this.cell('mask') : undefined;
				const prefix = prefixCell(this.required('prefix'), mask);
				const row: SubnetImport = { kind: 'subnet', line, space, tags, prefix, name: this.cell('name'), description: this.cell('description'), vlan: this.nullable('vlan', vlanCell) };
				const container = this.containerCell();
				if (container) row.container = container;
				const master = this.opt('master', prefixOnly);
				if (master) row.master = master;
				return row;
			}
			case 'range': {
				const start = addressCell(this.required('start'), true);
				const end = addressCell(this.required('end'), true);
				const span = rangeSpan(start, end);
				const network = this.opt('network', prefixOnly);
				// The network column was read last, so the error is reported against it.
				if (network && !checkInNetwork(network, span)) throw new CellError('the range does not lie inside this network');
				return {
					kind: 'range',
					line,
					space,
					tags,
					span,
					name: this.cell('name'),
					description: this.cell('description'),
					managedBy: this.owner('managedBy', 'IPAM'),
					managedByEntity: this.owner('serviceInstance', ''),
					assignmentType: this.opt('assignmentType', rangeAssignment),
				};
			}
			case 'address': {
				const ip = addressCell(this.required('ip'), true);
				return {
					kind: 'address',
					line,
					space,
					tags,
					ip,
					key: addressKey(ip),
					managedBy: this.owner('managedBy', 'IPAM'),
					managedByEntity: this.owner('serviceInstance', ''),
					hostname: this.cell('hostname'),
					description: this.cell('description'),
					mac: this.nullable('mac', macCell),
					clientId: this.nullable('clientId', clientIdCell),
					duid: this.nullable('duid', clientIdCell),
					iaid: this.nullable('iaid', iaidCell),
					assignmentType: this.opt('assignmentType', addressAssignment),
					status: this.opt('status', addressStatus),
					deviceType: this.cell('deviceType'),
					owner: this.cell('owner'),
					assetTag: this.cell('assetTag'),
					serialNumber: this.cell('serialNumber'),
					assignedAt: this.nullable('assignedAt', dateCell),
					expiresAt: this.nullable('expiresAt', dateCell),
				};
			}
		}
	}

	/** Why the exporting tool holds this prefix to be a container (NetBox: its status, or the child count of its export). */
	private containerCell(): string | undefined {
		if (this.opt('status', text)?.trim().toLowerCase() === 'container') return 'its status is Container';
		const children = this.opt('children', childCount);
		return children ? `the export counts ${children} prefix${children === 1 ? '' : 'es'} inside it` : undefined;
	}

	/** Managed-by service / service instance: the cell, else the inventory option, else the default; inventory rows must match. */
	private owner(f: 'managedBy' | 'serviceInstance', fallback: string): string {
		const forced = f === 'managedBy' ? this.options.managedBy : this.options.serviceInstance;
		const v = this.cell(f);
		const given = v === undefined || v === '' ? undefined : f === 'managedBy' ? managedByService(v) : v.trim();
		const wanted = forced === undefined ? undefined : f === 'managedBy' ? managedByService(forced) : forced;
		if (given !== undefined && wanted !== undefined && given.toLowerCase() !== wanted.toLowerCase()) {
			throw new CellError(`"${given}" differs from the inventory's ${f === 'managedBy' ? '--managed-by' : '--service-instance'} "${wanted}"`);
		}
		return given ?? wanted ?? fallback;
	}
}

const text = (v: string) => v;
const addressOnly = (v: string) => addressCell(v);
const prefixOnly = (v: string) => prefixCell(v);
const iaidCell = (v: string) => integerCell(v, 0, 0xffffffff);
const childCount = (v: string) => integerCell(v, 0, Number.MAX_SAFE_INTEGER);

function rangeSpan(start: Address, end: Address): Span {
	if (start.family !== end.family) throw new CellError(`the range mixes IPv${start.family} and IPv${end.family}`);
	if (start.value > end.value) throw new CellError('the end address is before the start address (reversed range)');
	return { family: start.family, start: start.value, end: end.value };
}
