// ISC dhcpd.conf (v4 and v6) read into a DhcpConfig: subnets, ranges/pools as scopes, host reservations,
// options, with `include` files resolved relative to the including file and include loops reported.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DhcpConfig, ReservationRecord, ScopeRecord } from '../domain/dhcp.js';
import {
	formatAddress,
	formatPrefix,
	formatValue,
	parsePrefix,
	prefixLast,
	spanContains,
	tryParseAddress,
	tryParsePrefix,
	prefixSpan,
	type Prefix,
} from '../domain/ip.js';
import { tryParseClientId, tryParseMac } from '../domain/mac.js';
import { parseConfStatements, type ConfStatement } from './conf-tokens.js';
import type { FormatIssue } from './format-issue.js';
import { bytesToHexColon, octetsOf } from './quoted-bytes.js';

export interface DhcpdSubnet {
	cidr: string;
	sharedNetwork: string | null;
	line: number;
	file: string;
}

export interface DhcpdConf {
	config: DhcpConfig;
	/** Every subnet declared, with or without a dynamic range. */
	subnets: DhcpdSubnet[];
	/** Files read, in order (the main file first). */
	files: string[];
	issues: FormatIssue[];
}

export interface DhcpdConfOptions {
	/** Reads an included file (default: the filesystem); the path is already resolved. */
	load?: (path: string) => Promise<string>;
	/** Bounds include depth even without a loop (a chain of 64 distinct files is already absurd). */
	maxDepth?: number;
}

/** One level of declarations; settings are inherited from parents whatever their order in the file, as in dhcpd. */
interface Scope {
	parent: Scope | null;
	options: Record<string, unknown>;
	leaseSeconds: number | null;
	subnet: Prefix | null;
	sharedNetwork: string | null;
}

function child(parent: Scope, changes: Partial<Scope> = {}): Scope {
	return { parent, options: {}, leaseSeconds: null, subnet: parent.subnet, sharedNetwork: parent.sharedNetwork, ...changes };
}

function effective(scope: Scope): { options: Record<string, unknown>; leaseSeconds: number | null } {
	const chain: Scope[] = [];
	for (let s: Scope | null = scope; s; s = s.parent) chain.unshift(s);
	const options: Record<string, unknown> = {};
	let leaseSeconds: number | null = null;
	for (const s of chain) {
		Object.assign(options, s.options);
		if (s.leaseSeconds !== null) leaseSeconds = s.leaseSeconds;
	}
	return { options, leaseSeconds };
}

class ConfReader {
	readonly scopes: ScopeRecord[] = [];
	readonly reservations: ReservationRecord[] = [];
	readonly subnets: DhcpdSubnet[] = [];
	readonly issues: FormatIssue[] = [];
	readonly files: string[] = [];
	readonly top: Scope = { parent: null, options: {}, leaseSeconds: null, subnet: null, sharedNetwork: null };
	private readonly pending: { record: ScopeRecord; scope: Scope; extra: Record<string, unknown> }[] = [];

	constructor(private readonly options: Required<DhcpdConfOptions>) {}

	issue(s: { file: string; line: number }, message: string): void {
		if (this.issues.length < 1000) this.issues.push({ file: s.file, line: s.line, message });
	}

	async file(path: string, chain: string[], from?: ConfStatement): Promise<ConfStatement[] | null> {
		if (chain.includes(path)) {
			this.issue(from ?? { file: path, line: 0 }, `include loop: ${[...chain, path].join(' → ')}; not followed`);
			return null;
		}
		if (chain.length >= this.options.maxDepth) {
			this.issue(from ?? { file: path, line: 0 }, `includes nested deeper than ${this.options.maxDepth}; not followed`);
			return null;
		}
		let text: string;
		try {
			text = await this.options.load(path);
		} catch (err) {
			this.issue(from ?? { file: path, line: 0 }, `cannot read ${path}: ${(err as Error).message}`);
			return null;
		}
		this.files.push(path);
		const { statements, issues } = parseConfStatements(text, path);
		for (const i of issues) this.issue({ file: path, line: i.line }, i.message);
		return statements;
	}

