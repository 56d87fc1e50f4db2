// Address-space exports: the header and the cells of a stored row in our own CSV, MS IPAM's English layout, or NetBox's import layout.
import { formatPrefix, formatSpan, fromKey, formatAddress } from '../domain/ip.js';
import type { ObjectKind } from './ipam-rows.js';
import { NATIVE_COLUMNS } from './native.js';
import { MS_IPAM_EXPORT } from './ms-ipam.js';
import { formatDate } from './ipam-values.js';

export type ExportFormat = 'csv' | 'ms-ipam' | 'netbox';
export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'ms-ipam', 'netbox'];

/** A stored row (columns by name, keys as BLOBs) with its space name, custom values and tags. */
export interface ExportSource {
	row: Record<string, unknown>;
	space: string;
	fields: Map<string, string[]> | undefined;
	tags: string[] | undefined;
}

const DEFAULT_SPACE = 'default';

const NETBOX_HEADERS: Record<ObjectKind, string[]> = {
	block: ['prefix', 'rir', 'description', 'tags'],
	subnet: ['prefix', 'vrf', 'status', 'vlan_vid', 'description', 'tags'],
	range: ['start_address', 'end_address', 'vrf', 'status', 'description', 'tags'],
	address: ['address', 'vrf', 'status', 'dns_name', 'description', 'tags'],
};

export function exportHeader(format: ExportFormat, kind: ObjectKind, customFields: string[]): string[] {
	// NetBox names custom-field columns cf_<name>; its importer matches them that way.
	if (format === 'netbox') return [...NETBOX_HEADERS[kind], ...customFields.map(f => `cf_${f}`)];
	const base = format === 'csv' ? NATIVE_COLUMNS[kind].map(([h]) => h) : [...MS_IPAM_EXPORT[kind]];
	return [...base, ...customFields];
}

const key = (v: unknown) => fromKey(v as Buffer);
const prefixOf = (r: Record<string, unknown>) => formatPrefix({ family: r.family as 4 | 6, network: key(r.start).value, length: r.prefix_len as number });
const spanOf = (r: Record<string, unknown>) => formatSpan({ family: r.family as 4 | 6, start: key(r.start).value, end: key(r.end).value });
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const title = (v: unknown) => text(v).replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase()).replace(/^Vip$/, 'VIP');

export function exportCells(format: ExportFormat, kind: ObjectKind, customFields: string[], src: ExportSource): string[] {
	const custom = customFields.map(f => (src.fields?.get(f) ?? []).join(';'));
	const tags = (src.tags ?? []).join(',');
	const r = src.row;
	if (format === 'netbox') return [...netboxCells(kind, src, tags), ...custom];
	if (format === 'ms-ipam') return [...msIpamCells(kind, src), ...custom];
	const cells: Record<string, string> = {
		prefix: kind === 'block' || kind === 'subnet' ? prefixOf(r) : '',
		start: kind === 'range' ? formatAddress(key(r.start)) : '',
		end: kind === 'range' ? formatAddress(key(r.end)) : '',
		ip: kind === 'address' ? formatAddress(key(r.ip)) : '',
		name: text(r.name),
		description: text(r.description),
		rir: text(r.rir),
		vlan: text(r.vlan),
		managed_by: text(r.managed_by),
		service_instance: text(r.managed_by_entity),
		assignment_type: text(r.assignment_type),
		hostname: text(r.hostname),
		mac: text(r.mac),
		client_id: text(r.client_id),
		duid: text(r.duid),
		iaid: text(r.iaid),
		status: text(r.status),
		device_type: text(r.device_type),
		owner: text(r.owner),
		asset_tag: text(r.asset_tag),
		serial_number: text(r.serial_number),
		assigned_at: formatDate(r.assigned_at as number | null),
		expires_at: formatDate(r.expires_at as number | null),
		space: src.space,
		tags,
	};
	return [...NATIVE_COLUMNS[kind].map(([h]) => cells[h]), ...custom];
}

function msIpamCells(kind: ObjectKind, src: ExportSource): string[] {
	const r = src.row;
	switch (kind) {
		case 'block': {
			return [prefixOf(r), formatAddress(key(r.start)), formatAddress(key(r.end)), text(r.rir), text(r.description), src.space];
		}
		case 'subnet':
			return [prefixOf(r), text(r.name), text(r.description), text(r.vlan), src.space];
		case 'range': {
			// MS IPAM requires the range's network: its subnet, else the smallest prefix holding it.
			const family = r.family as 4 | 6;
			const network = r.subnet_start
				? formatPrefix({ family, network: key(r.subnet_start).value, length: r.subnet_len as number })
				: formatPrefix(enclosingPrefix(family, key(r.start).value, key(r.end).value));
			return [
				network,
				formatAddress(key(r.start)),
				formatAddress(key(r.end)),
				text(r.managed_by),
				text(r.managed_by_entity),
				title(r.assignment_type),
				text(r.name),
				text(r.description),
				src.space,
			];
		}
		case 'address':
			return [
				formatAddress(key(r.ip)),
				text(r.managed_by),
				text(r.managed_by_entity),
				text(r.device_type),
				title(r.status),
				title(r.assignment_type),
				text(r.mac),
				formatDate(r.assigned_at as number | null),
				formatDate(r.expires_at as number | null),
				text(r.description),
				text(r.owner),
				text(r.asset_tag),
				text(r.serial_number),
				text(r.client_id),
				text(r.duid),
				text(r.iaid),
				text(r.hostname),
				src.space,
			];
	}
}

function netboxCells(kind: ObjectKind, src: ExportSource, tags: string): string[] {
	const r = src.row;
	// NetBox's global table is no VRF at all.
	const vrf = src.space.toLowerCase() === DEFAULT_SPACE ? '' : src.space;
	switch (kind) {
		case 'block':
			return [prefixOf(r), text(r.rir), text(r.description), tags];
		case 'subnet':
			return [prefixOf(r), vrf, 'active', text(r.vlan), text(r.description || r.name), tags];
		case 'range':
			return [...spanOf(r).split('-').map(a => `${a}/${r.family === 4 ? 32 : 128}`), vrf, r.assignment_type === 'reserved' ? 'reserved' : 'active', text(r.description), tags];
		case 'address': {
			const ip = key(r.ip);
			const len = (r.subnet_len as number | null) ?? (ip.family === 4 ? 32 : 128);
			const status =
				r.status === 'reserved' ? 'reserved' : r.status === 'inactive' ? 'deprecated' : r.assignment_type === 'dynamic' ? 'dhcp' : r.assignment_type === 'auto' ? 'slaac' : 'active';
			return [`${formatAddress(ip)}/${len}`, vrf, status, text(r.hostname), text(r.description), tags];
		}
	}
}

function enclosingPrefix(family: 4 | 6, start: bigint, end: bigint): { family: 4 | 6; network: bigint; length: number } {
	const bits = family === 4 ? 32 : 128;
	const length = bits - (start ^ end).toString(2).replace(/^0$/, '').length;
	const host = (1n << BigInt(bits - length)) - 1n;
	return { family, network: start & ~host, length };
}
