// Servers collected from — DHCP servers and Windows domain controllers (logon events): kind, address, transport,
// endpoint, credential reference, HA group, server groups and tags; their collection status. Secrets are never
// stored here: only the name of one (credential_ref).
import type { Store } from './database.js';
import { audit, type ChangeOptions } from './audit.js';
import { conflict, invalid, notFound } from './errors.js';
import type { ServerInfo } from '../source/collectors/collector.js';

export const SERVER_KINDS = ['kea', 'dhcpd', 'dnsmasq', 'windows', 'windows-dc'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What a server is collected for: DHCP (scopes, leases) or logons (a domain controller's Security log). */
export type ServerRole = 'dhcp' | 'dc';

/** Kinds that are domain controllers: they get a logons task instead of the DHCP tasks. */
export const DC_KINDS: readonly string[] = ['windows-dc'];

export function serverRole(kind: string): ServerRole {
	return DC_KINDS.includes(kind) ? 'dc' : 'dhcp';
}
export const TRANSPORTS = ['http', 'unix', 'file', 'ssh', 'powershell'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** How each kind can be reached; the first is the default. */
export const KIND_TRANSPORTS: Record<ServerKind, Transport[]> = {
	kea: ['unix', 'http', 'file', 'ssh'],
	dhcpd: ['file', 'ssh'],
	dnsmasq: ['file', 'ssh'],
	windows: ['powershell', 'file'],
	'windows-dc': ['powershell'],
};

/**
 * Endpoint keys the collectors read (server.endpoint JSON). None is a secret: passwords, keys and tokens
 * live in the secrets file or environment under the server's credential reference.
 */
export const ENDPOINT_KEYS = [
	'url', // Kea Control Agent, e.g. http://127.0.0.1:8000/
	'socket', // Kea unix control socket path
	'service', // Kea service: dhcp4 | dhcp6
	'pageLimit', // Kea leaseN-get-page size (default ~1000); domain controller: events per Get-WinEvent call (default 5000)
	'maxPages', // domain controller: Get-WinEvent calls per run (default 20); the cursor resumes the rest next run
	'leaseFile', // dhcpd.leases / Kea memfile CSV / dnsmasq leases
	'leaseFile6', // dhcpd6.leases / Kea v6 memfile
	'journalFiles', // Kea memfile journals left by lfc (array of paths, read first)
	'configFile', // dhcpd.conf / kea-dhcp4.conf / dnsmasq.conf
	'configFile6',
	'host', // SSH host for transport ssh (default: the server's address)
	'user', // SSH user
	'port', // SSH port
	'identityFile', // SSH private key file path (the file itself is not read by ipam)
	'computerName', // Windows DHCP server or domain controller: -ComputerName
	'auditLogDir', // Windows DHCP audit logs (DhcpSrvLog-*.log), as a path or UNC share
	'timeoutMs',
	'family', // Kea: 4 | 6 when not given by service
	'families', // Windows DHCP: which of 4, 6 to collect
	'timeZone', // audit logs written in server local time: an IANA zone …
	'utcOffsetMinutes', // … or a fixed offset
	'interfacePrefixes', // Windows: prefixes of scope interfaces
] as const;

const SECRET_LIKE = /pass(word)?|secret|token|api.?key|private/i;

export interface ServerRow {
	id: number;
	name: string;
	kind: string;
	role: string;
	address: string;
	transport: string;
	endpoint: string;
	credential_ref: string;
	ha_group: string | null;
	space_id: number;
	description: string;
	enabled: number;
	status: string;
	status_message: string;
	version: string;
	last_seen_at: number | null;
	collected_at: number | null;
	created_at: number;
	updated_at: number;
}

export interface ServerInput {
	name: string;
	kind: string;
	address?: string;
	transport?: string;
	endpoint?: Record<string, unknown>;
	credentialRef?: string;
	haGroup?: string | null;
	spaceId?: number;
	description?: string;
	enabled?: boolean;
	groups?: string[];
	tags?: string[];
}

export type ServerChanges = Partial<Omit<ServerInput, 'groups' | 'tags'>> & {
	/** Endpoint keys to set (null removes one); merged into the stored endpoint. */
	endpointSet?: Record<string, unknown>;
	addGroups?: string[];
	removeGroups?: string[];
	addTags?: string[];
	removeTags?: string[];
};

export function parseEndpoint(text: string): Record<string, unknown> {
	try {
		const v = JSON.parse(text) as unknown;
		return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}

function checkKind(kind: string): ServerKind {
	if (!(SERVER_KINDS as readonly string[]).includes(kind)) throw invalid(`server kind "${kind}" is not one of ${SERVER_KINDS.join(', ')}`);
	return kind as ServerKind;
}

function checkTransport(kind: ServerKind, transport: string | undefined): Transport {
	const allowed = KIND_TRANSPORTS[kind];
	const t = transport || allowed[0];
	if (!allowed.includes(t as Transport)) throw invalid(`a ${kind} server is reached by ${allowed.join(', ')}, not "${t}"`);
	return t as Transport;
}

function checkEndpoint(endpoint: Record<string, unknown>): Record<string, unknown> {
	for (const [k, v] of Object.entries(endpoint)) {
		if (SECRET_LIKE.test(k)) throw invalid(`endpoint key "${k}" looks like a secret: keep secrets in the secrets file and name them with --credential`);
		if (v !== null && typeof v === 'object') {
			// Nested values (ssh: {host, user}, journalFiles: […]) are checked the same way.
			if (Array.isArray(v)) v.forEach(x => checkEndpoint({ [k]: x }));
			else checkEndpoint(v as Record<string, unknown>);
		}
	}
	return endpoint;
}

function checkRef(ref: string): string {
	if (ref && !/^[A-Za-z0-9_.-]{1,64}$/.test(ref)) throw invalid(`credential reference "${ref}" may use letters, digits, "_", "-" and "." only`);
	return ref;
}

function checkName(name: string): string {
	const n = name.trim();
	if (!n) throw invalid('a server needs a name');
	if (/[\u0000-\u001f\u007f]/.test(n)) throw invalid('a server name may not contain control characters');
	return n;
}

export async function getServer(store: Store, nameOrId: string | number): Promise<ServerRow | undefined> {
	if (typeof nameOrId === 'number' || /^\d+$/.test(nameOrId)) {
		const byId = await store.get<ServerRow>('SELECT * FROM server WHERE id = ?', [Number(nameOrId)]);
		if (byId || typeof nameOrId === 'number') return byId;
	}
	return store.get<ServerRow>('SELECT * FROM server WHERE name = ?', [String(nameOrId)]);
}

export async function requireServer(store: Store, nameOrId: string | number): Promise<ServerRow> {
	const row = await getServer(store, nameOrId);
	if (!row) throw notFound(`no server named "${nameOrId}"`);
	return row;
}

export interface ServerQuery {
	kind?: string;
	group?: string;
	tag?: string;
	/** Page by name: rows after this one. */
	after?: string;
	limit?: number;
}

export async function listServers(store: Store, q: ServerQuery = {}): Promise<ServerRow[]> {
	const where: string[] = [];
	const params: (string | number)[] = [];
	if (q.kind) {
		where.push('s.kind = ?');
		params.push(q.kind);
	}
	if (q.group) {
		where.push('s.id IN (SELECT m.server_id FROM server_group_member m JOIN server_group g ON g.id = m.group_id WHERE g.name = ?)');
		params.push(q.group);
	}
	if (q.tag) {
		where.push(`s.id IN (SELECT o.object_id FROM object_tag o JOIN tag t ON t.id = o.tag_id WHERE o.object_kind = 'server' AND t.name = ?)`);
		params.push(q.tag);
	}
	if (q.after) {
		where.push('s.name > ?');
		params.push(q.after);
	}
	const sql = `SELECT s.* FROM server s ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY s.name LIMIT ?`;
	return store.all<ServerRow>(sql, [...params, q.limit ?? 1000]);
}

export async function serverGroups(store: Store, serverId: number): Promise<string[]> {
	const rows = await store.all<{ name: string }>(
		'SELECT g.name FROM server_group g JOIN server_group_member m ON m.group_id = g.id WHERE m.server_id = ? ORDER BY g.name',
		[serverId],
	);
	return rows.map(r => r.name);
}

export async function serverTags(store: Store, serverId: number): Promise<string[]> {
	const rows = await store.all<{ name: string }>(
		`SELECT t.name FROM tag t JOIN object_tag o ON o.tag_id = t.id WHERE o.object_kind = 'server' AND o.object_id = ? ORDER BY t.name`,
		[serverId],
	);
	return rows.map(r => r.name);
}

async function addMemberships(tx: Store, serverId: number, groups: string[], tags: string[]): Promise<void> {
	for (const g of groups) {
		await tx.run('INSERT OR IGNORE INTO server_group (name) VALUES (?)', [g]);
		await tx.run('INSERT OR IGNORE INTO server_group_member (group_id, server_id) SELECT id, ? FROM server_group WHERE name = ?', [serverId, g]);
	}
	for (const t of tags) {
		await tx.run('INSERT OR IGNORE INTO tag (name) VALUES (?)', [t]);
		await tx.run(`INSERT OR IGNORE INTO object_tag (object_kind, object_id, tag_id) SELECT 'server', ?, id FROM tag WHERE name = ?`, [serverId, t]);
	}
}

async function removeMemberships(tx: Store, serverId: number, groups: string[], tags: string[]): Promise<void> {
	for (const g of groups) {
		await tx.run('DELETE FROM server_group_member WHERE server_id = ? AND group_id = (SELECT id FROM server_group WHERE name = ?)', [serverId, g]);
	}
	for (const t of tags) {
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'server' AND object_id = ? AND tag_id = (SELECT id FROM tag WHERE name = ?)`, [serverId, t]);
	}
}

export async function addServer(store: Store, input: ServerInput, options: ChangeOptions = {}): Promise<ServerRow> {
	const name = checkName(input.name);
	const kind = checkKind(input.kind);
	const transport = checkTransport(kind, input.transport);
	const endpoint = checkEndpoint(input.endpoint ?? {});
	const ref = checkRef(input.credentialRef ?? '');
	return store.transaction(async tx => {
		if (await getServer(tx, name)) throw conflict(`a server named "${name}" already exists`);
		const r = await tx.run(
			`INSERT INTO server (name, kind, role, address, transport, endpoint, credential_ref, ha_group, space_id, description, enabled)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[name, kind, serverRole(kind), input.address ?? '', transport, JSON.stringify(endpoint), ref, input.haGroup || null, input.spaceId ?? 1, input.description ?? '', input.enabled === false ? 0 : 1],
		);
		await addMemberships(tx, r.lastID, input.groups ?? [], input.tags ?? []);
		const row = (await getServer(tx, r.lastID))!;
		await audit(tx, { action: 'create', kind: 'server', id: row.id, summary: `server ${name} (${kind})`, after: row }, options);
		return row;
	});
}

export async function editServer(store: Store, nameOrId: string | number, changes: ServerChanges, options: ChangeOptions = {}): Promise<ServerRow> {
	return store.transaction(async tx => {
		const before = await requireServer(tx, nameOrId);
		const kind = checkKind(changes.kind ?? before.kind);
		const transport = checkTransport(kind, changes.transport ?? (changes.kind && changes.kind !== before.kind ? undefined : before.transport));
		let endpoint = changes.endpoint ?? parseEndpoint(before.endpoint);
		if (changes.endpointSet) {
			endpoint = { ...endpoint };
			for (const [k, v] of Object.entries(changes.endpointSet)) {
				if (v === null || v === '') delete endpoint[k];
				else endpoint[k] = v;
			}
		}
		checkEndpoint(endpoint);
		const name = changes.name !== undefined ? checkName(changes.name) : before.name;
		if (name.toLowerCase() !== before.name.toLowerCase() && (await getServer(tx, name))) throw conflict(`a server named "${name}" already exists`);
		await tx.run(
			`UPDATE server SET name = ?, kind = ?, role = ?, address = ?, transport = ?, endpoint = ?, credential_ref = ?, ha_group = ?, space_id = ?,
				description = ?, enabled = ?, updated_at = unixepoch() WHERE id = ?`,
			[
				name,
				kind,
				serverRole(kind),
				changes.address ?? before.address,
				transport,
				JSON.stringify(endpoint),
				checkRef(changes.credentialRef ?? before.credential_ref),
				changes.haGroup === undefined ? before.ha_group : changes.haGroup || null,
				changes.spaceId ?? before.space_id,
				changes.description ?? before.description,
				changes.enabled === undefined ? before.enabled : changes.enabled ? 1 : 0,
				before.id,
			],
		);
		await addMemberships(tx, before.id, changes.addGroups ?? [], changes.addTags ?? []);
		await removeMemberships(tx, before.id, changes.removeGroups ?? [], changes.removeTags ?? []);
		const after = (await getServer(tx, before.id))!;
		await audit(tx, { action: 'update', kind: 'server', id: before.id, summary: `server ${after.name}`, before, after }, options);
		return after;
	});
}

/** Deletes the server with its discovered ranges, reservations, current leases and tasks (history stays). */
export async function deleteServer(store: Store, nameOrId: string | number, options: ChangeOptions = {}): Promise<ServerRow> {
	return store.transaction(async tx => {
		const before = await requireServer(tx, nameOrId);
		await tx.run(`DELETE FROM object_tag WHERE object_kind = 'server' AND object_id = ?`, [before.id]);
		// lease_event.server_id has no foreign key: history outlives the server, as the audit trail does.
		await tx.run('DELETE FROM server WHERE id = ?', [before.id]);
		await audit(tx, { action: 'delete', kind: 'server', id: before.id, summary: `server ${before.name}`, before }, options);
		return before;
	});
}

export interface ServerStatus {
	status: 'ok' | 'degraded' | 'down' | 'unknown';
	message?: string;
	version?: string;
	/** The server answered at this time. */
	seenAt?: number;
	/** Data from it landed in the store at this time. */
	collectedAt?: number;
}

export async function setServerStatus(store: Store, serverId: number, s: ServerStatus): Promise<void> {
	await store.run(
		`UPDATE server SET status = ?, status_message = ?, version = coalesce(?, version),
			last_seen_at = coalesce(?, last_seen_at), collected_at = coalesce(?, collected_at) WHERE id = ?`,
		[s.status, s.message ?? '', s.version ?? null, s.seenAt ?? null, s.collectedAt ?? null, serverId],
	);
}

/** What a collector is handed (no secret: the scheduler resolves credentialRef separately). */
export function serverInfo(row: ServerRow): ServerInfo {
	return {
		id: row.id,
		name: row.name,
		kind: row.kind,
		address: row.address,
		transport: row.transport,
		endpoint: parseEndpoint(row.endpoint),
		credentialRef: row.credential_ref,
	};
}
