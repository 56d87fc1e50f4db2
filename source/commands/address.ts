// `ipam address add|list|show|edit|delete`: the static address inventory.
import { limitOf, nounCommand, str, timeOption, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import type { VerbArgs } from './noun.js';
import { withStore } from './command.js';
import { renderRecord, renderRows } from './output.js';
import { addressByRef, objectExtras, recordOf } from './object-ref.js';
import { spaceId } from '../../store/address-spaces.js';
import { addAddress, addressText, deleteAddress, editAddress, listAddresses, type AddressFields, type AddressStatus } from '../../store/addresses.js';
import { addressColumns } from '../resources/addresses.js';
import { formatKey, parseAddress, parseSpan } from '../domain/ip.js';

const FIELDS = {
	mac: { type: 'string' },
	hostname: { type: 'string' },
	description: { type: 'string' },
	type: { type: 'string' },
	status: { type: 'string' },
	'device-type': { type: 'string' },
	owner: { type: 'string' },
	'asset-tag': { type: 'string' },
	serial: { type: 'string' },
	assigned: { type: 'string' },
	expires: { type: 'string' },
	'client-id': { type: 'string' },
	duid: { type: 'string' },
} as const;
const FIELDS_HELP = `  --hostname NAME, --mac MAC, --client-id ID, --duid DUID, --description TEXT
  --type TYPE          static (default), dynamic, auto, vip, reserved
  --status STATUS      in-use (default), inactive, reserved
  --device-type TEXT   Host (default), Router, Switch, Printer …
  --owner TEXT, --asset-tag TEXT, --serial TEXT
  --assigned DATE      when it was assigned (default now); --expires DATE when the assignment ends ("never" clears)`;
const MANAGED = { 'managed-by': { type: 'string' }, entity: { type: 'string' } } as const;

function fieldsOf(values: VerbArgs['values']): AddressFields {
	return {
		mac: str(values.mac),
		clientId: str(values['client-id']),
		duid: str(values.duid),
		hostname: str(values.hostname),
		description: str(values.description),
		assignmentType: str(values.type) as AddressFields['assignmentType'],
		status: str(values.status) as AddressFields['status'],
		deviceType: str(values['device-type']),
		owner: str(values.owner),
		assetTag: str(values['asset-tag']),
		serialNumber: str(values.serial),
		assignedAt: timeOption(values.assigned, '--assigned'),
		expiresAt: timeOption(values.expires, '--expires'),
	};
}

export const addressCommand = nounCommand('address', 'IP addresses: the static inventory (host, MAC, owner, expiry)', {
	add: {
		summary: 'record an address (its subnet and range are found)',
		usage: `IP [OPTIONS]\n\n${FIELDS_HELP}\n  --managed-by SERVICE, --entity NAME   who manages the record (default IPAM)\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { ...FIELDS, ...MANAGED, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await addAddress(store, {
					spaceId: await spaceId(store, str(values.space)),
					address: parseAddress(positionals[0]),
					managedBy: str(values['managed-by']),
					managedByEntity: str(values.entity),
					...fieldsOf(values),
				});
				if (format === 'table') ctx.stdout.write(`added address ${addressText(row)} (id ${row.id})\n`);
				else ctx.stdout.write(renderRecord(recordOf(row, addressColumns()), format));
				return 0;
			}),
	},
	list: {
		summary: 'list address records in address order (inside CIDR or START-END when given)',
		usage: `[CIDR|START-END] [--status STATUS]\n\n${PAGE_HELP} (KEY = last address shown)\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { status: { type: 'string' }, ...PAGE_OPTIONS, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const after = str(values.after) ? parseAddress(str(values.after)!) : undefined;
				const rows = await listAddresses(store, {
					spaceId: await spaceId(store, str(values.space)),
					within: positionals[0] ? parseSpan(positionals.join(' ')) : undefined,
					status: str(values.status) as AddressStatus | undefined,
					after: after && { family: after.family, ip: after.value, id: Number.MAX_SAFE_INTEGER },
					limit: limitOf(values),
				});
				ctx.stdout.write(renderRows(rows, addressColumns(), format));
				return 0;
			}),
	},
	show: {
		summary: 'one address record with all its fields, custom fields and tags',
		usage: `IP|#ID [--managed-by SERVICE]\n\n${SPACE_HELP}\n${OUTPUT_HELP}`,
		options: { 'managed-by': { type: 'string' }, ...SPACE_OPTION, ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { values, positionals, format }) =>
			withStore(ctx, async store => {
				const row = await addressByRef(store, await spaceId(store, str(values.space)), positionals[0], str(values['managed-by']));
				const record: Record<string, unknown> = { ...row, ip: formatKey(row.ip) };
				Object.assign(record, await objectExtras(store, 'address', row.id));
				ctx.stdout.write(renderRecord(record, format));
				return 0;
			}),
	},
	edit: {
		summary: "change an address record's fields",
		usage: `IP|#ID [OPTIONS]\n\n${FIELDS_HELP}\n  --select SERVICE     pick among records of the same IP by managed-by\n${SPACE_HELP}`,
		options: { ...FIELDS, select: { type: 'string' }, ...SPACE_OPTION },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await addressByRef(store, await spaceId(store, str(values.space)), positionals[0], str(values.select));
				await editAddress(store, row.id, fieldsOf(values));
				ctx.stdout.write(`updated address ${addressText(row)}\n`);
				return 0;
			}),
	},
	delete: {
		summary: 'delete an address record',
		usage: `IP|#ID [--managed-by SERVICE]\n\n${SPACE_HELP}`,
		options: { 'managed-by': { type: 'string' }, ...SPACE_OPTION },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const row = await addressByRef(store, await spaceId(store, str(values.space)), positionals[0], str(values['managed-by']));
				await deleteAddress(store, row.id);
				ctx.stdout.write(`deleted address ${addressText(row)}\n`);
				return 0;
			}),
	},
});
