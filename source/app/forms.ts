// The TUI's write actions: which form or confirmation each key opens on each pane, validated and saved through the address-space store.
import type { Store } from '../../store/database.js';
import type { FormError, FormField } from '../components/Form.js';
import type { Row } from '../panes/pane-spec.js';
import type { Action } from './keymap.js';
import { formatPrefix, formatValue, parseAddress, parsePrefix, parseSpan, spanToPrefixes, type Prefix } from '../domain/ip.js';
import { rowSpan } from '../panes/conditions.js';
import { ipText, prefixText, spanText } from '../panes/format.js';
import { sanitize } from '../domain/sanitize.js';

/** A stored value as an editable field: text inputs draw raw text, so control characters never reach them. */
const shown = (v: unknown) => sanitize(v ?? '');

export type Plan =
	| { kind: 'form'; title: string; fields: FormField[]; submitLabel?: string; submit(values: Record<string, string>): Promise<FormError | string> }
	| { kind: 'confirm'; question: string; run(): Promise<string> }
	| { kind: 'error'; message: string };

const TUI = { source: 'tui' as const };
const ASSIGNMENTS = ['static', 'dynamic', 'reserved'];
const ADDRESS_ASSIGNMENTS = ['static', 'dynamic', 'auto', 'vip', 'reserved'];
const STATUSES = ['in-use', 'inactive', 'reserved'];

type Kind = 'block' | 'subnet' | 'range' | 'address';

/** Runs a parse; its error becomes the named field's inline message. */
function field<T>(name: string, parse: () => T): T | FormError {
	try {
		return parse();
	} catch (err) {
		return { field: name, message: (err as Error).message };
	}
}
const failed = (v: unknown): v is FormError => typeof v === 'object' && v !== null && 'message' in v && !(v instanceof Error) && !('family' in v);

function vlanOf(text: string): number | null {
	if (!text.trim()) return null;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 4094) throw new Error(`VLAN "${text}" must be a number from 1 to 4094`);
	return n;
}

const spaceOf = (row: Row | undefined) => Number(row?.space_id ?? 1) || 1;
const isGap = (row: Row | undefined) => row?.kind === 'gap';

/** The largest aligned prefix inside a free gap: what a new block there most likely is. */
function gapPrefix(row: Row): string {
	const prefixes = spanToPrefixes(rowSpan(row));
	const largest = prefixes.reduce<Prefix | null>((best, p) => (!best || p.length < best.length ? p : best), null);
	return largest ? formatPrefix(largest) : '';
}

function describeRow(kind: Kind, row: Row): string {
	if (kind === 'address') return `address ${ipText(row.ip)}${row.hostname ? ` (${row.hostname})` : ''}`;
	if (kind === 'range') return `range ${spanText(row.start, row.end)}${row.name ? ` (${row.name})` : ''}`;
	return `${kind} ${prefixText(row.start, row.prefix_len)}${row.name ? ` (${row.name})` : ''}`;
}

async function createPlan(db: Store, kind: Kind, row: Row | undefined): Promise<Plan> {
	const spaceId = spaceOf(row);
	switch (kind) {
		case 'block':
			return {
				kind: 'form',
				title: 'New block',
				fields: [
					{ key: 'prefix', label: 'Prefix', value: row && isGap(row) ? gapPrefix(row) : '', hint: 'e.g. 10.20.0.0/16' },
					{ key: 'name', label: 'Name', value: '' },
					{ key: 'description', label: 'Description', value: '' },
				],
				async submit(v) {
					const prefix = field('prefix', () => parsePrefix(v.prefix));
					if (failed(prefix)) return prefix;
					const { addBlock } = await import('../../store/blocks.js');
					const b = await addBlock(db, { spaceId, prefix, name: v.name, description: v.description }, TUI);
					return `created block ${formatPrefix(prefix)} (id ${b.id})`;
				},
			};
		case 'subnet':
			return {
				kind: 'form',
				title: 'New subnet',
				fields: [
					{ key: 'prefix', label: 'Prefix', value: '', hint: 'e.g. 10.1.42.0/24' },
					{ key: 'name', label: 'Name', value: '' },
					{ key: 'vlan', label: 'VLAN', value: '' },
					{ key: 'description', label: 'Description', value: '' },
				],
				async submit(v) {
					const prefix = field('prefix', () => parsePrefix(v.prefix));
					if (failed(prefix)) return prefix;
					const vlan = field('vlan', () => vlanOf(v.vlan));
					if (failed(vlan)) return vlan;
					const { addSubnet } = await import('../../store/subnets.js');
					await addSubnet(db, { spaceId, prefix, name: v.name, vlan, description: v.description }, TUI);
					return `created subnet ${formatPrefix(prefix)}`;
				},
			};
		case 'range':
			return {
				kind: 'form',
				title: 'New range',
				fields: [
					{ key: 'span', label: 'Range', value: '', hint: 'start-end, e.g. 10.1.2.100-10.1.2.200' },
					{ key: 'name', label: 'Name', value: '' },
					{ key: 'assignment', label: 'Assignment', value: 'static', options: ASSIGNMENTS },
					{ key: 'description', label: 'Description', value: '' },
				],
				async submit(v) {
					const span = field('span', () => parseSpan(v.span));
					if (failed(span)) return span;
					const { addRange } = await import('../../store/ranges.js');
					await addRange(db, { spaceId, span, name: v.name, description: v.description, assignmentType: v.assignment as 'static' }, TUI);
					return `created range ${formatValue(span.family, span.start)}-${formatValue(span.family, span.end)}`;
				},
			};
		case 'address':
			return addressForm(db, 'New address', spaceId, '');
	}
}