	/** Walks statements with the inherited scope; includes are spliced in where they stand. */
	async walk(statements: ConfStatement[], scope: Scope, chain: string[]): Promise<void> {
		for (const s of statements) {
			const w = s.words.map(t => t.text);
			const head = w[0];
			if (head === 'include') {
				const target = s.words[1];
				if (!target) {
					this.issue(s, 'include without a file name');
					continue;
				}
				const path = resolve(dirname(s.file), target.text);
				const inner = await this.file(path, chain, s);
				if (inner) await this.walk(inner, scope, [...chain, path]);
				continue;
			}
			if (s.body === undefined) {
				this.simple(s, w, scope);
				continue;
			}
			switch (head) {
				case 'subnet':
				case 'subnet6':
					await this.subnet(s, w, scope, chain);
					break;
				case 'shared-network':
					await this.walk(s.body, child(scope, { sharedNetwork: unquoted(s, 1) }), chain);
					break;
				case 'pool':
				case 'pool6':
				case 'group':
					await this.walk(s.body, child(scope), chain);
					break;
				case 'host':
					this.host(s, scope);
					break;
				default:
					// class, subclass, failover peer, key, zone, on … carry no address space.
					break;
			}
		}
	}

	private async subnet(s: ConfStatement, w: string[], scope: Scope, chain: string[]): Promise<void> {
		const text = w[0] === 'subnet' ? `${w[1]}/${w[3] ?? ''}` : w[1];
		const prefix = w[0] === 'subnet' && w[2] !== 'netmask' ? null : tryParsePrefix(text ?? '', { hostBits: 'normalise' });
		if (prefix === null || prefix.family !== (w[0] === 'subnet' ? 4 : 6)) {
			this.issue(s, `${w[0]} "${w.slice(1).join(' ')}" is not ${w[0] === 'subnet' ? 'an address and netmask' : 'an IPv6 prefix'}; block skipped`);
			return;
		}
		this.subnets.push({ cidr: formatPrefix(prefix), sharedNetwork: scope.sharedNetwork, line: s.line, file: s.file });
		await this.walk(s.body ?? [], child(scope, { subnet: prefix }), chain);
	}

	private simple(s: ConfStatement, w: string[], scope: Scope): void {
		switch (w[0]) {
			case 'option': {
				if (w.length >= 2 && w[1] !== 'space' && !(w[2] === 'code')) scope.options[w[1]] = optionValue(s.words.slice(2));
				break;
			}
			case 'default-lease-time': {
				const n = Number(w[1]);
				if (Number.isInteger(n)) scope.leaseSeconds = n;
				else this.issue(s, `default-lease-time "${w[1]}" is not a number of seconds`);
				break;
			}
			case 'range':
				this.range4(s, w, scope);
				break;
			case 'range6':
				this.range6(s, w, scope);
				break;
			case 'prefix6':
				this.prefix6(s, w, scope);
				break;
			default:
				if (['authoritative', 'ddns-update-style', 'max-lease-time', 'min-lease-time', 'next-server', 'filename', 'server-name', 'server-identifier'].includes(w[0])) {
					scope.options[w[0]] = w.length > 1 ? optionValue(s.words.slice(1)) : true;
				}
		}
	}

	private push(s: ConfStatement, scope: Scope, family: 4 | 6, start: bigint, end: bigint, extra: Record<string, unknown> = {}): void {
		if (end < start) {
			this.issue(s, `range end ${formatValue(family, end)} is before its start ${formatValue(family, start)}; skipped`);
			return;
		}
		// Delegated prefixes (prefix6) come from outside the link's own subnet.
		if (extra.delegatedLength === undefined && scope.subnet && (!spanContains(prefixSpan(scope.subnet), start) || !spanContains(prefixSpan(scope.subnet), end))) {
			this.issue(s, `range ${formatValue(family, start)}–${formatValue(family, end)} is outside subnet ${formatPrefix(scope.subnet)}`);
		}
		const subnet = scope.subnet ? formatPrefix(scope.subnet) : null;
		const startText = formatValue(family, start);
		const endText = formatValue(family, end);
		const record: ScopeRecord = {
			key: `${subnet ?? 'no-subnet'} ${startText}-${endText}`,
			family,
			subnet,
			start: startText,
			end: endText,
		};
		if (scope.sharedNetwork) record.name = scope.sharedNetwork;
		this.scopes.push(record);
		this.pending.push({ record, scope, extra });
	}

