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
	/** The rejected record (for the error CSV). */
	record?: CsvRecord;
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

/** Reads the whole file; a header that fits no dialect/kind is the one fatal problem. */
export async function readImportFile(file: string, options: ReadOptions): Promise<ReadResult> {
	let header: ResolvedHeader | undefined;
	let headerLine = 0;
	let mapper: RowMapper | undefined;
	const rows: ImportRow[] = [];
	const issues: ImportIssue[] = [];
	const notes: ImportIssue[] = [];
	let records = 0;
	for await (const batch of readCsvFile(file)) {
		for (const record of batch) {
			if (!mapper) {
				if (record.error) return { ok: false, issue: { line: record.line, reason: `the header row is malformed: ${record.error}` } };
				const r = detectHeader(record.fields, options.customFields, { dialect: options.dialect, kind: options.kind });
				if (isHeaderError(r)) return { ok: false, issue: { line: record.line, column: r.column ?? undefined, reason: r.reason } };
				header = r;
				headerLine = record.line;
				mapper = new RowMapper(r, options);
				continue;
			}
			records++;
			if (record.error) {
				issues.push({ line: record.line, reason: `malformed CSV: ${record.error}`, record });
				continue;
			}
			const row = mapper.map(record);
			if ('reason' in row) issues.push({ line: record.line, column: row.column, reason: row.reason, record });
			else {
				if (row.notes) for (const n of row.notes) notes.push({ line: record.line, column: n.column, reason: n.reason });
				rows.push(row);
			}
		}
	}
	if (!header) return { ok: false, issue: { line: 1, reason: 'the file is empty: expected a header row' } };
	return { ok: true, file: { header, headerLine, rows, issues, notes, records } };
}
