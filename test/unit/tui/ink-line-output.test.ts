// The bundle's line-level fast path for Ink's frame composition (scripts/ink-line-output.mjs) gives the same frame
// text as Ink's own per-character path, over generated frames: styles, wide characters, several texts in a row,
// rows outside the frame, transformers, and clipping (which must fall back whole).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Output {
	operations: unknown[];
	write(x: number, y: number, text: string, options: { transformers: ((line: string, index: number) => string)[] }): void;
	clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
	unclip(): void;
	get(): { output: string; height: number };
	upstreamGet(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => Output;

/** Ink's output.js as the bundle ships it, built with the plugin into a temporary module. */
async function patchedOutput(): Promise<OutputClass> {
	const { inkLineOutput } = (await import(pathToFileURL(path.join(root, 'scripts', 'ink-line-output.mjs')).href)) as { inkLineOutput: never };
	const inkEntry = createRequire(path.join(root, 'package.json')).resolve('ink');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-ink-output-'));
	const outfile = path.join(dir, 'output.mjs');
	await build({
		entryPoints: [path.join(path.dirname(inkEntry), 'output.js')],
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'node',
		plugins: [inkLineOutput],
		logLevel: 'silent',
	});
	try {
		return ((await import(pathToFileURL(outfile).href)) as { default: OutputClass }).default;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** A small deterministic generator, so a failure names a reproducible seed. */
function random(seed: number) {
	let s = seed >>> 0 || 1;
	const next = () => {
		s ^= s << 13;
		s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5;
		s >>>= 0;
		return s / 2 ** 32;
	};
	return { int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p };
}

const STYLES = ['\u001b[31m', '\u001b[32m', '\u001b[39m', '\u001b[1m', '\u001b[22m', '\u001b[2m', '\u001b[7m', '\u001b[27m', '\u001b[0m', '\u001b[38;5;208m', '\u001b[44m', '\u001b[49m'];
const WORDS = ['10.1.7.23', 'pc-0004', ' ', '   ', '漢字', '👍', 'é', '█░', '·', 'aa:bb:cc:dd:ee:ff', '…', 'x'];

function text(r: ReturnType<typeof random>): string {
	let t = '';
	for (let i = r.int(0, 8); i > 0; i--) t += r.chance(0.35) ? r.pick(STYLES) : r.pick(WORDS);
	if (r.chance(0.15)) t += `\n${r.pick(WORDS)}${r.pick(STYLES)}${r.pick(WORDS)}`;
	return t;
}

test('the fast path composes the same frame text as Ink per character', async () => {
	const Output = await patchedOutput();
	const paint = (line: string, index: number) => `\u001b[3${index % 7}m${line}\u001b[39m`;
	let fast = 0;
	for (let seed = 1; seed <= 400; seed++) {
		const r = random(seed);
		const width = r.int(1, 40);
		const height = r.int(1, 8);
		const out = new Output({ width, height });
		const clipped = r.chance(0.1);
		if (clipped) out.clip({ x1: 0, x2: r.int(1, width), y1: 0, y2: r.int(1, height) });
		for (let i = r.int(0, 12); i > 0; i--) {
			// Mostly one text a row at x = 0 or an indent (tables, header, footer), sometimes several, sometimes off the frame.
			const x = r.chance(0.7) ? r.int(0, 3) : r.int(-3, width + 3);
			const y = r.chance(0.8) ? r.int(0, height - 1) : r.int(-2, height + 2);
			out.write(x, y, text(r), { transformers: r.chance(0.3) ? [paint] : [] });
		}
		if (clipped) out.unclip();
		const expected = out.upstreamGet();
		assert.deepEqual(out.get(), expected, `seed ${seed}`);
		if (!clipped) fast++;
	}
	assert.ok(fast > 300, 'most generated frames went through the fast path');
});

test('a row scrolled to another line comes out the same from the cache', async () => {
	const Output = await patchedOutput();
	const rows = ['\u001b[7m10.1.7.1   pc-0001\u001b[27m', '10.1.7.2   \u001b[32mpc-0002\u001b[39m', '10.1.7.3   pc-0003'];
	const frame = (first: number) => {
		const out = new Output({ width: 30, height: 3 });
		for (let i = 0; i < 3; i++) out.write(0, i, rows[(first + i) % 3], { transformers: [] });
		return out;
	};
	for (const first of [0, 1, 2, 0]) {
		const out = frame(first);
		assert.deepEqual(out.get(), out.upstreamGet());
	}
});

test('the installed Ink is the shape the bundle patches were written against', async () => {
	const { patchOutput, patchRenderNode } = (await import(pathToFileURL(path.join(root, 'scripts', 'ink-line-output.mjs')).href)) as Record<string, (s: string) => string | undefined>;
	const build = path.dirname(createRequire(path.join(root, 'package.json')).resolve('ink'));
	// A silent fallback to upstream would keep working but lose the speed the benchmark depends on.
	assert.ok(patchOutput(fs.readFileSync(path.join(build, 'output.js'), 'utf8')), 'output.js patch applies');
	assert.ok(patchRenderNode(fs.readFileSync(path.join(build, 'render-node-to-output.js'), 'utf8')), 'render-node-to-output.js patch applies');
});
