// A server's collected DHCP configuration into the store: each scope/pool a discovered range managed by the
// server (under its subnet and block, created and flagged discovered when missing), reservations, the config
// snapshot, and configuration-change events from the difference with the previous snapshot.
import crypto from 'node:crypto';
import type { Store } from './database.js';
import { upsertBlocks } from './blocks.js';
import { upsertSubnets } from './subnets.js';
import { upsertRanges, type RangeUpsert } from './ranges.js';
import type { DhcpConfig, ScopeRecord } from '../source/domain/dhcp.js';
import { configSnapshot, diffConfig, stableJson, type ConfigSnapshot } from '../source/domain/dhcp-config-diff.js';
import { discoveredBlock, scopeSubnet } from '../source/domain/discovery.js';
import { formatPrefix, keyHex, parseAddress, prefixSpan, type Prefix, type Span } from '../source/domain/ip.js';
import { addressKey } from '../source/domain/address-key.js';
import type { RejectedRecord } from './lease-events.js';

/** The service name a range collected from each server kind is "managed by" (MS IPAM's vocabulary). */
export const MANAGED_BY: Record<string, string> = { kea: 'Kea', dhcpd: 'ISC DHCP', dnsmasq: 'dnsmasq', windows: 'MS DHCP' };

export interface ConfigServer {
	id: number;
	name: string;
	kind: string;
	spaceId: number;
}

export interface ConfigResult {
	scopes: number;
	reservations: number;
	/** config_event rows written (none on the first collection: there is nothing to compare with). */
	changes: number;
	rejected: RejectedRecord[];
	rangeIds: number[];
}

function scopeSpan(s: ScopeRecord): Span | null {
	try {
		const a = parseAddress(s.start);
		const b = parseAddress(s.end);
		if (a.family !== b.family || a.value > b.value) return null;
		return { family: a.family, start: a.value, end: b.value };
	} catch {
		return null;
	}
}

async function holder(tx: Store, table: 'subnet' | 'block', spaceId: number, span: Span): Promise<number | null> {
	const row = await tx.get<{ id: number }>(
		`SELECT id FROM ${table} WHERE space_id = ? AND family = ? AND start <= unhex(?) AND end >= unhex(?) ORDER BY prefix_len DESC LIMIT 1`,
		[spaceId, span.family, keyHex(span.family, span.start), keyHex(span.family, span.end)],
	);
	return row?.id ?? null;
}

/** Creates the discovered subnets (and blocks above them) that the scopes need and nothing stored provides. */
async function ensureParents(tx: Store, spaceId: number, scopes: { span: Span; subnet: Prefix }[]): Promise<void> {
	const subnets = new Map<string, Prefix>();
	for (const s of scopes) {
		if ((await holder(tx, 'subnet', spaceId, s.span)) !== null) continue;
		subnets.set(`${s.subnet.family}/${s.subnet.network}/${s.subnet.length}`, s.subnet);
	}
	if (subnets.size === 0) return;
	const blocks = new Map<string, Prefix>();
	for (const p of subnets.values()) {
		if ((await holder(tx, 'block', spaceId, prefixSpan(p))) !== null) continue;
		const b = discoveredBlock(p);
		blocks.set(`${b.family}/${b.network}/${b.length}`, b);
	}
	if (blocks.size) {
		await upsertBlocks(tx, [...blocks.values()].map(prefix => ({ spaceId, prefix, discovered: true, description: 'discovered from DHCP' })), { source: 'collector' });
	}
	// Overlapping a stored subnet is rejected by upsertSubnets: the range is then parented wherever it fits.
	await upsertSubnets(tx, [...subnets.values()].map(prefix => ({ spaceId, prefix, discovered: true, description: 'discovered from DHCP' })), { source: 'collector' });
}

async function writeReservations(tx: Store, server: ConfigServer, snap: ConfigSnapshot, rejected: RejectedRecord[]): Promise<number> {
	const rows: unknown[][] = [];
	for (const r of Object.values(snap.reservations)) {
		const key = addressKey(String(r.ip));
		if (!key) {
			rejected.push({ index: -1, message: `reservation "${r.ip}" is not an IP address` });
			continue;
		}
		rows.push([server.id, server.spaceId, key.family, key.hex, r.mac, r.clientId, r.duid, r.iaid, r.name, r.description, stableJson(r.options)]);
	}
	await tx.run(`DELETE FROM reservation WHERE server_id = ? AND hex(ip) NOT IN (SELECT upper(value) FROM json_each(?))`, [
		server.id,
		JSON.stringify(rows.map(r => r[3])),
	]);
	await tx.insertMany(
		'reservation',
		['server_id', 'space_id', 'family', { name: 'ip', blob: true }, 'mac', 'client_id', 'duid', 'iaid', 'name', 'description', 'config'],
		rows,
		{
			upsert: `ON CONFLICT (server_id, ip) DO UPDATE SET space_id = excluded.space_id, family = excluded.family, mac = excluded.mac,
				client_id = excluded.client_id, duid = excluded.duid, iaid = excluded.iaid, name = excluded.name,
				description = excluded.description, config = excluded.config, updated_at = unixepoch()`,
		},
	);
	await tx.run(
		`UPDATE reservation SET range_id = (
			SELECT id FROM (SELECT r.id, r.end FROM range r WHERE r.space_id = reservation.space_id AND r.family = reservation.family AND r.start <= reservation.ip
				ORDER BY r.start DESC LIMIT 1) WHERE end >= reservation.ip)
		 WHERE server_id = ?`,
		[server.id],
	);
	return rows.length;
}

