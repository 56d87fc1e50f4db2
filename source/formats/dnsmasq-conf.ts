// dnsmasq configuration read into a DhcpConfig: every documented dhcp-range and dhcp-host form, dhcp-option by
// tag, and the include mechanisms (conf-file=, conf-dir= with its suffix filters, dhcp-hostsfile=), loops reported.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DhcpConfig, ReservationRecord, ScopeRecord } from '../domain/dhcp.js';
import { formatAddress, formatPrefix, formatValue, parsePrefix, prefixLast, tryParseAddress, type Family } from '../domain/ip.js';
import { macFromClientId, tryParseClientId, tryParseMac } from '../domain/mac.js';
import type { FormatIssue } from './format-issue.js';

export interface DnsmasqFs {
	readFile(path: string): Promise<string>;
	readDir(path: string): Promise<string[]>;
	isDir(path: string): Promise<boolean>;
}

const nodeFs: DnsmasqFs = {
	readFile: p => readFile(p, 'utf8'),
	readDir: p => readdir(p),
	isDir: async p => (await stat(p)).isDirectory(),
};

export interface DnsmasqConfOptions {
	fs?: DnsmasqFs;
	/**
	 * Prefixes of the server's interfaces, for `constructor:<iface>` ranges (their start/end are only suffixes).
	 * Without an entry such a range is kept in `templates`, not in the scopes.
	 */
	interfacePrefixes?: Record<string, string>;
}

/** A dhcp-range given relative to an interface's prefix that could not be placed. */
export interface DnsmasqRangeTemplate {
	iface: string;
	startSuffix: string;
	endSuffix: string;
	modes: string[];
	file: string;
	line: number;
}

/** A dhcp-host line that reserves no address (ignore rules, names or tags only, wildcard MACs without an address). */
export interface DnsmasqHostRule {
	macs: string[];
	clientId: string | null;
	name: string | null;
	ignore: boolean;
	tags: string[];
	file: string;
	line: number;
}

export interface DnsmasqConf {
	config: DhcpConfig;
	templates: DnsmasqRangeTemplate[];
	hostRules: DnsmasqHostRule[];
	files: string[];
	issues: FormatIssue[];
}

const V6_MODES = new Set(['ra-only', 'slaac', 'ra-names', 'ra-stateless', 'ra-advrouter', 'off-link', 'static', 'proxy']);
const LEASE = /^(infinite|deprecated|\d+[smhdw]?)$/i;

/** dnsmasq lease time text → seconds; null for infinite. */
export function leaseSeconds(text: string): number | null {
	const t = text.toLowerCase();
	if (t === 'infinite') return null;
	if (t === 'deprecated') return 0;
	const m = /^(\d+)([smhdw]?)$/.exec(t);
	if (!m) return NaN;
	const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]] ?? 1;
	return Number(m[1]) * unit;
}

interface Tagged {
	set: string[];
	match: string[];
	rest: string[];
}

/** Splits leading tag:/set:/net: items (net: is the pre-2.46 spelling of set:) off a value. */
function tags(items: string[]): Tagged {
	const out: Tagged = { set: [], match: [], rest: [] };
	let i = 0;
	for (; i < items.length; i++) {
		const it = items[i];
		if (it.startsWith('set:') || it.startsWith('net:')) out.set.push(it.slice(4));
		else if (it.startsWith('tag:')) out.match.push(it.slice(4));
		else break;
	}
	out.rest = items.slice(i);
	return out;
}

class DnsmasqReader {
	readonly scopes: ScopeRecord[] = [];
	readonly reservations: ReservationRecord[] = [];
	readonly templates: DnsmasqRangeTemplate[] = [];
	readonly hostRules: DnsmasqHostRule[] = [];
	readonly files: string[] = [];
	readonly issues: FormatIssue[] = [];
	readonly globalOptions: Record<string, unknown> = {};
	private readonly taggedOptions: { tags: string[]; name: string; value: string }[] = [];
	private readonly scopeTags = new Map<ScopeRecord, string[]>();
	private readonly suffixHosts: { suffixes: bigint[]; macs: string[]; patterns: string[]; clientId: string | null; name: string | null; tags: string[]; file: string; line: number }[] = [];

	constructor(private readonly fs: DnsmasqFs, private readonly prefixes: Record<string, string>) {}

	issue(file: string, line: number, message: string): void {
		if (this.issues.length < 1000) this.issues.push({ file, line, message });
	}

