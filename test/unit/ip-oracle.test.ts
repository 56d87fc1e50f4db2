// Property tests of ip.ts and free-space.ts against Python's ipaddress module as an independent oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	formatPrefix,
	formatValue,
	largestAlignedLength,
	parseAddress,
	parsePrefix,
	prefixSpan,
	spanContains,
	spanToNibblePrefixes,
	spanToPrefixes,
	type Family,
	type Prefix,
} from '../../source/domain/ip.js';
import { freePrefixes, gapsIn, gapPrefixes } from '../../source/domain/free-space.js';

// Seeded so a failure can be replayed: IPAM_TEST_SEED=… node --import tsx --test …
const SEED = Number(process.env.IPAM_TEST_SEED ?? Date.now() % 1_000_000);
function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const rand = rng(SEED);
const int = (n: number) => Math.floor(rand() * n);

function randomValue(family: Family): bigint {
	if (family === 4) return BigInt(int(2 ** 32));
	// Groups are often zero so that "::" compression and its tie rules get exercised.
	let v = 0n;
	for (let i = 0; i < 8; i++) v = (v << 16n) | BigInt(rand() < 0.45 ? 0 : rand() < 0.3 ? int(16) : int(65536));
	return v;
}

function randomPrefix(family: Family, minLen = 0): Prefix {
	const bits = family === 4 ? 32 : 128;
	const length = minLen + int(bits - minLen + 1);
	const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
	return { family, network: randomValue(family) & mask, length };
}

