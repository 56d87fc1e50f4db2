// Reads an address-space CSV file into validated rows: header resolution (dialect, kind), per-row mapping, and every problem with its line and column.
import type { CsvRecord } from './csv.js';
import { readCsvFile } from './csv.js';
import { detectHeader } from './ipam-dialects.js';
import { RowMapper, type MappingOptions } from './ipam-mapping.js';
import type { CustomFieldDef, DialectName, ImportRow, ObjectKind, ResolvedHeader } from './ipam-rows.js';
import { isHeaderError } from './ipam-rows.js';

export interface ImportIssue {
	line: number;
	/** The column as written in the file's header, when the problem is one cell. */
	column?: string;
	reason: string;
}

export function formatImportIssue(file: string, issue: ImportIssue): string {
	return issue.column !== undefined ? `${file}:${issue.line}: column "${issue.column}": ${issue.reason}` : `${file}:${issue.line}: ${issue.reason}`;
}

export interface ReadOptions extends MappingOptions {
	dialect?: DialectName;
	kind?: ObjectKind;
	customFields: CustomFieldDef[];
}

export interface ParsedFile {
	header: ResolvedHeader;
	headerLine: number;
	rows: ImportRow[];
	issues: ImportIssue[];
	/** Rows accepted with a remark. */
	notes: ImportIssue[];
	/** Data records read (good and bad). */
	records: number;
}

export type ReadResult = { ok: true; file: ParsedFile } | { ok: false; issue: ImportIssue };

/** One slice of a file: its good rows, its problems and remarks. */
export interface ImportBatch {
	rows: ImportRow[];
	issues: ImportIssue[];
	notes: ImportIssue[];
	records: number;
}

export interface ImportStream {
	header: ResolvedHeader;
	headerLine: number;
	/**
	 * The rest of the file in batches of about `size` rows (default 1,000); read once. Small batches keep
	 * the rows alive between reading and writing few: young-generation GC copies every live row, so 10k-row
	 * batches cost three times the collection work of 1k-row ones on a million-row import.
	 */
	batches(size?: number): AsyncGenerator<ImportBatch>;
}

/**
 * Batches with the next one read and validated while the caller works on the current one: the
 * store writes on SQLite's own thread, so parsing overlaps them on a second core.
 */
export async function* prefetched(batches: AsyncGenerator<ImportBatch>): AsyncGenerator<ImportBatch> {
	let next = batches.next();
	for (;;) {
		const current = await next;
		if (current.done) return;
		next = batches.next();
		// If the caller stops early (an error), a failed read ahead must not become an unhandled rejection.
		next.catch(() => undefined);
		yield current.value;
	}
}

/**
 * Opens a file and resolves its header; the rows then stream in batches, so a million-row file
 * never lives in memory at once. A header that fits no dialect/kind is the one fatal problem.
 */
export async function openImportFile(file: string, options: ReadOptions): Promise<{ ok: true; stream: ImportStream } | { ok: false; issue: ImportIssue }> {
	const source = readCsvFile(file);
	let pending: CsvRecord[] = [];
	for (;;) {
		const next = await source.next();
		if (next.done) return { ok: false, issue: { line: 1, reason: 'the file is empty: expected a header row' } };
		if (next.value.length === 0) continue;
		const [first, ...rest] = next.value;
		pending = rest;
		if (first.error) return { ok: false, issue: { line: first.line, reason: `the header row is malformed: ${first.error}` } };
		const r = detectHeader(first.fields, options.customFields, { dialect: options.dialect, kind: options.kind });
		if (isHeaderError(r)) return { ok: false, issue: { line: first.line, column: r.column ?? undefined, reason: r.reason } };
		const mapper = new RowMapper(r, options);
		const stream: ImportStream = {
			header: r,
			headerLine: first.line,
			async *batches(size = 1_000) {
				const empty = (): ImportBatch => ({ rows: [], issues: [], notes: [], records: 0 });
				let batch = empty();
				const take = (record: CsvRecord) => {
					batch.records++;
					if (record.error) {
						batch.issues.push({ line: record.line, reason: `malformed CSV: ${record.error}` });
						return;
					}
					const row = mapper.map(record);
					if ('skipped' in row) batch.notes.push({ line: record.line, column: row.skipped.column, reason: row.skipped.reason });
					else if ('reason' in row) batch.issues.push({ line: record.line, column: row.column, reason: row.reason });
					else {
						if (row.notes) for (const n of row.notes) batch.notes.push({ line: record.line, column: n.column, reason: n.reason });
						batch.rows.push(row);
					}
				};
				const first = pending;
				pending = [];
				// A read chunk may hold more records than a batch: batches are cut at `size` records exactly.
				async function* chunks(): AsyncGenerator<CsvRecord[]> {
					yield first;
					yield* source;
				}
				for await (const records of chunks()) {
					for (const record of records) {
						take(record);
						if (batch.records >= size) {
							yield batch;
							batch = empty();
						}
					}
				}
				if (batch.records > 0) yield batch;
			},
		};
		return { ok: true, stream };
	}
}

/** Reads the whole file at once (tests, small files). */
export async function readImportFile(file: string, options: ReadOptions): Promise<ReadResult> {
	const opened = await openImportFile(file, options);
	if (!opened.ok) return opened;
	const { header, headerLine } = opened.stream;
	const all: ParsedFile = { header, headerLine, rows: [], issues: [], notes: [], records: 0 };
	for await (const b of opened.stream.batches()) {
		for (const r of b.rows) all.rows.push(r);
		all.issues.push(...b.issues);
		all.notes.push(...b.notes);
		all.records += b.records;
	}
	return { ok: true, file: all };
}