function addressForm(db: Store, title: string, spaceId: number, ip: string): Plan {
	return {
		kind: 'form',
		title,
		fields: [
			{ key: 'ip', label: 'Address', value: ip, hint: 'e.g. 10.1.2.34' },
			{ key: 'hostname', label: 'Host name', value: '' },
			{ key: 'mac', label: 'MAC', value: '', hint: 'any notation' },
			{ key: 'status', label: 'Status', value: 'in-use', options: STATUSES },
			{ key: 'assignment', label: 'Assignment', value: 'static', options: ADDRESS_ASSIGNMENTS },
			{ key: 'description', label: 'Description', value: '' },
		],
		async submit(v) {
			const address = field('ip', () => parseAddress(v.ip));
			if (failed(address)) return address;
			const { addAddress } = await import('../../store/addresses.js');
			const mac = v.mac.trim() || null;
			const saved = await addAddress(
				db,
				{ spaceId, address, hostname: v.hostname, mac, description: v.description, status: v.status as 'in-use', assignmentType: v.assignment as 'static' },
				TUI,
			).catch((err: Error) => {
				if (/MAC|hardware/i.test(err.message)) return { field: 'mac', message: err.message } as FormError;
				throw err;
			});
			if (failed(saved)) return saved;
			return `saved address ${formatValue(address.family, address.value)}`;
		},
	};
}

function editPlan(db: Store, kind: Kind, row: Row): Plan {
	const id = Number(row.id);
	const common = [
		{ key: 'name', label: 'Name', value: shown(row.name) },
		{ key: 'description', label: 'Description', value: shown(row.description) },
	];
	switch (kind) {
		case 'block':
			return {
				kind: 'form',
				title: `Edit ${describeRow(kind, row)}`,
				fields: [{ key: 'prefix', label: 'Prefix', value: prefixText(row.start, row.prefix_len), readOnly: true }, ...common],
				async submit(v) {
					const { editBlock } = await import('../../store/blocks.js');
					await editBlock(db, id, { name: v.name, description: v.description }, TUI);
					return `saved block ${prefixText(row.start, row.prefix_len)}`;
				},
			};
		case 'subnet':
			return {
				kind: 'form',
				title: `Edit ${describeRow(kind, row)}`,
				fields: [{ key: 'prefix', label: 'Prefix', value: prefixText(row.start, row.prefix_len), readOnly: true }, ...common, { key: 'vlan', label: 'VLAN', value: row.vlan == null ? '' : String(row.vlan) }],
				async submit(v) {
					const vlan = field('vlan', () => vlanOf(v.vlan));
					if (failed(vlan)) return vlan;
					const { editSubnet } = await import('../../store/subnets.js');
					await editSubnet(db, id, { name: v.name, description: v.description, vlan }, TUI);
					return `saved subnet ${prefixText(row.start, row.prefix_len)}`;
				},
			};
		case 'range':
			return {
				kind: 'form',
				title: `Edit ${describeRow(kind, row)}`,
				fields: [
					{ key: 'span', label: 'Range', value: spanText(row.start, row.end), readOnly: true },
					...common,
					{ key: 'assignment', label: 'Assignment', value: String(row.assignment_type ?? 'static'), options: ASSIGNMENTS },
				],
				async submit(v) {
					const { editRange } = await import('../../store/ranges.js');
					await editRange(db, id, { name: v.name, description: v.description, assignmentType: v.assignment as 'static' }, TUI);
					return `saved range ${spanText(row.start, row.end)}`;
				},
			};
		case 'address':
			return {
				kind: 'form',
				title: `Edit ${describeRow(kind, row)}`,
				fields: [
					{ key: 'ip', label: 'Address', value: ipText(row.ip), readOnly: true },
					{ key: 'hostname', label: 'Host name', value: shown(row.hostname) },
					{ key: 'mac', label: 'MAC', value: shown(row.mac) },
					{ key: 'status', label: 'Status', value: String(row.status ?? 'in-use'), options: STATUSES },
					{ key: 'assignment', label: 'Assignment', value: String(row.assignment_type ?? 'static'), options: ADDRESS_ASSIGNMENTS },
					{ key: 'description', label: 'Description', value: shown(row.description) },
				],
				async submit(v) {
					const { editAddress } = await import('../../store/addresses.js');
					await editAddress(
						db,
						id,
						{ hostname: v.hostname, mac: v.mac.trim() || null, status: v.status as 'in-use', assignmentType: v.assignment as 'static', description: v.description },
						TUI,
					);
					return `saved address ${ipText(row.ip)}`;
				},
			};
	}
}

