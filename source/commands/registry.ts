// Every subcommand, loaded on demand so a one-shot command never pays for the TUI or the others.
import type { Command } from './command.js';

export interface CommandEntry {
	name: string;
	summary: string;
	load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
	{ name: 'version', summary: 'print the version and the store schema', load: async () => (await import('./version.js')).versionCommand },
	{ name: 'space', summary: 'address spaces (VRFs): add, list, show, edit, delete', load: async () => (await import('./space.js')).spaceCommand },
	{ name: 'block', summary: 'IP blocks: add, list, show, edit, delete', load: async () => (await import('./block.js')).blockCommand },
	{ name: 'subnet', summary: 'subnets: add, list, show, edit, delete', load: async () => (await import('./subnet.js')).subnetCommand },
	{ name: 'range', summary: 'ranges (static, DHCP, reserved): add, list, show, edit, delete', load: async () => (await import('./range.js')).rangeCommand },
	{ name: 'address', summary: 'IP address inventory: add, list, show, edit, delete', load: async () => (await import('./address.js')).addressCommand },
	{ name: 'field', summary: 'custom fields and their values on objects', load: async () => (await import('./field.js')).fieldCommand },
	{ name: 'tag', summary: 'tags on blocks, subnets, ranges and addresses', load: async () => (await import('./tag.js')).tagCommand },
	{ name: 'group', summary: 'logical groups: objects in a tree by custom-field values', load: async () => (await import('./group.js')).groupCommand },
	{ name: 'free', summary: 'free space: gaps, free subnets of a length, next free addresses', load: async () => (await import('./free.js')).freeCommand },
	{ name: 'whereis', summary: 'where an address lies and every record of it', load: async () => (await import('./whereis.js')).whereisCommand },
	{ name: 'utilization', summary: 'utilization of blocks, subnets and ranges (over/under)', load: async () => (await import('./utilization.js')).utilizationCommand },
	{ name: 'conflicts', summary: 'overlaps, duplicate addresses, addresses outside every range', load: async () => (await import('./conflicts.js')).conflictsCommand },
	{ name: 'track', summary: 'who had an IP, MAC, host or user, and when', load: async () => (await import('./track.js')).trackCommand },
	{ name: 'events', summary: 'list lease, logon, config-change and audit events', load: async () => (await import('./events.js')).eventsCommand },
	{ name: 'logons', summary: 'import logon records (CSV / JSON lines) for user tracking', load: async () => (await import('./logons.js')).logonsCommand },
	{ name: 'export', summary: 'export blocks, subnets, ranges or addresses as CSV (ipam, MS IPAM, NetBox layout)', load: async () => (await import('./export.js')).exportCommand },
	{ name: 'import', summary: 'import address space from MS IPAM, NetBox, phpIPAM or ipam CSV', load: async () => (await import('./import/command.js')).importCommand },
	{ name: 'retention', summary: 'show or set how long event history is kept; purge now', load: async () => (await import('./retention.js')).retentionCommand },
	{ name: 'server', summary: 'DHCP servers to collect from: add, list, show, edit, delete, secret', load: async () => (await import('./server.js')).serverCommand },
	{ name: 'collect', summary: 'collect from DHCP servers now (--once) or on schedule (--daemon)', load: async () => (await import('./collect.js')).collectCommand },
	{ name: 'task', summary: 'collection tasks: intervals, last/next run, errors', load: async () => (await import('./task.js')).taskCommand },
	{ name: 'demo', summary: 'build a realistic demo enterprise in its own store and open the TUI on it', load: async () => (await import('./demo.js')).demoCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
	return commands.find(c => c.name === name);
}
