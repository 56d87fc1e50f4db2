// `ipam whereis IP`: the blocks, subnet and range holding an address, and every record of it.
import { plainCommand, str, OUTPUT_HELP, OUTPUT_OPTIONS, SPACE_HELP, SPACE_OPTION } from './noun.js';
import { withStore } from './command.js';
import { csvLine } from './output.js';
import { spaceId } from '../../store/address-spaces.js';
import { blockCidr } from '../../store/blocks.js';
import { subnetCidr } from '../../store/subnets.js';
import { rangeText } from '../../store/ranges.js';
import { whereis } from '../../store/whereis.js';
import { formatAddress, parseAddress } from '../domain/ip.js';
import { formatPercent } from '../domain/utilization.js';
import { sanitize } from '../domain/sanitize.js';

function when(t: number | null): string {
	return t ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : 'never';
}

export const whereisCommand = plainCommand('whereis', 'where an address lies (blocks, subnet, range) and every record of it', {
	summary: 'whereis',
	usage: `IP\n\nShows the chain of blocks, the subnet and range holding IP — also when IP has no record —\nthen its address records, current leases and reservations.\n\n${SPACE_HELP}\n${OUTPUT_HELP}\n\nExit code 4 when nothing in the store covers the address.`,
	options: { ...SPACE_OPTION, ...OUTPUT_OPTIONS },
	needs: 1,
	run: (ctx, { values, positionals, format }) =>
		withStore(ctx, async store => {
			const a = parseAddress(positionals[0]);
			const w = await whereis(store, await spaceId(store, str(values.space)), a);
			const view = {
				address: formatAddress(a),
				blocks: w.blocks.map(b => ({ block: blockCidr(b), name: b.name, id: b.id })),
				subnet: w.subnet && { subnet: subnetCidr(w.subnet), name: w.subnet.name, vlan: w.subnet.vlan, id: w.subnet.id, used: w.subnet.used, size: w.subnet.size },
				range: w.range && {
					range: rangeText(w.range),
					name: w.range.name,
					assignment: w.range.assignment_type,
					managed_by: w.range.managed_by,
					managed_by_entity: w.range.managed_by_entity,
					id: w.range.id,
				},
				addresses: w.addresses.map(r => ({
					id: r.id,
					hostname: r.hostname,
					mac: r.mac,
					status: r.status,
					assignment: r.assignment_type,
					owner: r.owner,
					managed_by: r.managed_by,
					expires_at: r.expires_at,
				})),
				leases: w.leases,
				reservations: w.reservations,
			};
			const found = w.blocks.length + w.addresses.length + w.leases.length + w.reservations.length > 0 || !!w.subnet || !!w.range;
			if (format === 'json') ctx.stdout.write(JSON.stringify(view, null, 2) + '\n');
			else if (format === 'csv') {
				const lines = [csvLine(['kind', 'object', 'detail'])];
				for (const b of view.blocks) lines.push(csvLine(['block', b.block, b.name]));
				if (view.subnet) lines.push(csvLine(['subnet', view.subnet.subnet, view.subnet.name]));
				if (view.range) lines.push(csvLine(['range', view.range.range, view.range.name]));
				for (const r of view.addresses) lines.push(csvLine(['address', view.address, `${r.hostname} ${r.mac ?? ''} ${r.status}`.trim()]));
				for (const l of w.leases) lines.push(csvLine(['lease', view.address, `${l.state} ${l.mac ?? ''} ${l.hostname ?? ''}`.trim()]));
				for (const r of w.reservations) lines.push(csvLine(['reservation', view.address, `${r.mac ?? r.client_id ?? r.duid ?? ''} ${r.name}`.trim()]));
				ctx.stdout.write(lines.join('\n') + '\n');
			} else {
				const out: string[] = [`address      ${view.address}`];
				out.push(`blocks       ${view.blocks.length ? view.blocks.map(b => b.block + (b.name ? ` "${sanitize(b.name)}"` : '')).join(' › ') : '(none)'}`);
				const s = w.subnet;
				out.push(`subnet       ${s ? `${subnetCidr(s)}${s.name ? ` "${sanitize(s.name)}"` : ''}${s.vlan !== null ? ` vlan ${s.vlan}` : ''}  used ${s.used}/${s.size} (${formatPercent(s.used, s.size)})` : '(none)'}`);
				const r = w.range;
				out.push(`range        ${r ? `${rangeText(r)}${r.name ? ` "${sanitize(r.name)}"` : ''} ${r.assignment_type}, managed by ${sanitize(r.managed_by)}${r.managed_by_entity ? ` (${sanitize(r.managed_by_entity)})` : ''}` : '(none)'}`);
				for (const x of w.addresses) {
					out.push(`record       ${x.status} ${x.assignment_type}${x.hostname ? ` ${sanitize(x.hostname)}` : ''}${x.mac ? ` ${x.mac}` : ''}${x.owner ? ` owner ${sanitize(x.owner)}` : ''} (${sanitize(x.managed_by)})${x.expires_at ? ` expires ${when(x.expires_at)}` : ''}`);
				}
				if (!w.addresses.length) out.push('record       (no address record)');
				for (const l of w.leases) {
					out.push(`lease        ${l.state}${l.mac ? ` ${l.mac}` : ''}${l.hostname ? ` ${sanitize(l.hostname)}` : ''} on ${sanitize(l.server ?? `server ${l.server_id}`)} until ${when(l.ends)}`);
				}
				for (const x of w.reservations) {
					out.push(`reservation  ${x.mac ?? x.client_id ?? x.duid ?? ''}${x.name ? ` ${sanitize(x.name)}` : ''} on ${sanitize(x.server ?? `server ${x.server_id}`)}`);
				}
				ctx.stdout.write(out.join('\n') + '\n');
			}
			return found ? 0 : 4;
		}),
});
