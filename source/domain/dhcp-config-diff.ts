// A server's collected DHCP configuration as a normalised snapshot, and the differences between two
// snapshots as configuration-change events (scope/reservation added, removed, changed; option changed).
import type { DhcpConfig, ReservationRecord, ScopeRecord } from './dhcp.js';
import { canonicalAddress } from './ip.js';

export interface ConfigSnapshot {
	scopes: Record<string, Record<string, unknown>>;
	reservations: Record<string, Record<string, unknown>>;
	options: Record<string, unknown>;
}

export type ConfigEventKind =
	| 'scope-added'
	| 'scope-removed'
	| 'scope-changed'
	| 'reservation-added'
	| 'reservation-removed'
	| 'reservation-changed'
	| 'option-changed';

export interface ConfigChange {
	kind: ConfigEventKind;
	objectKey: string;
	before: unknown;
	after: unknown;
}

/** JSON with object keys sorted, so equal configurations give equal text whatever order a server lists them in. */
export function stableJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const k of Object.keys(value as object).sort()) {
			const v = (value as Record<string, unknown>)[k];
			if (v !== undefined) out[k] = sortKeys(v);
		}
		return out;
	}
	return value;
}

function canonicalIp(text: string): string {
	try {
		return canonicalAddress(text);
	} catch {
		return text;
	}
}

/** What a scope is, for change detection (the server's utilization figures are not configuration). */
export function scopeSnapshot(s: ScopeRecord): Record<string, unknown> {
	return sortKeys({
		family: s.family,
		subnet: s.subnet ?? null,
		start: canonicalIp(s.start),
		end: canonicalIp(s.end),
		name: s.name ?? '',
		description: s.description ?? '',
		state: s.state ?? null,
		leaseSeconds: s.leaseSeconds ?? null,
		options: s.options ?? {},
	}) as Record<string, unknown>;
}

export function reservationSnapshot(r: ReservationRecord): Record<string, unknown> {
	return sortKeys({
		scopeKey: r.scopeKey ?? null,
		family: r.family,
		ip: canonicalIp(r.ip),
		mac: r.mac ?? null,
		clientId: r.clientId ?? null,
		duid: r.duid ?? null,
		iaid: r.iaid ?? null,
		name: r.name ?? '',
		description: r.description ?? '',
		options: r.options ?? {},
	}) as Record<string, unknown>;
}

export function configSnapshot(config: DhcpConfig): ConfigSnapshot {
	const scopes: ConfigSnapshot['scopes'] = {};
	for (const s of config.scopes) scopes[s.key] = scopeSnapshot(s);
	const reservations: ConfigSnapshot['reservations'] = {};
	// One reservation per address per server (the store's identity); the last one listed wins.
	for (const r of config.reservations) reservations[canonicalIp(r.ip)] = reservationSnapshot(r);
	return { scopes, reservations, options: (sortKeys(config.options ?? {}) as Record<string, unknown>) };
}

function diffMaps(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
	kinds: [ConfigEventKind, ConfigEventKind, ConfigEventKind],
): ConfigChange[] {
	const out: ConfigChange[] = [];
	for (const key of Object.keys(after).sort()) {
		if (!(key in before)) out.push({ kind: kinds[0], objectKey: key, before: null, after: after[key] });
		else if (stableJson(before[key]) !== stableJson(after[key])) out.push({ kind: kinds[2], objectKey: key, before: before[key], after: after[key] });
	}
	for (const key of Object.keys(before).sort()) {
		if (!(key in after)) out.push({ kind: kinds[1], objectKey: key, before: before[key], after: null });
	}
	return out;
}

/** Changes from `before` to `after`, scopes first, then reservations, then server-wide options. */
export function diffConfig(before: ConfigSnapshot, after: ConfigSnapshot): ConfigChange[] {
	const options = diffMaps(before.options ?? {}, after.options ?? {}, ['option-changed', 'option-changed', 'option-changed']);
	return [
		...diffMaps(before.scopes ?? {}, after.scopes ?? {}, ['scope-added', 'scope-removed', 'scope-changed']),
		...diffMaps(before.reservations ?? {}, after.reservations ?? {}, ['reservation-added', 'reservation-removed', 'reservation-changed']),
		...options,
	];
}
