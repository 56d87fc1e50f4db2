// A CollectContext for driving collectors in tests as the scheduler would.
import type { CollectContext, CollectPart, ServerInfo } from '../../source/collectors/collector.js';

let nextId = 1;

export function collectContext(
	server: Partial<ServerInfo> & Pick<ServerInfo, 'kind' | 'transport' | 'endpoint'>,
	options: { parts?: CollectPart[]; timeoutMs?: number; secret?: string; signal?: AbortSignal; cursors?: Record<string, unknown> } = {},
): CollectContext {
	const id = server.id ?? nextId++;
	return {
		server: { id, name: server.name ?? `${server.kind}-${id}`, address: server.address ?? '', credentialRef: server.credentialRef ?? '', ...server },
		parts: options.parts ?? ['health', 'config', 'leases'],
		secret: options.secret,
		signal: options.signal ?? new AbortController().signal,
		timeoutMs: options.timeoutMs ?? 10_000,
		cursors: options.cursors ?? {},
	};
}
