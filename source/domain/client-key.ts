// The identity a lease or lease event is interned under in the `client` table ('mac:…', 'cid:…', 'duid:…').
// Tracking (store/tracking.ts) searches by the same keys, so this is the one place that decides them.
import { macFromClientId } from './mac.js';
import { accountKey, normaliseAccount } from './logon.js';

export interface ClientIdentity {
	key: string;
	/** The hardware address, also when only derived from a client id / DUID. */
	mac: string | null;
	clientId: string | null;
	duid: string | null;
	vendorClass: string | null;
}

export interface ClientFields {
	family: 4 | 6;
	mac?: string | null;
	clientId?: string | null;
	duid?: string | null;
	vendorClass?: string | null;
}

/**
 * DHCPv6 clients are who their DUID says; DHCPv4 clients are their hardware address when known (what
 * on-call engineers search by), else their client id. Inputs are canonical (mac.ts); null when nothing identifies the client.
 */
export function clientIdentity(r: ClientFields): ClientIdentity | null {
	const mac = r.mac || null;
	const clientId = r.clientId || null;
	const duid = r.duid || null;
	const vendorClass = r.vendorClass || null;
	if (r.family === 6 && duid) return { key: `duid:${duid}`, mac: mac ?? macFromClientId(duid), clientId, duid, vendorClass };
	if (mac) return { key: `mac:${mac}`, mac, clientId, duid, vendorClass };
	if (clientId) return { key: `cid:${clientId}`, mac: macFromClientId(clientId), clientId, duid, vendorClass };
	if (duid) return { key: `duid:${duid}`, mac: macFromClientId(duid), clientId, duid, vendorClass };
	return null;
}

/** Which identifier names the client, by the rules of clientIdentity: 1 DUID, 2 MAC, 3 client id, 0 none (a number: the hot path allocates nothing). */
export function clientIdKind(r: ClientFields): number {
	if (r.family === 6 && r.duid) return 1;
	if (r.mac) return 2;
	if (r.clientId) return 3;
	if (r.duid) return 1;
	return 0;
}

/** The identifier `clientIdKind` chose, as the record spells it. */
export function clientIdOf(r: ClientFields, kind: number): string | null {
	return kind === 1 ? r.duid! : kind === 2 ? r.mac! : kind === 3 ? r.clientId! : null;
}

const KEY_PREFIX = ['', 'duid:', 'mac:', 'cid:'];

/** Just the key of clientIdentity (no object): the hot path checks its cache with this first. */
export function clientKey(r: ClientFields): string | null {
	const kind = clientIdKind(r);
	return kind === 0 ? null : KEY_PREFIX[kind] + clientIdOf(r, kind);
}

/**
 * A user as given ('DOMAIN\\user', 'user@realm' or 'user') → the interned account name, domain and bare
 * lowercase name, spelled exactly as logon ingest spells it (source/domain/logon.ts), so DHCP-log users and
 * domain-controller users meet in one user_account row.
 */
export function userIdentity(text: string): { name: string; domain: string; nameLc: string } | null {
	const t = text.trim();
	if (!t || t === '-') return null;
	const { user, domain } = normaliseAccount(t);
	if (!user) return null;
	return { name: accountKey(user, domain), domain, nameLc: user.toLowerCase() };
}
