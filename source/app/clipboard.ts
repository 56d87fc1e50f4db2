// Copy to the user's clipboard over SSH: OSC 52, wrapped for tmux/screen passthrough when running inside them.
export function osc52(text: string, env: NodeJS.ProcessEnv = process.env): string {
	const seq = `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
	if (env.TMUX) return `\u001bPtmux;\u001b${seq}\u001b\\`;
	return seq;
}
