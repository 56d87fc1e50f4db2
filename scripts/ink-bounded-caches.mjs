// An esbuild plugin bounding Ink 6's two module-level text caches (measure-text.js, wrap-text.js). Upstream they
// keep every distinct string ever rendered, so scrolling through millions of rows grows the heap without limit
// (≈ 200 KB per key press on the events pane). Same code, except the cache starts over past 4096 entries:
// one screen holds ~100 texts, so a reset costs one re-measure of the visible rows.
import fs from 'node:fs';
import path from 'node:path';

const LIMIT = 4096;

const measureText = `import widestLine from 'widest-line';
let cache = new Map();
const measureText = (text) => {
	if (text.length === 0) return { width: 0, height: 0 };
	const cached = cache.get(text);
	if (cached) return cached;
	const dimensions = { width: widestLine(text), height: text.split('\\n').length };
	if (cache.size >= ${LIMIT}) cache = new Map();
	cache.set(text, dimensions);
	return dimensions;
};
export default measureText;
`;

const wrapText = `import wrapAnsi from 'wrap-ansi';
import cliTruncate from 'cli-truncate';
let cache = new Map();
const wrapText = (text, maxWidth, wrapType) => {
	const cacheKey = text + String(maxWidth) + String(wrapType);
	const cachedText = cache.get(cacheKey);
	if (cachedText) return cachedText;
	let wrappedText = text;
	if (wrapType === 'wrap') wrappedText = wrapAnsi(text, maxWidth, { trim: false, hard: true });
	if (wrapType.startsWith('truncate')) {
		const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
		wrappedText = cliTruncate(text, maxWidth, { position });
	}
	if (cache.size >= ${LIMIT}) cache = new Map();
	cache.set(cacheKey, wrappedText);
	return wrappedText;
};
export default wrapText;
`;

const replacements = { 'measure-text.js': measureText, 'wrap-text.js': wrapText };

export const boundedInkCaches = {
	name: 'bounded-ink-caches',
	setup(build) {
		build.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, args => {
			const original = fs.readFileSync(args.path, 'utf8');
			// Only replace the versions this was written against; a changed upstream file is left alone.
			if (!/const cache = (new Map\(\)|\{\});/.test(original)) return undefined;
			return { contents: replacements[path.basename(args.path)], loader: 'js', resolveDir: path.dirname(args.path) };
		});
	},
};
