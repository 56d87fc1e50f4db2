// The collector registry: which Collector serves each server kind, loaded on demand so a run pays only for the kinds it uses.
import type { Collector } from './collector.js';

const loaders: Record<string, () => Promise<Collector>> = {
	kea: async () => (await import('./kea/index.js')).keaCollector,
	dhcpd: async () => (await import('./dhcpd/index.js')).dhcpdCollector,
	dnsmasq: async () => (await import('./dnsmasq/index.js')).dnsmasqCollector,
	windows: async () => (await import('./windows/index.js')).windowsCollector,
};

/** Collectors registered at run time (tests register fakes here; nothing in the product does). */
const registered = new Map<string, Collector>();

export function registerCollector(collector: Collector): void {
	registered.set(collector.kind, collector);
}

export function unregisterCollector(kind: string): void {
	registered.delete(kind);
}

export async function collectorFor(kind: string): Promise<Collector | undefined> {
	const own = registered.get(kind);
	if (own) return own;
	const load = loaders[kind];
	return load ? load() : undefined;
}

export function collectorKinds(): string[] {
	return [...new Set([...Object.keys(loaders), ...registered.keys()])].sort();
}
