// Bundles the CLI for start-up time: one ESM entry (dist/cli.js) plus lazily loaded chunks beside it, so
// `ipam` with no command loads the TUI in a handful of files and a one-shot command never loads Ink.
// sqlite3 stays external (native addon); the store finds its SQL migrations from dist/ (store/migrations.ts).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boundedInkCaches } from './ink-bounded-caches.mjs';
import { yogaSyncWasm } from './yoga-sync-wasm.mjs';
import { inkLineOutput } from './ink-line-output.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `node scripts/bundle.mjs [OUTDIR]`: dist/ by default; the TUI benchmark bundles into its own directory under dist/.
const outdir = process.argv[2] ?? 'dist';

// Chunk names carry content hashes: drop the previous build's so dist/ does not grow.
for (const f of fs.existsSync(path.join(root, outdir)) ? fs.readdirSync(path.join(root, outdir)) : []) {
	if (/^chunk-.*\.js(\.map)?$/.test(f)) fs.rmSync(path.join(root, outdir, f));
}

await build({
	absWorkingDir: root,
	entryPoints: { cli: 'cli.tsx', worker: 'source/workers/worker.ts' },
	outdir,
	// Chunks beside the entries: the worker host resolves './worker.js' next to its own chunk.
	chunkNames: 'chunk-[hash]',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	sourcemap: 'linked',
	external: ['sqlite3', 'react-devtools-core', 'node-powershell'],
	// Some dependencies are CommonJS and call require(); give the ESM bundle one.
	banner: { js: "import { createRequire as __ipamCreateRequire } from 'node:module'; const require = __ipamCreateRequire(import.meta.url);" },
	define: { 'process.env.NODE_ENV': '"production"' },
	plugins: [boundedInkCaches, yogaSyncWasm, inkLineOutput],
	logLevel: 'warning',
});
