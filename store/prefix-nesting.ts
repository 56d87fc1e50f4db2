// What the store already says about prefixes a nesting import brings: stored as a block or a subnet, holding stored prefixes, lying inside a stored subnet.
import type { Store } from './database.js';
import { containingPrefixes } from './containment.js';
import { rowCidr } from './prefix-rows.js';
import { keyHex, prefixSpan, type Prefix } from '../source/domain/ip.js';

export interface PrefixProbe {
	spaceId: number;
	prefix: Prefix;
}

export interface StoredPrefixFacts {
	block: boolean;
	subnet: boolean;
	/** A stored block or subnet strictly inside the prefix (CIDR text), if any. */
	inner?: string;
}

const CHUNK = 2_000;

/** Facts for many prefixes: one indexed statement per chunk (json_each), never one query per prefix. */
export async function storedPrefixFacts(store: Store, probes: PrefixProbe[]): Promise<StoredPrefixFacts[]> {
	const out: StoredPrefixFacts[] = probes.map(() => ({ block: false, subnet: false }));
	// A stored prefix that starts inside the probe and is longer lies inside it: prefixes nest or are disjoint.
	const inner = (t: string) => `(SELECT x.family || ' ' || hex(x.start) || ' ' || x.prefix_len FROM ${t} x
		WHERE x.space_id = j.value->>1 AND x.family = j.value->>2 AND x.start BETWEEN unhex(j.value->>3) AND unhex(j.value->>4) AND x.prefix_len > j.value->>5
		ORDER BY x.start LIMIT 1)`;
	const same = (t: string) => `EXISTS (SELECT 1 FROM ${t} x WHERE x.space_id = j.value->>1 AND x.family = j.value->>2 AND x.start = unhex(j.value->>3) AND x.prefix_len = j.value->>5)`;
	const sql = `SELECT j.value->>0 AS i, ${same('block')} AS block, ${same('subnet')} AS subnet, coalesce(${inner('subnet')}, ${inner('block')}) AS inner FROM json_each(?) j`;
	for (let i = 0; i < probes.length; i += CHUNK) {
		const chunk = probes.slice(i, i + CHUNK).map((p, k) => {
			const s = prefixSpan(p.prefix);
			return [i + k, p.spaceId, s.family, keyHex(s.family, s.start), keyHex(s.family, s.end), p.prefix.length];
		});
		await store.each<{ i: number; block: number; subnet: number; inner: string | null }>(sql, [JSON.stringify(chunk)], r => {
			const f = out[Number(r.i)];
			f.block = !!r.block;
			f.subnet = !!r.subnet;
			if (r.inner) {
				const [family, hex, len] = r.inner.split(' ');
				f.inner = rowCidr({ family: Number(family) as 4 | 6, start: Buffer.from(hex, 'hex'), prefix_len: Number(len) });
			}
		});
	}
	return out;
}

/** The innermost stored subnet strictly containing the prefix (CIDR text), if any: a block may not lie inside one. */
export async function enclosingSubnet(store: Store, probe: PrefixProbe): Promise<string | undefined> {
	const [s] = await containingPrefixes(store, 'subnet', probe.spaceId, prefixSpan(probe.prefix), { strict: true });
	return s && rowCidr(s);
}

/** Address space ids by name (case-insensitive); names not stored are absent. */
export async function spaceIds(store: Store, names: string[]): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	await store.each<{ id: number; name: string }>('SELECT id, name FROM address_space WHERE name IN (SELECT value FROM json_each(?))', [JSON.stringify(names)], r =>
		out.set(r.name.toLowerCase(), r.id),
	);
	return out;
}