function deletePlan(db: Store, kind: Kind, row: Row): Plan {
	const id = Number(row.id);
	const what = describeRow(kind, row);
	return {
		kind: 'confirm',
		question: `Delete ${what}? This cannot be undone (the audit trail keeps a copy).`,
		async run() {
			const modules = {
				block: async () => (await import('../../store/blocks.js')).deleteBlock,
				subnet: async () => (await import('../../store/subnets.js')).deleteSubnet,
				range: async () => (await import('../../store/ranges.js')).deleteRange,
				address: async () => (await import('../../store/addresses.js')).deleteAddress,
			};
			const remove = await modules[kind]();
			await remove(db, id, TUI);
			return `deleted ${what}`;
		},
	};
}

async function allocateAddressPlan(db: Store, row: Row): Promise<Plan> {
	const span = rowSpan(row);
	const { nextFreeAddresses } = await import('../../store/free-space.js');
	const [free] = await nextFreeAddresses(db, spaceOf(row), span, 1);
	if (free === undefined) return { kind: 'error', message: `no free address in ${spanText(row.start, row.end)}` };
	return addressForm(db, `Allocate ${formatValue(span.family, free)} (next free in ${spanText(row.start, row.end)})`, spaceOf(row), formatValue(span.family, free));
}

function allocateSubnetPlan(db: Store, row: Row): Plan {
	const blockId = Number(row.id);
	const family = Number(row.family);
	return {
		kind: 'form',
		title: `Allocate a free subnet from ${describeRow('block', row)}`,
		submitLabel: 'allocate',
		fields: [
			{ key: 'length', label: 'Prefix length', value: family === 6 ? '64' : '24', hint: 'the first free aligned prefix of this length is taken' },
			{ key: 'name', label: 'Name', value: '' },
			{ key: 'vlan', label: 'VLAN', value: '' },
			{ key: 'description', label: 'Description', value: '' },
		],
		async submit(v) {
			const length = Number(v.length);
			const max = family === 6 ? 128 : 32;
			if (!Number.isInteger(length) || length < Number(row.prefix_len) || length > max) {
				return { field: 'length', message: `a prefix length from ${row.prefix_len} to ${max}` };
			}
			const vlan = field('vlan', () => vlanOf(v.vlan));
			if (failed(vlan)) return vlan;
			const { freePrefixesInBlock } = await import('../../store/free-space.js');
			const [prefix] = await freePrefixesInBlock(db, blockId, length, 1);
			if (!prefix) return { field: 'length', message: `no free /${length} left in this block` };
			const { addSubnet } = await import('../../store/subnets.js');
			await addSubnet(db, { spaceId: spaceOf(row), prefix, name: v.name, vlan, description: v.description }, TUI);
			return `allocated subnet ${formatPrefix(prefix)}`;
		},
	};
}

/** What a write key does on a pane for the selected row. */
export async function planFor(db: Store, action: Action, formKind: string | undefined, paneId: string, row: Row | undefined): Promise<Plan> {
	if (db.readonly) return { kind: 'error', message: 'the store is open read-only' };
	const kind = formKind as Kind | undefined;
	if (action === 'allocateAddress') {
		if (!row) return { kind: 'error', message: 'select a block, subnet or range first' };
		return allocateAddressPlan(db, row);
	}
	if (action === 'allocateSubnet') {
		if (!row || paneId !== 'blocks' || isGap(row)) return { kind: 'error', message: 'select a block to allocate a subnet from' };
		return allocateSubnetPlan(db, row);
	}
	if (!kind) return { kind: 'error', message: 'this pane is read-only (it shows collected data)' };
	if (action === 'create') return createPlan(db, kind, row);
	if (!row) return { kind: 'error', message: 'no row selected' };
	if (isGap(row)) return { kind: 'error', message: 'a free gap is not an object: n creates a block in it' };
	if (action === 'edit') return editPlan(db, kind, row);
	if (action === 'delete') return deletePlan(db, kind, row);
	return { kind: 'error', message: `no write action "${action}"` };
}
