// Every subcommand, loaded on demand so a one-shot command never pays for the TUI or the others.
import type { Command } from './command.js';

export interface CommandEntry {
	name: string;
	summary: string;
	load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
	{ name: 'version', summary: 'print the version and the store schema', load: async () => (await import('./version.js')).versionCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
	return commands.find(c => c.name === name);
}