const haveSpaces = (() => {
	try {
		execFileSync('python3', ['-c', 'import ipaddress'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

/** Runs one Python script over a JSON list of cases and returns its JSON answer (one call per batch). */
function python(script: string, cases: unknown): unknown {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-oracle-'));
	const input = path.join(dir, 'cases.json');
	fs.writeFileSync(input, JSON.stringify(cases));
	const out = execFileSync('python3', ['-c', `import ipaddress, json, sys\ncases = json.load(open(sys.argv[1]))\n${script}`, input], {
		maxBuffer: 256 * 1024 * 1024,
	});
	fs.rmSync(dir, { recursive: true, force: true });
	return JSON.parse(out.toString());
}

const skip = haveSpaces ? false : 'python3 with ipaddress is not available';

test(`formatting matches Python (RFC 5952) for generated addresses (seed ${SEED})`, { skip }, () => {
	const values: { family: Family; hex: string }[] = [];
	for (let i = 0; i < 3000; i++) {
		const family: Family = i % 3 === 0 ? 4 : 6;
		const v = randomValue(family);
		// IPv4-mapped addresses: we keep the dotted tail (RFC 5952 §5); Python 3.11 prints hex. Tested below.
		if (family === 6 && v >> 32n === 0xffffn) continue;
		values.push({ family, hex: v.toString(16) });
	}
	const expected = python(
		`print(json.dumps([str(ipaddress.IPv4Address(int(c['hex'], 16)) if c['family'] == 4 else ipaddress.IPv6Address(int(c['hex'], 16))) for c in cases]))`,
		values,
	) as string[];
	values.forEach((c, i) => {
		const text = formatValue(c.family, BigInt(`0x${c.hex}`));
		assert.equal(text, expected[i], `value 0x${c.hex}`);
		assert.equal(parseAddress(text).value, BigInt(`0x${c.hex}`), `round trip of ${text}`);
	});
});

test('IPv4-mapped IPv6 keeps the dotted tail (RFC 5952 §5)', () => {
	assert.equal(formatValue(6, parseAddress('::ffff:102:304').value), '::ffff:1.2.3.4');
	assert.equal(parseAddress('::FFFF:1.2.3.4').value, 0xffff01020304n);
});

test(`prefix parsing: host bits rejected or normalised exactly as Python's strict flag (seed ${SEED})`, { skip }, () => {
	const cases: { text: string }[] = [];
	for (let i = 0; i < 2000; i++) {
		const family: Family = i % 2 ? 4 : 6;
		const len = int(family === 4 ? 33 : 129);
		cases.push({ text: `${formatValue(family, randomValue(family))}/${len}` });
	}
	const expected = python(
		`out = []
for c in cases:
    try:
        n = ipaddress.ip_network(c['text'], strict=True); out.append([str(n), True])
    except ValueError:
        out.append([str(ipaddress.ip_network(c['text'], strict=False)), False])
print(json.dumps(out))`,
		cases,
	) as [string, boolean][];
	cases.forEach((c, i) => {
		const [network, strictOk] = expected[i];
		assert.equal(formatPrefix(parsePrefix(c.text, { hostBits: 'normalise' })), network, c.text);
		if (strictOk) assert.equal(formatPrefix(parsePrefix(c.text)), network);
		else assert.throws(() => parsePrefix(c.text), new RegExp(`host bits set: the network is ${network.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
	});
});

test(`containment and spanToPrefixes match Python (seed ${SEED})`, { skip }, () => {
	const cases: { family: Family; net: string; addr: string; lo: string; hi: string }[] = [];
	for (let i = 0; i < 1500; i++) {
		const family: Family = i % 2 ? 4 : 6;
		const p = randomPrefix(family, family === 4 ? 8 : 32);
		const s = prefixSpan(p);
		const inside = rand() < 0.5;
		const addr = inside ? s.start + BigInt(Math.floor(rand() * Number(s.end - s.start))) : randomValue(family);
		let lo = randomValue(family);
		let hi = lo + BigInt(int(family === 4 ? 100_000 : 1_000_000)) * (rand() < 0.3 ? 1n << 40n : 1n);
		const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
		if (hi > max) hi = max;
		if (lo > hi) [lo, hi] = [hi, lo];
		cases.push({ family, net: formatPrefix(p), addr: formatValue(family, addr), lo: formatValue(family, lo), hi: formatValue(family, hi) });
	}
	const expected = python(
		`out = []
for c in cases:
    n = ipaddress.ip_network(c['net'])
    a = ipaddress.ip_address(c['addr'])
    lo, hi = ipaddress.ip_address(c['lo']), ipaddress.ip_address(c['hi'])
    out.append([a in n, [str(x) for x in ipaddress.summarize_address_range(lo, hi)]])
print(json.dumps(out))`,
		cases,
	) as [boolean, string[]][];
	cases.forEach((c, i) => {
		const [contains, summary] = expected[i];
		assert.equal(spanContains(prefixSpan(parsePrefix(c.net)), parseAddress(c.addr).value), contains, `${c.addr} in ${c.net}`);
		const span = { family: c.family, start: parseAddress(c.lo).value, end: parseAddress(c.hi).value };
		assert.deepEqual(spanToPrefixes(span).map(formatPrefix), summary, `${c.lo}-${c.hi}`);
	});
});

test(`largestAlignedLength equals the longest prefix of the minimal cover (seed ${SEED})`, () => {
	for (let i = 0; i < 5000; i++) {
		const family: Family = i % 2 ? 4 : 6;
		const a = randomValue(family);
		const b = rand() < 0.5 ? a + BigInt(int(5000)) : randomValue(family);
		const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
		const span = { family, start: a < b ? a : b, end: (a < b ? b : a) > max ? max : a < b ? b : a };
		const shortest = Math.min(...spanToPrefixes(span).map(p => p.length));
		assert.equal(largestAlignedLength(span), shortest, `${formatValue(family, span.start)}-${formatValue(family, span.end)}`);
	}
});

test('nibble-aligned gap prefixes cover the gap exactly with lengths on 4-bit boundaries', () => {
	for (let i = 0; i < 500; i++) {
		const start = randomValue(6) >> 64n << 64n;
		const span = { family: 6 as const, start, end: start + (BigInt(int(1 << 20)) << 64n) + 0xffffffffffffffffn };
		const nibble = spanToNibblePrefixes(span);
		assert.ok(nibble.every(p => p.length % 4 === 0));
		let cur = span.start;
		for (const p of nibble) {
			const s = prefixSpan(p);
			assert.equal(s.start, cur);
			cur = s.end + 1n;
		}
		assert.equal(cur, span.end + 1n);
		assert.ok(nibble.length >= spanToPrefixes(span).length);
		assert.deepEqual(gapPrefixes(span, true), spanToPrefixes(span));
	}
});

test(`free subnets of a block match an address_exclude-based reference (seed ${SEED})`, { skip }, () => {
	const cases: { block: string; children: string[]; len: number }[] = [];
	const ours: string[][] = [];
	for (let i = 0; i < 300; i++) {
		const family: Family = i % 2 ? 4 : 6;
		const bits = family === 4 ? 32 : 128;
		const blockLen = family === 4 ? 8 + int(12) : 32 + int(16);
		const block = randomPrefix(family, blockLen);
		const b = { ...block, length: blockLen, network: block.network & (((1n << BigInt(blockLen)) - 1n) << BigInt(bits - blockLen)) };
		const bs = prefixSpan(b);
		// Children: random non-overlapping prefixes inside the block, a few levels below it.
		const children: Prefix[] = [];
		for (let k = 0; k < 8; k++) {
			const len = blockLen + 2 + int(8);
			const offset = BigInt(int(2 ** (len - blockLen))) << BigInt(bits - len);
			const c = { family, network: bs.start + offset, length: len };
			const cs = prefixSpan(c);
			if (children.some(o => { const os = prefixSpan(o); return os.start <= cs.end && cs.start <= os.end; })) continue;
			children.push(c);
		}
		children.sort((x, y) => (x.network < y.network ? -1 : 1));
		const len = blockLen + 1 + int(10);
		const gaps = gapsIn(bs, children.map(prefixSpan));
		ours.push(freePrefixes(gaps, len, 1_000_000).map(formatPrefix));
		cases.push({ block: formatPrefix(b), children: children.map(formatPrefix), len });
	}
	const expected = python(
		`out = []
for c in cases:
    free = [ipaddress.ip_network(c['block'])]
    for ch in c['children']:
        ch = ipaddress.ip_network(ch)
        nxt = []
        for f in free:
            if f.overlaps(ch):
                nxt.extend(f.address_exclude(ch) if ch != f else [])
            else:
                nxt.append(f)
        free = nxt
    subs = []
    for f in free:
        if f.prefixlen <= c['len']:
            subs.extend(str(s) for s in f.subnets(new_prefix=c['len']))
    out.append(sorted(subs, key=lambda s: ipaddress.ip_network(s)))
print(json.dumps(out))`,
		cases,
	) as string[][];
	cases.forEach((c, i) => assert.deepEqual(ours[i], expected[i], `${c.block} minus ${c.children.join(' ')} as /${c.len}`));
});
