// Prints rows as an aligned table, JSON or CSV, from a resource's column spec.
import type { Column } from '../resources/column.js';
import { cellText } from '../resources/column.js';
import { sanitize } from '../domain/sanitize.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export function outputFormat(values: { json?: boolean; csv?: boolean }): OutputFormat {
	return values.json ? 'json' : values.csv ? 'csv' : 'table';
}

/** A CSV cell; cells a spreadsheet would run as a formula are prefixed with a quote (OWASP CSV injection). */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let s = String(value);
	if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
	// Typographic quotes are quoted too: readers that accept them as quote characters (ours) would otherwise misread the cell.
	return /[",\r\n'\u201c\u201d]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
	return values.map(csvCell).join(',');
}

export function renderRows<Row>(rows: Row[], columns: Column<Row>[], format: OutputFormat): string {
	if (format === 'json') {
		return JSON.stringify(rows.map(r => Object.fromEntries(columns.map(c => [c.key, c.value(r)]))), null, 2) + '\n';
	}
	if (format === 'csv') {
		const lines = [csvLine(columns.map(c => c.key)), ...rows.map(r => csvLine(columns.map(c => c.value(r))))];
		return lines.join('\n') + '\n';
	}
	const cells = rows.map(r => columns.map(c => sanitize(cellText(c, r))));
	const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map(row => row[i].length)));
	const line = (values: string[]) =>
		values
			.map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(columns.map(c => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** One object as "field: value" lines (or JSON). */
export function renderRecord(record: Record<string, unknown>, format: OutputFormat): string {
	if (format === 'json') return JSON.stringify(record, null, 2) + '\n';
	if (format === 'csv') {
		const keys = Object.keys(record);
		return csvLine(keys) + '\n' + csvLine(keys.map(k => formatValue(record[k]))) + '\n';
	}
	const width = Math.max(...Object.keys(record).map(k => k.length));
	return (
		Object.entries(record)
			.map(([k, v]) => `${k.padEnd(width)}  ${sanitize(formatValue(v))}`)
			.join('\n') + '\n'
	);
}

function formatValue(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'object') return JSON.stringify(v);
	return String(v);
}
