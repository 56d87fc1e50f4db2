// Logon records (domain-controller security events and imported logon logs): the typed shape and its normalisation.
import { tryParseAddress, formatAddress, type Family } from './ip.js';

/** Windows security event ids kept, and the two kinds imported records use. */
export const LogonKind = {
	logon: 1,
	logoff: 2,
	winLogon: 4624,
	winLogoff: 4634,
	winUserLogoff: 4647,
	kerberosTgt: 4768,
	kerberosService: 4769,
} as const;

const LOGOFF_KINDS = new Set<number>([LogonKind.logoff, LogonKind.winLogoff, LogonKind.winUserLogoff]);

export function isLogoff(kind: number): boolean {
	return LOGOFF_KINDS.has(kind);
}

export function logonKindName(kind: number): string {
	switch (kind) {
		case 1: return 'logon';
		case 2: return 'logoff';
		case 4624: return 'logon (4624)';
		case 4634: return 'logoff (4634)';
		case 4647: return 'logoff (4647)';
		case 4768: return 'kerberos TGT (4768)';
		case 4769: return 'kerberos service (4769)';
		default: return String(kind);
	}
}

/** One logon record, normalised: bare account, canonical address. Times are epoch seconds. */
export interface LogonRecord {
	ts: number;
	kind: number;
	/** Bare account name as given (case kept for display). */
	user: string;
	/** NetBIOS-style domain, upper case; '' when unknown. */
	domain: string;
	/** Workstation / host the logon came from, as given; null when absent. */
	host: string | null;
	/** Canonical address text; null when absent, loopback or unparseable. */
	ip: string | null;
	family: Family | null;
	logonId?: string | null;
	logonType?: number | null;
	serverId?: number | null;
	/** Where the record came from: 'dc:<name>', 'import:<file>' … */
	source?: string;
}

/**
 * Splits "DOMAIN\user", "user@realm.example" or "user" (+ a separate domain) into a bare account and a
 * short upper-case domain, so one person's 4624 (NetBIOS) and 4769 (UPN) events intern to one account.
 */
export function normaliseAccount(user: string, domain = ''): { user: string; domain: string } {
	let u = user.trim();
	let d = domain.trim();
	const slash = u.indexOf('\\');
	if (slash >= 0) {
		d = u.slice(0, slash);
		u = u.slice(slash + 1);
	} else if (u.includes('@')) {
		const at = u.lastIndexOf('@');
		d = d || u.slice(at + 1);
		u = u.slice(0, at);
	}
	d = d.split('.')[0].toUpperCase();
	return { user: u, domain: d };
}

/** The interned account key: "DOMAIN\user" with the account lower-cased (Windows accounts are case-insensitive). */
export function accountKey(user: string, domain: string): string {
	return domain ? `${domain}\\${user.toLowerCase()}` : user.toLowerCase();
}

/** Computer accounts (ending in $) authenticate machines, not people: never used to name a user. */
export function isComputerAccount(user: string): boolean {
	return user.endsWith('$');
}

/** Event-log address text → canonical address, or null: '-', loopback, and '::ffff:' mapping removed. */
export function logonAddress(text: string | null | undefined): { ip: string; family: Family } | null {
	if (!text) return null;
	let t = text.trim();
	if (t === '' || t === '-') return null;
	if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(t)) t = t.slice(7);
	const a = tryParseAddress(t);
	if (!a) return null;
	const ip = formatAddress(a);
	if (ip === '::1' || ip.startsWith('127.')) return null;
	return { ip, family: a.family };
}

/** Workstation names: '-' and empty mean none; a leading "\\" (UNC style) is dropped. */
export function logonHost(text: string | null | undefined): string | null {
	if (!text) return null;
	const t = text.trim().replace(/^\\\\/, '');
	return t === '' || t === '-' ? null : t;
}

/** The first DNS label, lower case: how a DHCP host name ("pc-12.corp.example") meets a workstation name ("PC-12"). */
export function shortHostName(name: string): string {
	return name.split('.')[0].toLowerCase();
}
