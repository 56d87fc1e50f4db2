// Keeps Ink interactive on a real terminal even when the environment claims to be CI.

/**
 * Ink renders no live frames when it believes it runs under CI (CI / CONTINUOUS_INTEGRATION set, read once
 * when Ink loads), which leaves a real terminal blank. A person at a TTY wants the live screen, so the hint
 * is dropped before Ink is imported. Call it right before importing the TUI.
 */
export function preferLiveTerminal(env: NodeJS.ProcessEnv = process.env): void {
	if (!process.stdout.isTTY) return;
	delete env.CI;
	delete env.CONTINUOUS_INTEGRATION;
}
