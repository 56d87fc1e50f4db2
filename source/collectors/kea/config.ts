// Kea `config-get` → scopes (one per pool, keyed `<subnet-id>` or `<subnet-id>/<pool-index>`), reservations, options.
import type { DhcpConfig, ReservationRecord, ScopeRecord } from '../../domain/dhcp.js';
import type { Family } from '../../domain/ip.js';
import { canonicalAddress, formatPrefix, parseAddress, parsePrefix, prefixSpan, formatValue } from '../../domain/ip.js';
import { tryParseClientId, tryParseMac } from '../../domain/mac.js';
import { KeaError } from './answer.js';

type Json = Record<string, unknown>;

/** A pool's span as numbers, to find which scope a lease or reservation sits in without re-parsing config. */
export interface PoolSpan {
	key: string;
	start: bigint;
	end: bigint;
}

/** Per subnet id: its pools' spans, so leases can be attributed to a scope key. */
export type ScopeIndex = Map<number, PoolSpan[]>;

export interface KeaConfig {
	config: DhcpConfig;
	index: ScopeIndex;
}

const SERVER_SETTINGS = ['valid-lifetime', 'preferred-lifetime', 'renew-timer', 'rebind-timer', 'authoritative', 'server-tag', 'match-client-id', 'decline-probation-period'];

