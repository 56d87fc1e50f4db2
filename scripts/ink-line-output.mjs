// An esbuild plugin giving Ink 6's frame composition (build/output.js) a line-level fast path. Upstream turns
// every frame into a grid of one styled-character object per terminal cell: each written line is re-tokenized,
// and each row is re-serialized with a style diff per character. That is most of the CPU per key press in the
// TUI, and most of its garbage. Here a row written by exactly one text (how a table row, a header or a footer
// is drawn) is that text's serialization, shifted right by its x: the same string the grid would give,
// cached across frames (bounded) so a row scrolled up by one line costs a Map lookup. Rows written by several
// texts take upstream's per-character path for that row alone; a frame with clipping takes upstream's path whole.
// Also, render-node-to-output.js measures every text of every frame afresh (ANSI stripping and grapheme
// segmentation per row); it takes the width from Ink's own measure cache instead (bounded by ink-bounded-caches).
import fs from 'node:fs';

const LIMIT = 4096;

// Inserted before the class: the fast `get` and its cache. `Output`'s own fields are read, never changed.
const fastPath = `
let ipamLineCache = new Map();
/** A line's serialization as a row of the grid would give it (a style diff per character, closed at its end). */
function ipamSerialize(line) {
	let text = ipamLineCache.get(line);
	if (text === undefined) {
		text = styledCharsToString(styledCharsFromTokens(tokenize(line)));
		if (ipamLineCache.size >= ${LIMIT}) ipamLineCache = new Map();
		ipamLineCache.set(line, text);
	}
	return text;
}
/** Upstream's per-character composition of one row, for rows several texts write into. */
function ipamComposeRow(output, pieces) {
	const row = [];
	for (let x = 0; x < output.width; x++) row.push({ type: 'char', value: ' ', fullWidth: false, styles: [] });
	for (const { x, line } of pieces) {
		let offsetX = x;
		for (const character of output.caches.getStyledChars(line)) {
			// Like upstream: a cell left of the row (x < 0) lands on a property the final filter never sees.
			row[offsetX] = character;
			const characterWidth = Math.max(1, output.caches.getStringWidth(character.value));
			for (let index = 1; index < characterWidth; index++) {
				row[offsetX + index] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
			}
			offsetX += characterWidth;
		}
	}
	return styledCharsToString(row.filter(item => item !== undefined)).trimEnd();
}
function ipamFastGet(output) {
	const rows = [];
	for (let y = 0; y < output.height; y++) rows.push(null);
	for (const operation of output.operations) {
		// Clipping (overflow: hidden) is left to upstream's path, whole.
		if (operation.type !== 'write') return null;
		const { x, y, text, transformers } = operation;
		if (!Number.isInteger(x) || !Number.isInteger(y)) return null;
		const lines = text.split('\\n');
		for (let index = 0; index < lines.length; index++) {
			// Upstream stops at the first line outside the frame (it never advances past a missing row).
			const target = y + index;
			if (target < 0 || target >= output.height) break;
			let line = lines[index];
			for (const transformer of transformers) line = transformer(line, index);
			(rows[target] ??= []).push({ x, line });
		}
	}
	const out = rows.map(pieces => {
		if (pieces === null) return '';
		if (pieces.length === 1 && pieces[0].x >= 0 && pieces[0].x <= output.width) {
			return (' '.repeat(pieces[0].x) + ipamSerialize(pieces[0].line)).trimEnd();
		}
		return ipamComposeRow(output, pieces);
	});
	return { output: out.join('\\n'), height: out.length };
}
`;

// The hook in the class: try the fast path first, upstream's body (renamed) when it declines.
const GET = '\n    get() {\n';
const HOOK = '\n    get() {\n        return ipamFastGet(this) ?? this.upstreamGet();\n    }\n    upstreamGet() {\n';
const CLASS = '\nexport default class Output {';

/** The patched module text, or undefined when the upstream file is not the shape this was written against. */
export function patchOutput(original) {
	if (original.split(GET).length !== 2 || original.split(CLASS).length !== 2) return undefined;
	if (!original.includes('styledCharsFromTokens, styledCharsToString, tokenize')) return undefined;
	return original.replace(CLASS, `${fastPath}${CLASS}`).replace(GET, HOOK);
}

const MEASURE = '                const currentWidth = widestLine(text);\n';

/** render-node-to-output.js with the text width from measureText's cache, or undefined when not that shape. */
export function patchRenderNode(original) {
	if (original.split(MEASURE).length !== 2 || original.includes('measure-text.js')) return undefined;
	return `import measureText from './measure-text.js';\n${original.replace(MEASURE, '                const currentWidth = measureText(text).width;\n')}`;
}

export const inkLineOutput = {
	name: 'ink-line-output',
	setup(build) {
		build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, args => {
			const contents = patchOutput(fs.readFileSync(args.path, 'utf8'));
			return contents === undefined ? undefined : { contents, loader: 'js' };
		});
		build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/ }, args => {
			const contents = patchRenderNode(fs.readFileSync(args.path, 'utf8'));
			return contents === undefined ? undefined : { contents, loader: 'js' };
		});
	},
};
