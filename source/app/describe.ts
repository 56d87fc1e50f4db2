// Builds the describe view's sections for a row (or an address typed on `:ip`): fields, custom fields, tags, where it sits, utilization trend, history.
import type { Store } from '../../store/database.js';
import * as q from '../../store/describe.js';
import { utilizationTrend } from '../../store/utilization.js';
import type { DescribeTarget } from '../panes/pane-spec.js';
import { age, ipText, prefixText, spanText, timeText } from '../panes/format.js';
import { fromKey } from '../domain/ip.js';
import { LEASE_EVENT_KINDS } from '../panes/events.js';
import { trendSummary } from '../resources/utilization.js';

export interface Section {
	title: string;
	lines: [string, string][];
}

const BLOB_FIELDS = new Set(['start', 'end', 'ip']);
const TIME_FIELDS = /(_at|^ts|^starts|^ends|^cltt|^expires)$/;

/** One stored value as text: address keys formatted, times shown as local time plus age. */
export function fieldText(name: string, value: unknown): string {
	if (value === null || value === undefined) return '';
	if (BLOB_FIELDS.has(name) && value instanceof Uint8Array) return ipText(value);
	if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
	if (TIME_FIELDS.test(name) && typeof value === 'number' && value > 1e8) return `${timeText(value)} (${age(value)})`;
	return String(value);
}

function fieldsSection(title: string, record: Record<string, unknown>): Section {
	return { title, lines: Object.entries(record).filter(([k]) => k !== '_k').map(([k, v]) => [k, fieldText(k, v)]) };
}

async function where(store: Store, family: number, start: Uint8Array, end: Uint8Array): Promise<Section> {
	const list = await q.containers(store, family, start, end);
	return {
		title: 'Where it sits',
		lines: list.length
			? list.map(c => [c.kind, `${c.prefix_len != null ? prefixText(c.start, c.prefix_len) : spanText(c.start, c.end)}  ${c.name}`])
			: [['', 'not inside any block, subnet or range']],
	};
}

async function leaseHistory(store: Store, ip: Uint8Array): Promise<Section> {
	const events = await q.leaseHistory(store, ip);
	return {
		title: 'Recent lease events',
		lines: events.length ? events.map(e => [timeText(e.ts), `${LEASE_EVENT_KINDS[e.kind] ?? e.kind}  ${e.mac ?? ''}  ${e.host ?? ''}  ${e.server ?? ''}`]) : [['', 'none']],
	};
}

/** One compact row: the sparkline and first → last figure (`ipam … show` lists the points). */
async function trend(store: Store, kind: 'block' | 'subnet' | 'range', id: number): Promise<Section> {
	return { title: 'Utilization trend', lines: [['trend', trendSummary(await utilizationTrend(store, kind, id))]] };
}

async function objectSections(store: Store, kind: string, id: number): Promise<Section[]> {
	const record = await q.objectFields(store, kind, id);
	if (!record) return [{ title: `${kind} ${id}`, lines: [['', 'no longer in the store']] }];
	const [custom, tagRows, audit] = await Promise.all([q.customFields(store, kind, id), q.tags(store, kind, id), q.auditHistory(store, kind, id)]);
	const sections: Section[] = [fieldsSection(`${kind} ${id}`, record)];
	sections.push({ title: 'Custom fields', lines: custom.length ? custom.map(c => [c.name, c.value]) : [['', 'none']] });
	sections.push({ title: 'Tags', lines: [['', tagRows.map(t => t.name).join(', ') || 'none']] });
	const family = Number(record.family);
	const start = (record.start ?? record.ip) as Uint8Array | undefined;
	const end = (record.end ?? record.ip) as Uint8Array | undefined;
	if (start && end && (family === 4 || family === 6)) sections.push(await where(store, family, start, end));
	if (kind === 'block' || kind === 'subnet' || kind === 'range') sections.push(await trend(store, kind, id));
	if (kind === 'address' && record.ip) sections.push(await leaseHistory(store, record.ip as Uint8Array));
	sections.push({ title: 'Changes (audit)', lines: audit.length ? audit.map(a => [timeText(a.ts), `${a.actor} ${a.action} ${a.summary}`]) : [['', 'none']] });
	return sections;
}

/** Everything known about one address (the store's whereis), plus its recent lease history. */
export async function addressSections(store: Store, family: number, ip: Uint8Array, spaceId = 1): Promise<Section[]> {
	const { whereis } = await import('../../store/whereis.js');
	const w = await whereis(store, spaceId, fromKey(ip));
	const chain: [string, string][] = [
		...w.blocks.map(b => ['block', `${prefixText(b.start, b.prefix_len)}  ${b.name}`] as [string, string]),
		...(w.subnet ? [['subnet', `${prefixText(w.subnet.start, w.subnet.prefix_len)}  ${w.subnet.name}`] as [string, string]] : []),
		...(w.range ? [['range', `${spanText(w.range.start, w.range.end)}  ${w.range.name}  ${w.range.managed_by} ${w.range.managed_by_entity}`] as [string, string]] : []),
	];
	return [
		{ title: `Where ${ipText(ip)} sits`, lines: chain.length ? chain : [['', 'not inside any block, subnet or range']] },
		{ title: 'Address records', lines: w.addresses.length ? w.addresses.map(r => [r.status, `${r.hostname}  ${r.mac ?? ''}  ${r.assignment_type}  ${r.managed_by} ${r.managed_by_entity}  ${r.description}`]) : [['', 'none']] },
		{ title: 'Current leases', lines: w.leases.length ? w.leases.map(l => [l.state, `${l.mac ?? l.client_id ?? l.duid ?? ''}  ${l.hostname ?? ''}  ${l.server ?? ''}  ends ${l.ends == null ? 'never' : timeText(l.ends)}`]) : [['', 'none']] },
		{ title: 'Reservations', lines: w.reservations.length ? w.reservations.map(r => [r.server ?? '', `${r.mac ?? r.client_id ?? r.duid ?? ''}  ${r.name}  ${r.description}`]) : [['', 'none']] },
		await leaseHistory(store, ip),
	];
}

export async function describe(store: Store, target: DescribeTarget): Promise<Section[]> {
	switch (target.kind) {
		case 'block':
		case 'subnet':
		case 'range':
		case 'address':
		case 'server':
			return objectSections(store, target.kind, target.id!);
		case 'lease':
			return [fieldsSection('Lease', target.row), ...(await addressSections(store, target.family!, target.start!, Number(target.row.space_id ?? 1)))];
		case 'event': {
			const sections = [fieldsSection('Event', target.row)];
			if (target.start && target.family) sections.push(...(await addressSections(store, target.family, target.start)));
			return sections;
		}
		case 'gap':
			return [fieldsSection('Free space', target.row), await where(store, target.family!, target.start!, target.end!)];
	}
}
