// The shell's keys, declared as tables (k9s style): help and the footer are generated from these, dispatch looks them up.
import type { Key } from 'ink';

export type Action =
	| 'down' | 'up' | 'pageDown' | 'pageUp' | 'top' | 'bottom'
	| 'drill' | 'back' | 'describe' | 'command' | 'filter' | 'help' | 'quit'
	| 'sortNext' | 'sortReverse' | 'copy' | 'track' | 'refresh'
	| 'create' | 'edit' | 'delete' | 'allocateAddress' | 'allocateSubnet';

/** What the shell is doing: which keys mean what, and what the footer says. */
export type Mode = 'normal' | 'command' | 'filter' | 'help' | 'describe' | 'form';

export interface Binding {
	keys: string[];
	action: Action;
	label: string;
	/** Shown in the footer when it matters now. */
	footer?: boolean;
	/** Only on panes that can be edited (their spec names a form). */
	editable?: boolean;
	/** Only on these panes. */
	panes?: string[];
}

export const bindings: Binding[] = [
	{ keys: ['j', 'down'], action: 'down', label: 'next row' },
	{ keys: ['k', 'up'], action: 'up', label: 'previous row' },
	{ keys: ['pagedown', 'ctrl+f'], action: 'pageDown', label: 'next page' },
	{ keys: ['pageup', 'ctrl+b'], action: 'pageUp', label: 'previous page' },
	{ keys: ['g', 'home'], action: 'top', label: 'first row' },
	{ keys: ['G', 'end'], action: 'bottom', label: 'last row' },
	{ keys: ['enter'], action: 'drill', label: 'drill down', footer: true },
	{ keys: ['escape'], action: 'back', label: 'back / clear filter', footer: true },
	{ keys: [':'], action: 'command', label: 'command (pane, :ip, :mac, :track)', footer: true },
	{ keys: ['/'], action: 'filter', label: 'filter (text, CIDR, 10.1., MAC)', footer: true },
	{ keys: ['d'], action: 'describe', label: 'describe', footer: true },
	{ keys: ['s'], action: 'sortNext', label: 'sort by next column' },
	{ keys: ['S'], action: 'sortReverse', label: 'reverse sort' },
	{ keys: ['y'], action: 'copy', label: 'copy value (OSC 52)' },
	{ keys: ['t'], action: 'track', label: 'track this address / MAC' },
	{ keys: ['r', 'ctrl+r'], action: 'refresh', label: 'refresh' },
	{ keys: ['n'], action: 'create', label: 'new', editable: true, footer: true },
	{ keys: ['e'], action: 'edit', label: 'edit', editable: true },
	{ keys: ['x', 'delete'], action: 'delete', label: 'delete (asks first)', editable: true },
	{ keys: ['A'], action: 'allocateAddress', label: 'allocate next free address', panes: ['subnets', 'ranges', 'blocks'] },
	{ keys: ['F'], action: 'allocateSubnet', label: 'allocate a free subnet', panes: ['blocks'] },
	{ keys: ['?'], action: 'help', label: 'help', footer: true },
	{ keys: ['q', 'ctrl+c'], action: 'quit', label: 'quit', footer: true },
];

/** A key event as one name: 'j', 'G', 'enter', 'ctrl+f', 'pagedown' … */
export function keyName(input: string, key: Key): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageDown) return 'pagedown';
	if (key.pageUp) return 'pageup';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'escape';
	if (key.tab) return 'tab';
	if (key.backspace) return 'backspace';
	if (key.delete) return 'delete';
	if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
	return input;
}

export function bindingsFor(pane: { id: string; form?: string }): Binding[] {
	return bindings.filter(b => (!b.editable || !!pane.form) && (!b.panes || b.panes.includes(pane.id)));
}

export function actionFor(name: string, pane: { id: string; form?: string }): Action | undefined {
	return bindingsFor(pane).find(b => b.keys.includes(name))?.action;
}

const NO_KEY: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
} as Key;

/**
 * Keys that arrived in one chunk (a loaded machine, tmux, a paste) as separate key presses; escape
 * sequences are left whole because the input parser already split those.
 */
export function splitChunk(input: string, key: Key): [string, Key][] {
	if (input.length <= 1 || key.meta || input.includes('\u001b')) return [[input, key]];
	return [...input].map(ch => {
		if (ch === '\r' || ch === '\n') return ['\r', { ...NO_KEY, return: true }];
		if (ch === '\t') return ['', { ...NO_KEY, tab: true }];
		if (ch === '\u007f' || ch === '\b') return ['', { ...NO_KEY, backspace: true }];
		if (ch < ' ') return [String.fromCharCode(ch.charCodeAt(0) + 96), { ...NO_KEY, ctrl: true }];
		return [ch, { ...NO_KEY, shift: ch !== ch.toLowerCase() }];
	});
}

/** The keys that matter now, for the footer. */
export function footerText(mode: Mode, pane: { id: string; form?: string; keys?: { key: string; label: string }[] }): string {
	switch (mode) {
		case 'command':
			return 'Tab complete · Enter run · Esc cancel · :blocks :leases 10.1.0.0/16 :ip ADDR :mac MAC :track ADDR@yesterday 14:23';
		case 'filter':
			return 'type text, an address prefix (10.1.), a CIDR or a MAC · Enter keep · Esc clear';
		case 'help':
		case 'describe':
			return 'Esc close';
		case 'form':
			return 'Tab/↓ next field · Enter submit · Esc cancel';
		case 'normal':
			return bindingsFor(pane)
				.filter(b => b.footer)
				.map(b => `${b.keys[0]} ${b.label.split(' (')[0]}`)
				.concat((pane.keys ?? []).map(k => `${k.key} ${k.label}`))
				.join(' · ');
	}
}
