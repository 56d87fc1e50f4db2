// `ipam version`: the program version and the store's schema version.
import type { Command } from './command.js';
import { parseOptions, withStore } from './command.js';
import { packageVersion } from './package-info.js';

const usage = `Usage: ipam version [--json]

Prints the ipam version, the store path and its schema version.`;

export const versionCommand: Command = {
	name: 'version',
	summary: 'print the version and the store schema',
	async run(ctx) {
		const { values } = parseOptions(ctx.args, { json: { type: 'boolean' } }, usage);
		if (values.help) {
			ctx.stdout.write(usage + '\n');
			return 0;
		}
		const schema = await withStore(ctx, s => s.schemaVersion());
		const info = { version: packageVersion(), store: ctx.dbPath, schema };
		ctx.stdout.write(values.json ? JSON.stringify(info) + '\n' : `ipam ${info.version}\nstore ${info.store} (schema ${info.schema})\n`);
		return 0;
	},
};
