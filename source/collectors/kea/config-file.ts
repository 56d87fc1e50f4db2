// A Kea configuration file (kea-dhcp4.conf / kea-dhcp6.conf) read for servers reachable only by file. Kea's JSON
// dialect allows #, // and /* */ comments, removed here outside strings, and `<?include "file"?>` directives,
// which Kea's lexer splices in where they stand (inside an array or map as well as at the top).
import path from 'node:path';
import type { Family } from '../../domain/ip.js';
import { KeaError } from './answer.js';
import type { KeaConfig } from './config.js';
import { readKeaConfig } from './config.js';

/** Kea refuses more than ten levels of nested includes (its lexer's limit); a chain that long is a mistake here too. */
const MAX_DEPTH = 10;

/** Reads one file (local or over SSH); the path is already resolved. */
export type ReadText = (file: string) => Promise<string>;

/**
 * Walks Kea's JSON text: strings and plain text go to `text` (newlines of removed comments kept, so lines
 * still count), `<?…?>` directives to `directive` with their body (null: never closed) and line.
 */
function scan(text: string, to: { text(t: string): void; directive(body: string | null, line: number): void }): void {
	let i = 0;
	let line = 1;
	let plain = 0;
	const flush = (end: number) => {
		if (end > plain) to.text(text.slice(plain, end));
	};
	while (i < text.length) {
		const c = text[i];
		if (c === '\n') {
			line++;
			i++;
		} else if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
			// A newline ends a broken string too: JSON.parse reports it, and lines keep counting.
			i = text[j] === '\n' ? j : j + 1;
		} else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
			flush(i);
			while (i < text.length && text[i] !== '\n') i++;
			plain = i;
		} else if (c === '/' && text[i + 1] === '*') {
			flush(i);
			const end = text.indexOf('*/', i + 2);
			const stop = end < 0 ? text.length : end + 2;
			const lines = text.slice(i, stop).split('\n').length - 1;
			line += lines;
			to.text('\n'.repeat(lines));
			i = plain = stop;
		} else if (c === '<' && text[i + 1] === '?') {
			flush(i);
			const end = text.indexOf('?>', i + 2);
			const body = end < 0 ? text.slice(i + 2) : text.slice(i + 2, end);
			to.directive(end < 0 ? null : body, line);
			const lines = body.split('\n').length - 1;
			line += lines;
			to.text('\n'.repeat(lines));
			i = plain = end < 0 ? text.length : end + 2;
		} else i++;
	}
	flush(text.length);
}

/**
 * The file's text with comments removed and every include spliced in. Relative paths are taken from the
 * including file's directory: Kea opens them from its working directory, which a collector cannot know,
 * and installations keep included files beside the main one.
 */
export async function expandKeaIncludes(text: string, file: string, read: ReadText, chain: string[] = [file]): Promise<string> {
	const parts: (string | { at: string; name: string; target: string })[] = [];
	scan(text, {
		text: t => parts.push(t),
		directive: (body, line) => {
			const at = `${file}:${line}`;
			if (body === null) throw new KeaError(`${at}: "<?" directive not closed with "?>"`);
			const m = /^\s*include\s*"([^"\n]+)"\s*$/.exec(body);
			if (!m) throw new KeaError(`${at}: unknown directive <?${body.trim()}?>: Kea knows only <?include "file"?>`);
			const target = path.posix.isAbsolute(m[1]) ? m[1] : path.posix.join(path.posix.dirname(file), m[1]);
			if (chain.includes(target)) throw new KeaError(`${at}: include loop: ${[...chain, target].join(' → ')}`);
			if (chain.length > MAX_DEPTH) throw new KeaError(`${at}: includes nested deeper than ${MAX_DEPTH} files (Kea's limit): ${[...chain, target].join(' → ')}`);
			parts.push({ at, name: m[1], target });
		},
	});
	let out = '';
	// In file order, one at a time: the first bad include is the one reported.
	for (const p of parts) {
		if (typeof p === 'string') {
			out += p;
			continue;
		}
		let included: string;
		try {
			included = await read(p.target);
		} catch (e) {
			throw new KeaError(`${p.at}: <?include "${p.name}"?>: cannot read ${p.target}: ${(e as Error).message.replace(`${p.target}: `, '')}`);
		}
		out += await expandKeaIncludes(included, p.target, read, [...chain, p.target]);
	}
	return out;
}

/** A configuration file's scopes and reservations; `read` fetches included files (without it, includes are refused). */
export async function readKeaConfigFile(text: string, file: string, family: Family, read?: ReadText): Promise<KeaConfig> {
	const refuse: ReadText = async () => {
		throw new Error('includes are not followed here');
	};
	const expanded = await expandKeaIncludes(text, file, read ?? refuse);
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(expanded);
	} catch (e) {
		throw new KeaError(`${file}: not a Kea JSON configuration${/<\?/.test(text) ? ' (with its includes)' : ''}: ${(e as Error).message}`);
	}
	return readKeaConfig(parsed, family);
}
