// Column widths for the virtualized table: from the column spec and the terminal width only, so they never move while scrolling.
import stringWidth from 'string-width';

export interface WidthSpec {
	width: number | 'flex';
	header: string;
}

const FLEX_MIN = 8;

/** Widths per column (0 = hidden because the terminal is too narrow); one space separates columns. */
export function layoutColumns(columns: WidthSpec[], total: number): number[] {
	const fixed = columns.map(c => (c.width === 'flex' ? FLEX_MIN : Math.max(c.width, c.header.length + 1)));
	const shown = columns.map(() => true);
	const need = () => fixed.reduce((s, w, i) => s + (shown[i] ? w + 1 : 0), 0) - 1;
	// Drop columns from the right (never the first) until the rest fit.
	for (let i = columns.length - 1; i > 0 && need() > total; i--) shown[i] = false;
	const widths = fixed.map((w, i) => (shown[i] ? w : 0));
	const flex = columns.map((c, i) => (shown[i] && c.width === 'flex' ? i : -1)).filter(i => i >= 0);
	let spare = Math.max(0, total - need());
	if (flex.length === 0) {
		// No flexible column: give the spare to the last shown one so rows span the screen.
		const last = widths.map((w, i) => (w > 0 ? i : -1)).filter(i => i >= 0).at(-1);
		if (last !== undefined) widths[last] += spare;
		return widths;
	}
	const each = Math.floor(spare / flex.length);
	for (const i of flex) {
		widths[i] += each;
		spare -= each;
	}
	widths[flex.at(-1)!] += spare;
	if (total > 0 && widths[0] > total) widths[0] = total;
	return widths;
}

/** Pads or truncates to exactly `width` terminal cells, with an ellipsis when cut. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	// Fast path: plain ASCII is one cell per character.
	const ascii = /^[\x20-\x7e]*$/.test(text);
	const w = ascii ? text.length : stringWidth(text);
	if (w <= width) {
		const pad = ' '.repeat(width - w);
		return align === 'right' ? pad + text : text + pad;
	}
	if (ascii) return text.slice(0, width - 1) + '…';
	let out = '';
	let used = 0;
	for (const ch of text) {
		const cw = stringWidth(ch);
		if (used + cw > width - 1) break;
		out += ch;
		used += cw;
	}
	return out + ' '.repeat(width - 1 - used) + '…';
}
