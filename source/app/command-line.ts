// The `:` command bar: what a typed command means (a pane, `:ip`, `:mac`, `:track`, `:q`) and its completion.
import { panes, findPane } from '../panes/registry.js';
import type { PaneSpec, Scope } from '../panes/pane-spec.js';
import { parseAddress, keyBuffer } from '../domain/ip.js';
import { parseFilterTerm, type FilterTerm } from '../domain/filter-term.js';
import { parseTimeSpec, TimeSpecError } from '../domain/time-spec.js';

export type CommandResult =
	| { kind: 'pane'; pane: PaneSpec; scope: Scope | null }
	| { kind: 'ip'; family: 4 | 6; ip: Buffer; text: string }
	| { kind: 'quit' }
	| { kind: 'help' }
	| { kind: 'error'; message: string };

const VERBS = ['ip', 'mac', 'track', 'quit', 'q', 'help'];

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

/** "10.1.2.34@yesterday 14:23" → the events pane narrowed to that address, starting at that moment. */
function track(arg: string, now: Date): CommandResult {
	const at = arg.indexOf('@');
	const what = (at >= 0 ? arg.slice(0, at) : arg).trim();
	if (!what) return { kind: 'error', message: 'track what? e.g. :track 10.1.2.34@yesterday 14:23' };
	const term: FilterTerm = parseFilterTerm(what);
	let anchor: number[] | undefined;
	let label = what;
	if (at >= 0) {
		try {
			const ts = parseTimeSpec(arg.slice(at + 1), now);
			// Events sort newest first on (ts, source, id): start just after the moment so it is on top.
			anchor = [ts, 99, Number.MAX_SAFE_INTEGER];
			label = `${what} @ ${arg.slice(at + 1).trim()}`;
		} catch (err) {
			if (err instanceof TimeSpecError) return { kind: 'error', message: err.message };
			throw err;
		}
	}
	return { kind: 'pane', pane: findPane('events')!, scope: { label: `track ${label}`, where: [], term, anchor } };
}

export function runCommandLine(input: string, now = new Date()): CommandResult {
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
	if (verb === 'track') return track(arg, now);
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
