// Domain-controller security events (4624/4634/4647/4768/4769) to logon records: who, from which host and address.
import { logonAddress, logonHost, normaliseAccount, type LogonRecord } from '../../domain/logon.js';
import type { WinEvent } from './event-xml.js';

/** Accounts that never name a person. */
const NOT_PEOPLE = new Set(['-', '', 'anonymous logon', 'system', 'local service', 'network service']);

function logonId(text: string | undefined): string | null {
	if (!text || text === '-') return null;
	return text.trim().toLowerCase();
}

/**
 * One event → one record, or null when it says nothing about a person: failed Kerberos requests (Status ≠ 0x0),
 * anonymous/system accounts. Computer accounts (ending in $) are kept here and dropped by the store ingest,
 * so counts of what a DC sent stay honest.
 */
export function logonFromEvent(e: WinEvent, serverId: number | null, source: string): LogonRecord | null {
	const d = e.data;
	let user: string | undefined;
	let domain = '';
	let host: string | null = null;
	let address: ReturnType<typeof logonAddress> = null;
	let id: string | null = null;
	let type: number | null = null;
	switch (e.id) {
		case 4624:
			user = d.TargetUserName;
			domain = d.TargetDomainName ?? '';
			host = logonHost(d.WorkstationName);
			address = logonAddress(d.IpAddress);
			id = logonId(d.TargetLogonId);
			type = d.LogonType && /^\d+$/.test(d.LogonType) ? Number(d.LogonType) : null;
			break;
		case 4634:
		case 4647:
			user = d.TargetUserName;
			domain = d.TargetDomainName ?? '';
			id = logonId(d.TargetLogonId);
			type = d.LogonType && /^\d+$/.test(d.LogonType) ? Number(d.LogonType) : null;
			break;
		case 4768:
		case 4769:
			if (d.Status && !/^0x0+$/i.test(d.Status.trim())) return null;
			user = d.TargetUserName;
			domain = d.TargetDomainName ?? '';
			address = logonAddress(d.IpAddress);
			break;
		default:
			return null;
	}
	if (user === undefined || NOT_PEOPLE.has(user.trim().toLowerCase())) return null;
	const account = normaliseAccount(user, domain);
	if (account.user === '') return null;
	return {
		ts: e.ts,
		kind: e.id,
		user: account.user,
		domain: account.domain,
		host,
		ip: address?.ip ?? null,
		family: address?.family ?? null,
		logonId: id,
		logonType: type,
		serverId,
		source,
	};
}
