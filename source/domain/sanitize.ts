// The one sanitizer for text that reaches a terminal: collected data (host names, vendor classes) is untrusted.

// C0 controls except none, DEL, C1 controls, and the bidi/line-separator format characters that can reorder a line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;
// A whole escape sequence (CSI, OSC, DCS, single ESC+char) goes, not just its ESC byte, so no payload text remains.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]/g;

/** Removes escape sequences and control characters; tabs and newlines become spaces. */
export function sanitize(text: unknown): string {
	if (text === null || text === undefined) return '';
	const s = typeof text === 'string' ? text : String(text);
	return s.replace(ESCAPE_SEQUENCE, '').replace(/[\t\n\r]/g, ' ').replace(CONTROL, '');
}

export function hasControlCharacters(text: string): boolean {
	CONTROL.lastIndex = 0;
	return CONTROL.test(text) || text.includes('\u001b');
}
