// Colour on or off for the whole TUI: NO_COLOR (https://no-color.org) turns every colour into plain text.
let colorOn = true;

export function setColor(enabled: boolean): void {
	colorOn = enabled;
}

export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
	return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** The colour to pass to <Text color>, or undefined when colour is off. */
export function paint(color: string | undefined): string | undefined {
	return colorOn ? color : undefined;
}
