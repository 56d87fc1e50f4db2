// One run against one server under its own deadline: the credential resolved, the talking raced against the
// deadline (a hung collector cannot hold a pass), the storing done after it, and a failure written to the
// server's status with any secret redacted. Shared by DHCP collections and domain-controller logon reads.
import type { Store } from '../../store/database.js';
import { parseEndpoint, setServerStatus, type ServerRow } from '../../store/servers.js';
import { redact, resolveSecret } from './secrets.js';

export interface ServerRunOptions {
	env?: NodeJS.ProcessEnv;
	/** Per-server deadline (ms); an endpoint's timeoutMs overrides it. Default 120 s. */
	timeoutMs?: number;
	/** Shutdown: the run is abandoned, nothing half-written stays. */
	signal?: AbortSignal;
}

/** What the talking half of a run is handed. */
export interface ServerCall {
	secret?: string;
	signal: AbortSignal;
	timeoutMs: number;
}

export interface ServerRun<R> {
	ok: boolean;
	result?: R;
	error?: string;
	/** Stopped by shutdown (or a lost lock), not by the server: no status change, no backoff. */
	cancelled?: boolean;
	durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Rejects when the signal fires, even if the work ignores it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal, what: string, ms: number): Promise<T> {
	if (signal.aborted) return Promise.reject(abortError(signal, what, ms));
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(abortError(signal, what, ms));
		signal.addEventListener('abort', onAbort, { once: true });
		work.then(
			v => {
				signal.removeEventListener('abort', onAbort);
				resolve(v);
			},
			e => {
				signal.removeEventListener('abort', onAbort);
				reject(e);
			},
		);
	});
}

function abortError(signal: AbortSignal, what: string, ms: number): Error {
	const timeout = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
	return new Error(timeout ? `${what}: no answer within ${Math.round(ms / 1000)} s` : `${what}: collection cancelled`);
}

/**
 * Runs `talk` under the server's deadline, then `save` with what it returned. Only shutdown stops `save` (the
 * deadline was for talking to the server, and it has answered). A failure marks the server down.
 */
export async function runAgainstServer<B, R>(
	store: Store,
	server: ServerRow,
	options: ServerRunOptions,
	talk: (call: ServerCall) => Promise<B>,
	save: (got: B) => Promise<R>,
): Promise<ServerRun<R>> {
	const started = performance.now();
	const elapsed = () => Math.round(performance.now() - started);
	let secret: string | undefined;
	try {
		secret = server.credential_ref ? resolveSecret(server.credential_ref, options.env) : undefined;
		if (server.credential_ref && secret === undefined) {
			throw new Error(`credential "${server.credential_ref}" is not in the secrets file or the environment`);
		}
		const timeoutMs = Number(parseEndpoint(server.endpoint).timeoutMs) || options.timeoutMs || DEFAULT_TIMEOUT_MS;
		// A ref'd timer (AbortSignal.timeout's is not): a hung collector must not let the process exit mid-run.
		const timeout = new AbortController();
		const timer = setTimeout(() => timeout.abort(new DOMException('deadline', 'TimeoutError')), timeoutMs);
		const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
		let got: B;
		try {
			got = await raceAbort(talk({ secret, signal, timeoutMs }), signal, server.name, timeoutMs);
		} finally {
			clearTimeout(timer);
		}
		return { ok: true, result: await save(got), durationMs: elapsed() };
	} catch (err) {
		if (options.signal?.aborted) return { ok: false, cancelled: true, error: 'cancelled', durationMs: elapsed() };
		const message = redact((err as Error)?.message ?? String(err), secret).replace(/\s+/g, ' ').slice(0, 500);
		await store.transaction(tx => setServerStatus(tx, server.id, { status: 'down', message }));
		return { ok: false, error: message, durationMs: elapsed() };
	}
}
