// A NetBox or phpIPAM prefix file as two imports, in order: the prefixes that hold others as blocks, then the innermost as subnets.
//
// The rules, as an admin of either tool reads them:
//   - a prefix the export calls a container (NetBox Status "Container", or a Children count above 0) is a block;
//   - a prefix holding another prefix of the file in the same address space (VRF), or named as a phpIPAM
//     "Master Subnet", is a block, so nested files import as block → block → subnet at any depth;
//   - a prefix holding a block or subnet already stored in its space is a block; one stored as a block stays one;
//   - every other prefix is a subnet, as before.
// A prefix stored as a subnet is never turned into a block by an import: ranges, addresses, scopes and
// utilization history hang on the subnet. Such a row is refused with what to do; a block row that would
// lie inside a stored subnet is refused too (blocks hold subnets, not the reverse).
import type { Store } from '../../../store/database.js';
import { enclosingSubnet, spaceIds, storedPrefixFacts, type StoredPrefixFacts } from '../../../store/prefix-nesting.js';
import { formatPrefix } from '../../domain/ip.js';
import type { ImportBatch, ImportIssue, ImportStream } from '../../formats/ipam-import.js';
import type { BlockImport, ImportRow, SubnetImport } from '../../formats/ipam-rows.js';
import { containersInFile } from '../../formats/prefix-tree.js';

export interface PrefixSplit {
	/** The block part (when any row is one), then the subnet part. */
	parts: ImportStream[];
	blocks: number;
}

const BATCH = 1_000;

/** Reads the whole file (prefix files are small next to address files) and splits its rows. */
export async function splitPrefixFile(store: Store, stream: ImportStream, defaultSpace: string): Promise<PrefixSplit> {
	const read: ImportBatch = { rows: [], issues: [], notes: [], records: 0 };
	for await (const b of stream.batches()) {
		for (const r of b.rows) read.rows.push(r);
		read.issues.push(...b.issues);
		read.notes.push(...b.notes);
		read.records += b.records;
	}
	const rows = read.rows as SubnetImport[];
	const inFile = containersInFile(rows, defaultSpace);
	const facts = await storeFacts(store, rows, defaultSpace);
	const prefixColumn = stream.header.header[stream.header.fields.get('prefix')!];
	const blocks: BlockImport[] = [];
	const subnets: SubnetImport[] = [];
	for (const [i, row] of rows.entries()) {
		const f = facts[i];
		const why = inFile.get(row) ?? (f?.inner ? `it holds ${f.inner} (stored)` : f?.block && !f.subnet ? 'it is stored as a block' : undefined);
		if (!why) {
			subnets.push(row);
			continue;
		}
		const cidr = formatPrefix(row.prefix);
		const refuse = (reason: string, column = prefixColumn) => read.issues.push({ line: row.line, column, reason });
		if (f?.subnet) {
			refuse(`${cidr} is stored as a subnet and would now be a block (${why}): an import does not turn a subnet into a block, whose ranges and addresses it holds; delete the subnet (ipam subnet delete) and import again`);
			continue;
		}
		const outer = f && (await enclosingSubnet(store, { spaceId: f.spaceId, prefix: row.prefix }));
		if (outer) {
			refuse(`${cidr} would be a block (${why}) inside subnet ${outer}: blocks hold subnets, not the reverse`);
			continue;
		}
		const misplaced = stream.header.custom.find(c => row.custom?.has(c.field.name) && !c.field.appliesTo.includes('block'));
		if (misplaced) {
			refuse(`custom field "${misplaced.field.name}" does not apply to blocks, and ${cidr} is a block (${why})`, stream.header.header[misplaced.index]);
			continue;
		}
		if (row.vlan != null) read.notes.push({ line: row.line, column: stream.header.header[stream.header.fields.get('vlan')!], reason: `${cidr} is a block (${why}), and a block has no VLAN: VLAN ${row.vlan} not kept` });
		blocks.push(asBlock(row, why));
	}
	read.rows = [];
	const parts: ImportStream[] = [];
	if (blocks.length > 0) parts.push(part(stream, 'block', blocks, read));
	parts.push(part(stream, 'subnet', subnets, blocks.length > 0 ? undefined : read));
	return { parts, blocks: blocks.length };
}

interface Located extends StoredPrefixFacts {
	spaceId: number;
}

/** The store's facts per row; undefined for rows of spaces the store does not have yet. */
async function storeFacts(store: Store, rows: SubnetImport[], defaultSpace: string): Promise<(Located | undefined)[]> {
	const names = [...new Set(rows.map(r => r.space ?? defaultSpace))];
	const ids = await spaceIds(store, names);
	const probes = rows.map(r => ({ spaceId: ids.get((r.space ?? defaultSpace).toLowerCase()) ?? 0, prefix: r.prefix }));
	const known = probes.map((p, i) => i).filter(i => probes[i].spaceId !== 0);
	const found = await storedPrefixFacts(store, known.map(i => probes[i]));
	const out: (Located | undefined)[] = rows.map(() => undefined);
	known.forEach((i, k) => (out[i] = { ...found[k], spaceId: probes[i].spaceId }));
	return out;
}

function asBlock(row: SubnetImport, why: string): BlockImport {
	const block: BlockImport = { kind: 'block', line: row.line, space: row.space, tags: row.tags, prefix: row.prefix, name: row.name, description: row.description, container: why };
	if (row.custom) block.custom = row.custom;
	if (row.notes) block.notes = row.notes;
	return block;
}

/** One part as a stream of its own kind; the file's problems and remarks travel with the first part only. */
function part(stream: ImportStream, kind: 'block' | 'subnet', rows: ImportRow[], read?: ImportBatch): ImportStream {
	return {
		header: { ...stream.header, kind },
		headerLine: stream.headerLine,
		async *batches(size = BATCH) {
			const issues: ImportIssue[] = read?.issues ?? [];
			const notes: ImportIssue[] = read?.notes ?? [];
			for (let i = 0; i === 0 || i < rows.length; i += size) {
				yield { rows: rows.slice(i, i + size), issues: i === 0 ? issues : [], notes: i === 0 ? notes : [], records: i === 0 ? (read?.records ?? 0) : 0 };
			}
		},
	};
}