	async file(path: string, chain: string[], kind: 'conf' | 'hosts', from?: { file: string; line: number }): Promise<void> {
		const at = from ?? { file: path, line: 0 };
		if (chain.includes(path)) {
			this.issue(at.file, at.line, `include loop: ${[...chain, path].join(' → ')}; not followed`);
			return;
		}
		if (chain.length >= 32) {
			this.issue(at.file, at.line, 'includes nested deeper than 32; not followed');
			return;
		}
		let text: string;
		try {
			text = await this.fs.readFile(path);
		} catch (err) {
			this.issue(at.file, at.line, `cannot read ${path}: ${(err as Error).message}`);
			return;
		}
		this.files.push(path);
		const lines = text.split('\n');
		for (let n = 0; n < lines.length; n++) {
			const line = stripComment(lines[n]).trim();
			if (line === '') continue;
			if (kind === 'hosts') {
				this.host(line, path, n + 1);
				continue;
			}
			const eq = line.indexOf('=');
			const key = (eq < 0 ? line : line.slice(0, eq)).trim().replace(/^--/, '');
			const value = eq < 0 ? '' : unquote(line.slice(eq + 1).trim());
			await this.option(key, value, path, n + 1, [...chain, path]);
		}
	}

	private async option(key: string, value: string, file: string, line: number, chain: string[]): Promise<void> {
		switch (key) {
			case 'dhcp-range':
				return this.range(value, file, line);
			case 'dhcp-host':
				return this.host(value, file, line);
			case 'dhcp-option':
			case 'dhcp-option-force':
				return this.dhcpOption(value);
			case 'conf-file':
				return this.file(resolve(dirname(file), value), chain, 'conf', { file, line });
			case 'conf-dir':
				return this.dir(value, file, line, chain);
			case 'dhcp-hostsfile':
			case 'dhcp-hostsdir': {
				const path = resolve(dirname(file), value);
				let isDir = false;
				try {
					isDir = await this.fs.isDir(path);
				} catch {
					/* reported by file() */
				}
				if (!isDir) return this.file(path, chain, 'hosts', { file, line });
				for (const name of (await this.fs.readDir(path)).sort()) if (!skippedName(name)) await this.file(join(path, name), chain, 'hosts', { file, line });
				return;
			}
			case 'domain':
			case 'dhcp-authoritative':
			case 'dhcp-leasefile':
			case 'dhcp-lease-max':
			case 'interface':
				this.globalOptions[key] = value === '' ? true : value;
				return;
		}
	}

	/** conf-dir=<dir>[,<ext>…]: `*.conf` items select, other items exclude by suffix; hidden and editor files skipped. */
	private async dir(value: string, file: string, line: number, chain: string[]): Promise<void> {
		const [dirText, ...filters] = value.split(',').map(s => s.trim());
		const path = resolve(dirname(file), dirText);
		let names: string[];
		try {
			names = (await this.fs.readDir(path)).sort();
		} catch (err) {
			this.issue(file, line, `cannot read directory ${path}: ${(err as Error).message}`);
			return;
		}
		const select = filters.filter(f => f.startsWith('*')).map(f => f.slice(1));
		const exclude = filters.filter(f => !f.startsWith('*'));
		for (const name of names) {
			if (skippedName(name)) continue;
			if (select.length > 0 && !select.some(s => name.endsWith(s))) continue;
			if (exclude.some(s => name.endsWith(s))) continue;
			await this.file(join(path, name), chain, 'conf', { file, line });
		}
	}

	private dhcpOption(value: string): void {
		const t = tags(value.split(',').map(s => s.trim()));
		const [name, ...rest] = t.rest;
		if (!name) return;
		const key = name.replace(/^option6?:/, '');
		if (t.match.length === 0) this.globalOptions[key] = rest.join(',');
		else this.taggedOptions.push({ tags: t.match, name: key, value: rest.join(',') });
	}

