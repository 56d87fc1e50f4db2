// Every subcommand, loaded on demand so a one-shot command never pays for the TUI or the others.
import type { Command } from './command.js';

export interface CommandEntry {
	name: string;
	summary: string;
	load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
	{ name: 'version', summary: 'print the version and the store schema', load: async () => (await import('./version.js')).versionCommand },
	{ name: 'track', summary: 'who had an IP, MAC, host or user, and when', load: async () => (await import('./track.js')).trackCommand },
	{ name: 'events', summary: 'list lease, logon, config-change and audit events', load: async () => (await import('./events.js')).eventsCommand },
	{ name: 'logons', summary: 'import logon records (CSV / JSON lines) for user tracking', load: async () => (await import('./logons.js')).logonsCommand },
	{ name: 'import', summary: 'import address space from MS IPAM, NetBox, phpIPAM or ipam CSV', load: async () => (await import('./import/command.js')).importCommand },
	{ name: 'retention', summary: 'show or set how long event history is kept; purge now', load: async () => (await import('./retention.js')).retentionCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
	return commands.find(c => c.name === name);
}
