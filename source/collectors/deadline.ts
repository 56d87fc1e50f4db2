// Per-call deadlines for collectors: every network or process call ends when the run is aborted or its own time is up.

/** A signal that fires when `outer` aborts or after `ms` milliseconds, whichever comes first. */
export function deadline(outer: AbortSignal, ms: number): AbortSignal {
	if (!(ms > 0)) return outer;
	return AbortSignal.any([outer, AbortSignal.timeout(ms)]);
}

/** Why a signal fired, in words a user can act on. */
export function abortReason(signal: AbortSignal, what: string, ms: number): string {
	const reason = signal.reason as { name?: string } | undefined;
	if (reason?.name === 'TimeoutError') return `${what}: no answer within ${ms} ms`;
	return `${what}: collection was cancelled`;
}