/** Reads the `Dhcp4`/`Dhcp6` object of a config-get answer. */
export function readKeaConfig(args: Json | undefined, family: Family): KeaConfig {
	const rootName = family === 4 ? 'Dhcp4' : 'Dhcp6';
	const root = args?.[rootName] as Json | undefined;
	if (!root || typeof root !== 'object') throw new KeaError(`config-get answer has no ${rootName} object (is this a dhcp${family} server?)`);
	const subnetKey = family === 4 ? 'subnet4' : 'subnet6';
	const scopes: ScopeRecord[] = [];
	const reservations: ReservationRecord[] = [];
	const index: ScopeIndex = new Map();
	const visit = (subnet: Json, sharedNetwork?: string) => {
		const id = Number(subnet.id);
		if (!Number.isInteger(id)) throw new KeaError(`a ${subnetKey} entry (${String(subnet.subnet)}) has no numeric id`);
		const spans = readSubnet(subnet, id, family, sharedNetwork, root, scopes);
		index.set(id, spans);
		for (const r of list(subnet.reservations)) pushReservation(reservations, r, family, scopeKeyOf(index, id, r), String(subnet.subnet));
	};
	for (const subnet of list(root[subnetKey])) visit(subnet);
	for (const network of list(root['shared-networks'])) {
		for (const subnet of list(network[subnetKey])) visit(subnet, String(network.name ?? ''));
	}
	for (const r of list(root.reservations)) pushReservation(reservations, r, family, null, 'global reservations');
	const options: Json = { 'option-data': root['option-data'] ?? [] };
	for (const name of SERVER_SETTINGS) if (root[name] !== undefined) options[name] = root[name];
	options.hooks = list(root['hooks-libraries']).map(h => String(h.library ?? '').replace(/^.*\//, ''));
	return { config: { scopes, reservations, options }, index };
}

function readSubnet(subnet: Json, id: number, family: Family, sharedNetwork: string | undefined, root: Json, scopes: ScopeRecord[]): PoolSpan[] {
	const cidr = formatPrefix(parsePrefix(String(subnet.subnet), { hostBits: 'normalise' }));
	const pools = list(subnet.pools);
	const pdPools = list(subnet['pd-pools']);
	const spans: PoolSpan[] = [];
	const common = {
		family,
		subnet: cidr,
		state: 'active',
		leaseSeconds: numberOr(subnet['valid-lifetime'], numberOr(root['valid-lifetime'], null)),
	};
	const userName = (subnet['user-context'] as Json | undefined)?.name;
	pools.forEach((pool, i) => {
		const key = pools.length === 1 ? String(id) : `${id}/${i}`;
		const { start, end } = poolSpan(String(pool.pool), cidr);
		spans.push({ key, start, end });
		scopes.push({
			...common,
			key,
			start: formatValue(family, start),
			end: formatValue(family, end),
			name: typeof userName === 'string' ? userName : cidr,
			options: scopeOptions(subnet, pool, id, sharedNetwork),
		});
	});
	pdPools.forEach((pool, i) => {
		const prefix = parsePrefix(`${String(pool.prefix)}/${String(pool['prefix-len'])}`, { hostBits: 'normalise' });
		const span = prefixSpan(prefix);
		const key = `${id}/pd${i}`;
		spans.push({ key, start: span.start, end: span.end });
		scopes.push({
			...common,
			key,
			start: formatValue(family, span.start),
			end: formatValue(family, span.end),
			name: `${formatPrefix(prefix)} delegated /${String(pool['delegated-len'])}`,
			options: { ...scopeOptions(subnet, pool, id, sharedNetwork), 'delegated-len': pool['delegated-len'] },
		});
	});
	return spans;
}

function scopeOptions(subnet: Json, pool: Json, id: number, sharedNetwork: string | undefined): Json {
	const options: Json = { 'subnet-id': id, 'option-data': [...list(subnet['option-data']), ...list(pool['option-data'])] };
	if (sharedNetwork) options['shared-network'] = sharedNetwork;
	for (const name of ['client-class', 'interface']) if (subnet[name] !== undefined && subnet[name] !== '') options[name] = subnet[name];
	// config-get fills in an empty relay list the file never had; only a real one says something.
	const relay = list<string>((subnet.relay as Json | undefined)?.['ip-addresses']);
	if (relay.length > 0) options.relay = relay;
	return options;
}

/** Kea writes pools as `a - b`, `a-b` or a prefix. */
export function poolSpan(text: string, where: string): { start: bigint; end: bigint } {
	if (text.includes('/')) {
		const span = prefixSpan(parsePrefix(text, { hostBits: 'normalise' }));
		return { start: span.start, end: span.end };
	}
	// IPv6 addresses contain no '-', so the first '-' splits the range.
	const dash = text.indexOf('-');
	if (dash < 0) throw new KeaError(`pool "${text}" in subnet ${where} is neither a range nor a prefix`);
	const start = parseAddress(text.slice(0, dash)).value;
	const end = parseAddress(text.slice(dash + 1)).value;
	if (end < start) throw new KeaError(`pool "${text}" in subnet ${where} ends before it starts`);
	return { start, end };
}

/** The scope key of the pool holding `ip` in subnet `id`; the subnet's own id when no pool holds it. */
export function scopeKeyFor(index: ScopeIndex, id: number, ip: string): string {
	const spans = index.get(id);
	if (!spans || spans.length <= 1) return String(id);
	const value = parseAddress(ip).value;
	for (const span of spans) if (value >= span.start && value <= span.end) return span.key;
	return String(id);
}

function scopeKeyOf(index: ScopeIndex, id: number, r: Json): string {
	const ip = typeof r['ip-address'] === 'string' ? r['ip-address'] : list<string>(r['ip-addresses'] as unknown)[0];
	return typeof ip === 'string' ? scopeKeyFor(index, id, ip) : String(id);
}

function pushReservation(out: ReservationRecord[], r: Json, family: Family, scopeKey: string | null, where: string): void {
	const ips: string[] = [];
	if (typeof r['ip-address'] === 'string') ips.push(r['ip-address']);
	for (const ip of list<string>(r['ip-addresses'] as unknown)) ips.push(ip);
	for (const p of list<string>(r.prefixes as unknown)) ips.push(p);
	const mac = typeof r['hw-address'] === 'string' ? tryParseMac(r['hw-address']) : null;
	const clientId = typeof r['client-id'] === 'string' ? tryParseClientId(r['client-id']) : null;
	const duid = typeof r.duid === 'string' ? tryParseClientId(r.duid) : null;
	const options: Json = {};
	for (const name of ['option-data', 'client-classes', 'circuit-id', 'flex-id', 'next-server', 'boot-file-name']) {
		const v = r[name];
		if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) && v !== '0.0.0.0') options[name] = v;
	}
	for (const text of ips) {
		let ip: string;
		let prefixLen: number | undefined;
		try {
			const slash = text.indexOf('/');
			ip = canonicalAddress(slash < 0 ? text : text.slice(0, slash));
			if (slash >= 0) prefixLen = Number(text.slice(slash + 1));
		} catch (e) {
			throw new KeaError(`reservation in ${where}: ${(e as Error).message}`);
		}
		out.push({
			scopeKey,
			family,
			ip,
			mac,
			clientId,
			duid,
			name: typeof r.hostname === 'string' && r.hostname !== '' ? r.hostname : undefined,
			options: prefixLen !== undefined ? { ...options, 'prefix-len': prefixLen } : options,
		});
	}
}

function list<T = Json>(value: unknown): T[] {
	return Array.isArray(value) ? (value as T[]) : [];
}

function numberOr<T>(value: unknown, fallback: T): number | T {
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