	private range(value: string, file: string, line: number): void {
		const t = tags(value.split(',').map(s => s.trim()));
		// dnsmasq reads any leading item that cannot be part of an address as a tag to set: the network-id of
		// configurations older than `set:` (dhcp-range=lan,192.168.0.50,…), at most one.
		if (t.rest.length > 1 && /[^0-9a-fA-F.: ]/.test(t.rest[0]) && !t.rest[0].includes(':')) {
			t.set.push(t.rest[0]);
			const more = tags(t.rest.slice(1));
			t.set.push(...more.set);
			t.match.push(...more.match);
			t.rest = more.rest;
		}
		const items = t.rest;
		const bad = (why: string) => this.issue(file, line, `dhcp-range=${value}: ${why}; skipped`);
		const first = items[0] ?? '';
		let start = tryParseAddress(first);
		if (start === null) return bad(`"${first}" is not a start address`);
		const family: Family = start.family;
		let end = start;
		let constructor: string | null = null;
		const modes: string[] = [];
		let netmask: string | null = null;
		let prefixLen = family === 6 ? 64 : null;
		let lease: number | null | undefined;
		let i = 1;
		const second = items[1];
		if (second !== undefined) {
			const a = tryParseAddress(second);
			if (a && a.family === family) {
				end = a;
				i = 2;
			}
		}
		for (; i < items.length; i++) {
			const it = items[i];
			if (it.startsWith('constructor:')) constructor = it.slice(12);
			else if (V6_MODES.has(it)) modes.push(it);
			else if (family === 6 && /^\d+$/.test(it) && Number(it) <= 128 && lease === undefined) prefixLen = Number(it);
			else if (LEASE.test(it)) lease = leaseSeconds(it);
			else if (family === 4 && tryParseAddress(it)?.family === 4) {
				if (netmask === null) netmask = it;
				// A second address is the broadcast: nothing to keep.
			} else return bad(`"${it}" is not an end address, mode, netmask, prefix length or lease time`);
		}
		if (end.value < start.value) return bad('end address is before the start');
		let subnet: string | null = null;
		if (family === 4 && netmask) {
			try {
				subnet = formatPrefix(parsePrefix(`${formatAddress(start)}/${netmask}`, { hostBits: 'normalise' }));
			} catch {
				return bad(`"${netmask}" is not a netmask`);
			}
		}
		if (constructor !== null) {
			const prefixText = this.prefixes[constructor];
			if (!prefixText) {
				this.templates.push({ iface: constructor, startSuffix: formatAddress(start), endSuffix: formatAddress(end), modes, file, line });
				return;
			}
			const p = parsePrefix(prefixText, { hostBits: 'normalise' });
			const host = (1n << BigInt(128 - p.length)) - 1n;
			start = { family: 6, value: p.network | (start.value & host) };
			end = { family: 6, value: p.network | (end.value & host) };
			prefixLen = p.length;
		}
		if (family === 6) subnet = formatPrefix(parsePrefix(`${formatAddress(start)}/${prefixLen}`, { hostBits: 'normalise' }));
		// "static", "proxy" and RA-only ranges name a network but hand out no pool: the scope is the whole subnet.
		const onlyStart = end.value === start.value && (modes.includes('static') || modes.includes('proxy') || modes.some(m => m.startsWith('ra-') || m === 'slaac'));
		let startValue = start.value;
		let endValue = end.value;
		if (onlyStart && subnet) {
			const p = parsePrefix(subnet);
			startValue = p.network;
			endValue = prefixLast(p);
		}
		const scope: ScopeRecord = {
			key: `${t.set[0] ?? ''}${t.set.length ? ' ' : ''}${formatValue(family, startValue)}-${formatValue(family, endValue)}`,
			family,
			subnet,
			start: formatValue(family, startValue),
			end: formatValue(family, endValue),
			leaseSeconds: lease === undefined ? 3600 : lease,
			options: { ...(modes.length ? { modes } : {}), ...(t.set.length ? { tags: t.set } : {}), ...(constructor ? { constructor } : {}) },
		};
		if (t.set[0]) scope.name = t.set[0];
		if (family === 4 && !netmask) scope.subnet = null;
		this.scopes.push(scope);
		this.scopeTags.set(scope, t.set);
	}

	private host(value: string, file: string, line: number): void {
		const items = value.split(',').map(s => s.trim()).filter(s => s !== '');
		const macs: string[] = [];
		const patterns: string[] = [];
		const ips: { family: Family; ip: string }[] = [];
		// [::beef]: only the interface identifier, placed in the prefix of each IPv6 dhcp-range (see finish()).
		const suffixes: bigint[] = [];
		const hostTags: string[] = [];
		let clientId: string | null = null;
		let name: string | null = null;
		let ignore = false;
		for (const it of items) {
			if (it.startsWith('id:')) {
				const id = it.slice(3);
				if (id !== '*') clientId = tryParseClientId(id) ?? bytesOfText(id);
			} else if (it.startsWith('set:') || it.startsWith('tag:') || it.startsWith('net:')) hostTags.push(it);
			else if (it === 'ignore') ignore = true;
			else if (it.startsWith('[') && it.endsWith(']')) {
				const a = tryParseAddress(it.slice(1, -1));
				if (a && a.family === 6 && a.value < 1n << 64n) suffixes.push(a.value);
				else if (a && a.family === 6) ips.push({ family: 6, ip: formatAddress(a) });
				else this.issue(file, line, `dhcp-host: "${it}" is not an IPv6 address`);
			} else if (tryParseAddress(it)?.family === 4 && /^\d+\.\d+\.\d+\.\d+$/.test(it)) ips.push({ family: 4, ip: formatAddress(tryParseAddress(it)!) });
			else if (isHardware(it)) {
				const plain = it.replace(/^[0-9a-f]{1,2}-/i, '');
				const mac = tryParseMac(plain);
				if (mac && !it.includes('*')) macs.push(mac);
				else patterns.push(it.toLowerCase());
			} else if (LEASE.test(it)) {
				// A lease time, as dnsmasq itself reads such an item: not part of the reservation.
			} else if (name === null) name = it;
			else this.issue(file, line, `dhcp-host: "${it}" is not understood (a second name?)`);
		}
		if (suffixes.length > 0 && !ignore) this.suffixHosts.push({ suffixes, macs, patterns, clientId, name, tags: hostTags, file, line });
		if ((ips.length === 0 && suffixes.length === 0) || ignore) {
			this.hostRules.push({ macs: [...macs, ...patterns], clientId, name, ignore, tags: hostTags, file, line });
			return;
		}
		this.reserve(ips, macs, patterns, clientId, name, hostTags);
	}