	/** Options and lease time are resolved once the whole file is read. */
	finish(): void {
		// A pool declared in a shared-network (beside its subnets, as failover setups do) belongs to the subnet that
		// holds its range; dhcpd finds it the same way.
		for (const { record, scope } of this.pending) {
			if (record.subnet) continue;
			const start = tryParseAddress(record.start)!;
			const end = tryParseAddress(record.end)!;
			const holds = (d: DhcpdSubnet) => {
				const span = prefixSpan(parsePrefix(d.cidr));
				return span.family === start.family && spanContains(span, start.value) && spanContains(span, end.value);
			};
			const hit = this.subnets.find(d => d.sharedNetwork === scope.sharedNetwork && holds(d)) ?? this.subnets.find(holds);
			if (!hit) continue;
			record.subnet = hit.cidr;
			record.key = `${hit.cidr} ${record.start}-${record.end}`;
		}
		for (const { record, scope, extra } of this.pending) {
			const e = effective(scope);
			record.options = { ...e.options, ...extra };
			record.leaseSeconds = e.leaseSeconds;
		}
	}

	private range4(s: ConfStatement, w: string[], scope: Scope): void {
		const args = w.slice(1).filter(x => x !== 'dynamic-bootp');
		const bootp = w.includes('dynamic-bootp');
		const a = tryParseAddress(args[0] ?? '');
		const b = args[1] === undefined ? a : tryParseAddress(args[1]);
		if (!a || !b || a.family !== 4 || b.family !== 4) {
			this.issue(s, `range "${w.slice(1).join(' ')}" is not one or two IPv4 addresses; skipped`);
			return;
		}
		this.push(s, scope, 4, a.value, b.value, bootp ? { dynamicBootp: true } : {});
	}

	private range6(s: ConfStatement, w: string[], scope: Scope): void {
		const temporary = w.includes('temporary');
		const args = w.slice(1).filter(x => x !== 'temporary');
		const extra = temporary ? { temporary: true } : {};
		if (args.length === 1 && args[0].includes('/')) {
			const p = tryParsePrefix(args[0], { hostBits: 'normalise' });
			if (p && p.family === 6) return this.push(s, scope, 6, p.network, prefixLast(p), extra);
		} else if (args.length === 1 && temporary) {
			// `range6 <address> temporary;`: dhcpd takes the /64 holding the address for RFC 4941 addresses.
			const a = tryParseAddress(args[0]);
			const p = a && a.family === 6 ? tryParsePrefix(`${args[0]}/64`, { hostBits: 'normalise' }) : null;
			if (p) return this.push(s, scope, 6, p.network, prefixLast(p), extra);
		} else if (args.length === 2) {
			const a = tryParseAddress(args[0]);
			const b = tryParseAddress(args[1]);
			if (a && b && a.family === 6 && b.family === 6) return this.push(s, scope, 6, a.value, b.value, extra);
		}
		this.issue(s, `range6 "${w.slice(1).join(' ')}" is not two IPv6 addresses or a prefix; skipped`);
	}

