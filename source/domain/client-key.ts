// The identity a lease or lease event is interned under in the `client` table ('mac:…', 'cid:…', 'duid:…').
// Tracking (store/tracking.ts) searches by the same keys, so this is the one place that decides them.
import { macFromClientId } from './mac.js';

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

/** Just the key of clientIdentity (no object): the hot path checks its cache with this first. */
export function clientKey(r: ClientFields): string | null {
	if (r.family === 6 && r.duid) return `duid:${r.duid}`;
	if (r.mac) return `mac:${r.mac}`;
	if (r.clientId) return `cid:${r.clientId}`;
	if (r.duid) return `duid:${r.duid}`;
	return null;
}

/** A user as given ('DOMAIN\\user', 'user@realm' or 'user') → the interned account name, domain and bare lowercase name. */
export function userIdentity(text: string): { name: string; domain: string; nameLc: string } | null {
	const t = text.trim();
	if (!t || t === '-') return null;
	let domain = '';
	let user = t;
	const slash = t.indexOf('\\');
	if (slash > 0) {
		domain = t.slice(0, slash);
		user = t.slice(slash + 1);
	} else if (t.includes('@')) {
		const at = t.lastIndexOf('@');
		user = t.slice(0, at);
		domain = t.slice(at + 1);
	}
	if (!user) return null;
	const nameLc = user.toLowerCase();
	// Same spelling as store/logons.ts (accountKey) so lease-event users and logon users meet in one row.
	return { name: domain ? `${domain}\\${nameLc}` : nameLc, domain, nameLc };
}
