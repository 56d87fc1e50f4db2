// The `:` command bar: what a typed command means (a pane, `:ip`, `:mac`, `:track`, `:q`) and its completion.
import { panes, findPane } from '../panes/registry.js';
import type { PaneSpec, Scope } from '../panes/pane-spec.js';
import { parseAddress, keyBuffer } from '../domain/ip.js';
import { parseFilterTerm } from '../domain/filter-term.js';

export type CommandResult =
	| { kind: 'pane'; pane: PaneSpec; scope: Scope | null }
	| { kind: 'ip'; family: 4 | 6; ip: Buffer; text: string }
	| { kind: 'quit' }
	| { kind: 'help' }
	| { kind: 'error'; message: string };

const VERBS = ['ip', 'mac', 'quit', 'q', 'help'];

export function commandNames(): string[] {
	return [...panes.flatMap(p => [p.id]), ...VERBS];
}

/** Completes the first word: the unique candidate, else the longest common prefix of the candidates. */
export function complete(text: string): string {
	if (text.includes(' ')) return text;
	const candidates = commandNames().filter(n => n.startsWith(text.toLowerCase()));
	if (candidates.length === 0) return text;
	if (candidates.length === 1) return candidates[0] + ' ';
	let prefix = candidates[0];
	for (const c of candidates) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
	return prefix.length > text.length ? prefix : text;
}

export function suggestions(text: string): string[] {
	if (text.includes(' ')) return [];
	return commandNames().filter(n => n.startsWith(text.toLowerCase()) && n !== text);
}

export function runCommandLine(input: string): CommandResult {
	const text = input.trim().replace(/^:/, '');
	const space = text.indexOf(' ');
	const verb = (space < 0 ? text : text.slice(0, space)).toLowerCase();
	const arg = space < 0 ? '' : text.slice(space + 1).trim();
	if (!verb) return { kind: 'error', message: 'type a pane name or a command; Tab completes' };
	if (verb === 'q' || verb === 'quit' || verb === 'q!') return { kind: 'quit' };
	if (verb === 'help') return { kind: 'help' };
	if (verb === 'ip') {
		try {
			const a = parseAddress(arg);
			return { kind: 'ip', family: a.family, ip: keyBuffer(a.family, a.value), text: arg };
		} catch (err) {
			return { kind: 'error', message: (err as Error).message };
		}
	}
	if (verb === 'mac') {
		const term = parseFilterTerm(arg);
		if (term.kind !== 'mac' && term.kind !== 'mac-prefix') return { kind: 'error', message: `"${arg}" is not a MAC address (any notation: aa:bb:…, aa-bb-…, aabb.ccdd.eeff)` };
		return { kind: 'pane', pane: findPane('events')!, scope: { label: `mac ${term.kind === 'mac' ? term.mac : term.prefix}`, where: [], term } };
	}
	const pane = findPane(verb);
	if (!pane) return { kind: 'error', message: `no pane or command "${verb}"; try ${commandNames().join(', ')}` };
	if (!arg) return { kind: 'pane', pane, scope: null };
	const scope = pane.argument?.(arg) ?? null;
	if (!scope) {
		// Anything else narrows like the filter would (a host name, a MAC on the leases pane).
		const term = parseFilterTerm(arg);
		if (!pane.filter(term)) return { kind: 'error', message: `the ${pane.id} pane cannot be narrowed by "${arg}"` };
		return { kind: 'pane', pane, scope: { label: arg, where: [], term } };
	}
	return { kind: 'pane', pane, scope };
}
