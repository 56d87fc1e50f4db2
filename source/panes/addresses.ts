// The addresses pane: the static inventory, one row per address record, in address order.
import type { PaneSpec } from './pane-spec.js';
import { addressIn, argumentSpan, textMatches } from './conditions.js';
import { singleAddress } from './conditions.js';
import { ipText } from './format.js';

export const addressesPane: PaneSpec = {
	id: 'addresses',
	title: 'Addresses',
	aliases: ['address', 'addr', 'a'],
	form: 'address',
	source: {
		select: `a.id, a.space_id, a.family, a.ip, a.range_id, a.subnet_id, a.mac, a.client_id, a.duid, a.hostname, a.description,
			a.assignment_type, a.status, a.device_type, a.owner, a.managed_by, a.managed_by_entity, a.expires_at`,
		from: 'address a',
		key: ['a.id'],
	},
	defaultSort: { column: 'ip', descending: false },
	columns: [
		{ key: 'ip', header: 'IP', width: 18, value: r => ipText(r.ip), sortSql: 'a.space_id', sortKeys: ['a.space_id', 'a.family', 'a.ip'] },
		{ key: 'hostname', header: 'HOSTNAME', width: 'flex', value: r => r.hostname as string, sortSql: 'a.hostname' },
		{ key: 'mac', header: 'MAC', width: 17, value: r => (r.mac as string | null) ?? '', sortSql: "coalesce(a.mac, '')" },
		{ key: 'status', header: 'STATUS', width: 8, value: r => r.status as string, sortSql: 'a.status' },
		{ key: 'type', header: 'TYPE', width: 8, value: r => r.assignment_type as string, sortSql: 'a.assignment_type' },
		{ key: 'device', header: 'DEVICE', width: 8, value: r => r.device_type as string, sortSql: 'a.device_type' },
		{ key: 'owner', header: 'OWNER', width: 10, value: r => r.owner as string, sortSql: 'a.owner' },
		{ key: 'description', header: 'DESCRIPTION', width: 'flex', value: r => r.description as string, sortSql: 'a.description' },
	],
	filter(term) {
		if (term.kind === 'span') return [addressIn('a.family', 'a.ip', term.span)];
		if (term.kind === 'mac') return [{ sql: 'a.mac = ?', params: [term.mac] }];
		if (term.kind === 'mac-prefix') return [{ sql: 'a.mac >= ? AND a.mac < ?', params: [term.prefix, term.prefix + ';'] }];
		return [textMatches(['a.hostname', 'a.description', 'a.owner', 'a.device_type'], term.text)];
	},
	argument(arg) {
		const span = argumentSpan(arg);
		return span ? { label: arg, where: [addressIn('a.family', 'a.ip', span)] } : null;
	},
	drill: r => ({
		pane: 'events',
		scope: { label: ipText(r.ip), where: [], term: singleAddress(r) },
	}),
	describe: r => ({ kind: 'address', id: Number(r.id), row: r }),
	copyValue: r => ipText(r.ip),
	trackTerm: r => ipText(r.ip),
};