	private prefix6(s: ConfStatement, w: string[], scope: Scope): void {
		const a = tryParseAddress(w[1] ?? '');
		const b = tryParseAddress(w[2] ?? '');
		// dhcpd's lexer reads "/" as a token of its own: "/56" and "/ 56" are both written.
		const len = Number(w.slice(3).join('').replace(/^\//, '') || 'NaN');
		if (!a || !b || a.family !== 6 || b.family !== 6 || !(len > 0 && len <= 128)) {
			this.issue(s, `prefix6 "${w.slice(1).join(' ')}" is not "<low> <high> /<length>"; skipped`);
			return;
		}
		const last = prefixLast({ family: 6, network: b.value, length: len });
		this.push(s, scope, 6, a.value, last, { delegatedLength: len });
	}

	private host(s: ConfStatement, scope: Scope): void {
		const name = unquoted(s, 1) ?? '';
		let mac: string | null = null;
		let clientId: string | null = null;
		let duid: string | null = null;
		const ips: string[] = [];
		const prefixes: Prefix[] = [];
		for (const st of s.body ?? []) {
			const w = st.words.map(t => t.text);
			if (w[0] === 'hardware' && w[1] === 'ethernet') {
				mac = tryParseMac(w[2] ?? '');
				if (mac === null) this.issue(st, `host ${name}: hardware ethernet "${w[2] ?? ''}" is not a MAC address`);
			} else if (w[0] === 'fixed-address' || w[0] === 'fixed-address6') {
				for (const part of w.slice(1).filter(x => x !== ',')) {
					const a = tryParseAddress(part);
					if (a) ips.push(formatAddress(a));
					else this.issue(st, `host ${name}: fixed-address "${part}" is a name, not an address; not resolved`);
				}
			} else if (w[0] === 'fixed-prefix6') {
				const p = tryParsePrefix(w[1] ?? '', { hostBits: 'normalise' });
				if (p && p.family === 6) prefixes.push(p);
				else this.issue(st, `host ${name}: fixed-prefix6 "${w[1] ?? ''}" is not an IPv6 prefix`);
			} else if (w[0] === 'host-identifier' && w[1] === 'option') {
				const bytes = octetsOf(st.words[3]?.quoted ? `"${st.words[3].text}"` : (w[3] ?? ''));
				const id = bytes && bytes.length > 0 ? bytesToHexColon(bytes) : null;
				if (w[2] === 'dhcp6.client-id') duid = id;
				else if (w[2] === 'dhcp-client-identifier') clientId = id;
			} else if (w[0] === 'option' && w[1] === 'dhcp-client-identifier') {
				const bytes = octetsOf(st.words[2]?.quoted ? `"${st.words[2].text}"` : (w[2] ?? ''));
				clientId = bytes && bytes.length > 0 ? bytesToHexColon(bytes) : tryParseClientId(w[2] ?? '');
			}
		}
		for (const ip of ips) {
			const r: ReservationRecord = { family: ip.includes(':') ? 6 : 4, ip, name };
			if (mac) r.mac = mac;
			if (clientId) r.clientId = clientId;
			if (duid) r.duid = duid;
			this.reservations.push(r);
		}
		// A delegated prefix reserved for the host (fixed-prefix6): kept as its first address with the length.
		for (const p of prefixes) {
			const r: ReservationRecord = { family: 6, ip: formatAddress({ family: 6, value: p.network }), name, options: { prefixLen: p.length } };
			if (duid) r.duid = duid;
			this.reservations.push(r);
		}
		void scope;
	}
}

function unquoted(s: ConfStatement, i: number): string | null {
	return s.words[i]?.text ?? null;
}

function optionValue(words: { text: string; quoted: boolean }[]): unknown {
	const parts = words.filter(t => t.quoted || t.text !== ',').map(t => t.text);
	const list = words.some(t => !t.quoted && t.text === ',');
	return list ? parts : parts.join(' ');
}

/** Puts each reservation in the scope whose subnet holds its address. */
function attachReservations(scopes: ScopeRecord[], reservations: ReservationRecord[]): void {
	const subnets = scopes.flatMap(s => {
		const p = s.subnet ? parsePrefix(s.subnet) : null;
		return p ? [{ key: s.key, span: prefixSpan(p) }] : [];
	});
	for (const r of reservations) {
		const a = tryParseAddress(r.ip);
		const hit = a ? subnets.find(s => s.span.family === a.family && spanContains(s.span, a.value)) : undefined;
		r.scopeKey = hit?.key ?? null;
	}
}

/** Reads a dhcpd.conf and everything it includes. */
export async function readDhcpdConf(path: string, options: DhcpdConfOptions = {}): Promise<DhcpdConf> {
	const reader = new ConfReader({ load: options.load ?? (p => readFile(p, 'utf8')), maxDepth: options.maxDepth ?? 64 });
	const main = resolve(path);
	const statements = await reader.file(main, []);
	if (statements) await reader.walk(statements, reader.top, [main]);
	reader.finish();
	attachReservations(reader.scopes, reader.reservations);
	return {
		config: { scopes: reader.scopes, reservations: reader.reservations, options: { ...reader.top.options, ...(reader.top.leaseSeconds !== null ? { 'default-lease-time': reader.top.leaseSeconds } : {}) } },
		subnets: reader.subnets,
		files: reader.files,
		issues: reader.issues,
	};
}