	private reserve(ips: { family: Family; ip: string }[], macs: string[], patterns: string[], clientId: string | null, name: string | null, hostTags: string[]): void {
		for (const { family, ip } of ips) {
			const r: ReservationRecord = { family, ip };
			if (macs[0]) r.mac = macs[0];
			if (family === 4 && clientId) r.clientId = clientId;
			if (family === 6 && clientId) {
				r.duid = clientId;
				r.mac ??= macFromClientId(clientId);
			}
			if (name) r.name = name;
			const options: Record<string, unknown> = {};
			if (macs.length > 1) options.macs = macs;
			if (patterns.length) options.macPatterns = patterns;
			if (hostTags.length) options.tags = hostTags;
			if (Object.keys(options).length) r.options = options;
			this.reservations.push(r);
		}
	}

	finish(): void {
		// Host-part-only IPv6 addresses take the prefix of each IPv6 range (dnsmasq: "the prefix of the dhcp-range").
		const v6Subnets = [...new Set(this.scopes.filter(s => s.family === 6 && s.subnet).map(s => s.subnet!))].map(p => parsePrefix(p));
		for (const h of this.suffixHosts) {
			if (v6Subnets.length === 0) {
				this.issue(h.file, h.line, 'dhcp-host: an IPv6 host part ([::…]) needs an IPv6 dhcp-range to take its prefix from; kept as a rule');
				this.hostRules.push({ macs: [...h.macs, ...h.patterns], clientId: h.clientId, name: h.name, ignore: false, tags: h.tags, file: h.file, line: h.line });
				continue;
			}
			const ips = v6Subnets.flatMap(p => h.suffixes.map(x => ({ family: 6 as const, ip: formatValue(6, p.network | (x & ((1n << BigInt(128 - p.length)) - 1n))) })));
			this.reserve(ips, h.macs, h.patterns, h.clientId, h.name, h.tags);
		}
		for (const [scope, set] of this.scopeTags) {
			for (const o of this.taggedOptions) if (o.tags.every(tag => set.includes(tag))) (scope.options ??= {})[o.name] = o.value;
		}
		for (const r of this.reservations) {
			const a = tryParseAddress(r.ip)!;
			const hit = this.scopes.find(s => {
				if (s.family !== a.family) return false;
				if (s.subnet) {
					const p = parsePrefix(s.subnet);
					return a.value >= p.network && a.value <= prefixLast(p);
				}
				return a.value >= tryParseAddress(s.start)!.value && a.value <= tryParseAddress(s.end)!.value;
			});
			r.scopeKey = hit?.key ?? null;
		}
	}
}

/** dnsmasq takes `#` as a comment at the start of a line or after whitespace, outside quotes. */
function stripComment(line: string): string {
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (c === '"') quoted = !quoted;
		else if (c === '#' && !quoted && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
	}
	return line;
}

function unquote(s: string): string {
	return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function skippedName(name: string): boolean {
	return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

function isHardware(s: string): boolean {
	return /^([0-9a-f]{1,2}-)?([0-9a-f*]{1,2}:){5,}[0-9a-f*]{1,2}$/i.test(s);
}

/** `id:marjorie` — a text client id, as its bytes. */
function bytesOfText(text: string): string {
	return Buffer.from(text, 'utf8').toString('hex').match(/../g)!.join(':');
}

/** Reads a dnsmasq configuration file and everything it includes. */
export async function readDnsmasqConf(path: string, options: DnsmasqConfOptions = {}): Promise<DnsmasqConf> {
	const reader = new DnsmasqReader(options.fs ?? nodeFs, options.interfacePrefixes ?? {});
	await reader.file(resolve(path), [], 'conf');
	reader.finish();
	return {
		config: { scopes: reader.scopes, reservations: reader.reservations, options: reader.globalOptions },
		templates: reader.templates,
		hostRules: reader.hostRules,
		files: reader.files,
		issues: reader.issues,
	};
}