/** Applies one collected configuration in the caller's transaction. */
export async function applyConfig(tx: Store, server: ConfigServer, config: DhcpConfig, now: number): Promise<ConfigResult> {
	const rejected: RejectedRecord[] = [];
	return tx.transaction(async () => {
		const snap = configSnapshot(config);
		const body = stableJson(snap);
		const hash = crypto.createHash('sha256').update(body).digest('hex');
		const previous = await tx.get<{ hash: string; body: string }>('SELECT hash, body FROM config_snapshot WHERE server_id = ?', [server.id]);
		const changes = previous && previous.hash !== hash ? diffConfig(JSON.parse(previous.body) as ConfigSnapshot, snap) : [];
		if (changes.length) {
			await tx.insertMany(
				'config_event',
				['ts', 'server_id', 'kind', 'object_key', 'actor', 'before', 'after'],
				changes.map(c => [now, server.id, c.kind, c.objectKey, server.name, c.before == null ? null : stableJson(c.before), c.after == null ? null : stableJson(c.after)]),
			);
		}

		const scopes: { record: ScopeRecord; span: Span; subnet: Prefix }[] = [];
		config.scopes.forEach((s, index) => {
			const span = scopeSpan(s);
			if (!span) return void rejected.push({ index, message: `scope "${s.key}": ${s.start}–${s.end} is not an address range` });
			scopes.push({ record: s, span, subnet: scopeSubnet(s.subnet, span) });
		});
		const stored = new Set((await tx.all<{ scope_key: string }>('SELECT scope_key FROM range WHERE server_id = ?', [server.id])).map(r => r.scope_key));
		const changed = new Set(changes.filter(c => c.kind.startsWith('scope-')).map(c => c.objectKey));
		// Only new or changed scopes go through the audited upsert; statistics alone are a plain update below.
		const writes = scopes.filter(s => !stored.has(s.record.key) || changed.has(s.record.key) || !previous);
		if (writes.length) {
			await ensureParents(tx, server.spaceId, writes);
			const rows: RangeUpsert[] = writes.map(({ record: s, span, subnet }) => ({
				spaceId: server.spaceId,
				span,
				name: s.name ?? '',
				description: s.description ?? '',
				managedBy: MANAGED_BY[server.kind] ?? server.kind,
				managedByEntity: server.name,
				assignmentType: 'dynamic',
				serverId: server.id,
				scopeKey: s.key,
				config: { subnet: formatPrefix(subnet), state: s.state ?? null, leaseSeconds: s.leaseSeconds ?? null, options: s.options ?? {} },
				discovered: true,
				reportedUsed: s.reportedUsed ?? null,
			}));
			const result = await upsertRanges(tx, rows, { source: 'collector', allowOverlap: true });
			for (const r of result.rejected) rejected.push({ index: r.index, message: `scope "${writes[r.index].record.key}": ${r.message}` });
		}
		const statistics = scopes.filter(s => s.record.reportedUsed != null).map(s => [s.record.key, s.record.reportedUsed]);
		if (statistics.length) {
			await tx.run(`UPDATE range SET reported_used = j.value->>1 FROM json_each(?) j WHERE range.server_id = ? AND range.scope_key = j.value->>0`, [
				JSON.stringify(statistics),
				server.id,
			]);
		}
		await tx.run(`DELETE FROM range WHERE server_id = ? AND scope_key NOT IN (SELECT value FROM json_each(?))`, [
			server.id,
			JSON.stringify(scopes.map(s => s.record.key)),
		]);
		const reservations = await writeReservations(tx, server, snap, rejected);
		await tx.run(
			`INSERT INTO config_snapshot (server_id, collected_at, hash, body) VALUES (?, ?, ?, ?)
			 ON CONFLICT (server_id) DO UPDATE SET collected_at = excluded.collected_at, hash = excluded.hash, body = excluded.body`,
			[server.id, now, hash, body],
		);
		const rangeIds = (await tx.all<{ id: number }>('SELECT id FROM range WHERE server_id = ?', [server.id])).map(r => r.id);
		return { scopes: scopes.length, reservations, changes: changes.length, rejected, rangeIds };
	});
}
