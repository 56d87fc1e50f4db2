// A Kea configuration file (kea-dhcp4.conf / kea-dhcp6.conf) read for servers reachable only by file: Kea's JSON
// dialect allows #, // and /* */ comments, which are removed (outside strings) before JSON.parse.
import type { Family } from '../../domain/ip.js';
import { KeaError } from './answer.js';
import type { KeaConfig } from './config.js';
import { readKeaConfig } from './config.js';

/** Removes Kea's comments without touching `#` or `//` inside quoted strings (option data, URLs). */
export function stripKeaComments(text: string): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
		} else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
			while (i < text.length && text[i] !== '\n') i++;
		} else if (c === '/' && text[i + 1] === '*') {
			const end = text.indexOf('*/', i + 2);
			i = end < 0 ? text.length : end + 2;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

export function readKeaConfigFile(text: string, file: string, family: Family): KeaConfig {
	if (/<\?include/.test(text)) throw new KeaError(`${file}: <?include?> directives are not followed; point endpoint.configFile at a self-contained file`);
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(stripKeaComments(text));
	} catch (e) {
		throw new KeaError(`${file}: not a Kea JSON configuration: ${(e as Error).message}`);
	}
	return readKeaConfig(parsed, family);
}
