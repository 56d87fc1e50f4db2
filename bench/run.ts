// `npm run bench [-- NAME…]`: runs each area's benchmark module in turn; results are written into BENCHMARKS.md by hand.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// One line per area; each module exports `run(): Promise<void>` and prints its figures.
const modules = ['address-space', 'import', 'lease-files', 'ingest', 'kea', 'tracking', 'tui'];

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
for (const name of modules) {
	if (wanted.length > 0 && !wanted.includes(name)) continue;
	const file = path.join(here, `${name}.ts`);
	if (!fs.existsSync(file)) {
		console.log(`\n## ${name}: no benchmark module yet`);
		continue;
	}
	console.log(`\n## ${name}`);
	const started = Date.now();
	const mod = (await import(file)) as { run: () => Promise<void> };
	await mod.run();
	console.log(`(${name} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
