// CSV in and out: a streaming reader that keeps physical line numbers and tolerates spreadsheet quirks, and the formula-safe writer.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvLine } from '../commands/output.js';

export interface CsvRecord {
	/** 1-based physical line on which the record starts. */
	line: number;
	fields: string[];
	/** Set when the record is malformed; `raw` then holds its text as far as it could be delimited. */
	error?: string;
	raw?: string;
}

export interface CsvReaderOptions {
	/** Field separator; by default detected from the first non-blank line (comma, semicolon or tab). */
	delimiter?: ',' | ';' | '\t';
	/** A quoted field still open after this many characters is reported as unterminated. */
	maxRecordChars?: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
// Word processors and some of Microsoft's own documentation use typographic quotes as CSV quotes.
const OPEN_CURLY = 0x201c;
const CLOSE_CURLY = 0x201d;

/** A header cell reduced to what identifies it: case, spaces, underscores and hyphens do not count. */
export function headerKey(name: string): string {
	return name.toLowerCase().replace(/[\s_\-]+/g, '');
}

/**
 * Push-driven CSV parser (RFC 4180 plus BOM, CR/LF/CRLF, typographic quotes, spaces around fields,
 * blank lines). Unquoted fields are trimmed; quoted fields keep their content exactly.
 */
export class CsvReader {
	private buf = '';
	private pos = 0;
	private line = 1;
	private delimiter: number;
	private started = false;
	// Next CR at or after crFrom (-1: none); valid until the buffer changes.
	private crAt = -1;
	private crFrom = -1;
	private quoteAt = Infinity;
	private quoteFrom = -1;
	private readonly maxRecordChars: number;

	constructor(options: CsvReaderOptions = {}) {
		this.delimiter = options.delimiter ? options.delimiter.charCodeAt(0) : 0;
		this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
	}

	push(chunk: string): CsvRecord[] {
		if (!this.started) {
			chunk = chunk.replace(/^\uFEFF/, '');
			if (chunk.length > 0) this.started = true;
		}
		this.buf = this.pos === 0 ? this.buf + chunk : this.buf.slice(this.pos) + chunk;
		this.pos = 0;
		this.crFrom = -1;
		this.quoteFrom = -1;
		return this.drain(false);
	}

	end(): CsvRecord[] {
		return this.drain(true);
	}

	/** Index of the next CR at or after `from`, cached because most files have none at all. */
	private get delimiterText(): string {
		return this.delimiter === 44 ? ',' : String.fromCharCode(this.delimiter);
	}

	/** Index of the next quote character of any kind at or after `from` (Infinity: none). */
	private nextQuote(from: number): number {
		if (this.quoteFrom >= 0 && from >= this.quoteFrom && this.quoteAt >= from) return this.quoteAt;
		const buf = this.buf;
		let at = Infinity;
		for (const q of ['"', '\u201c', '\u201d']) {
			const i = buf.indexOf(q, from);
			if (i !== -1 && i < at) at = i;
		}
		this.quoteFrom = from;
		this.quoteAt = at;
		return at;
	}

	private nextCr(from: number): number {
		if (this.crFrom >= 0 && from >= this.crFrom && (this.crAt === -1 || this.crAt >= from)) return this.crAt;
		this.crFrom = from;
		this.crAt = this.buf.indexOf('\r', from);
		return this.crAt;
	}

	private drain(final: boolean): CsvRecord[] {
		const out: CsvRecord[] = [];
		const buf = this.buf;
		const n = buf.length;
		while (this.pos < n) {
			const pos = this.pos;
			const nl = buf.indexOf('\n', pos);
			const cr = this.nextCr(pos);
			let end: number;
			let term: number;
			if (cr !== -1 && (nl === -1 || cr < nl)) {
				end = cr;
				if (cr + 1 < n) term = buf.charCodeAt(cr + 1) === LF ? 2 : 1;
				else if (final) term = 1;
				else break;
			} else if (nl !== -1) {
				end = nl;
				term = 1;
			} else {
				if (!final) break;
				end = n;
				term = 0;
			}
			if (this.delimiter === 0) {
				const text = buf.slice(pos, end);
				// Excel's "sep=;" first line names the delimiter and is not data.
				const sep = /^sep=(.)$/i.exec(text.trim());
				if (text.trim() === '' || sep) {
					if (sep) this.delimiter = sep[1].charCodeAt(0);
					this.pos = end + term;
					this.line++;
					continue;
				}
				this.delimiter = detectDelimiter(text);
			}
			if (this.nextQuote(pos) >= end) {
				// Fast path: no quote on this line, so fields are the runs between delimiters.
				const fields: string[] = [];
				const sep = this.delimiterText;
				let from = pos;
				for (;;) {
					let at = buf.indexOf(sep, from);
					if (at === -1 || at > end) at = end;
					let a = from;
					let b = at;
					while (a < b && buf.charCodeAt(a) <= SPACE) a++;
					while (b > a && buf.charCodeAt(b - 1) <= SPACE) b--;
					fields.push(a === b ? '' : buf.slice(a, b));
					if (at === end) break;
					from = at + 1;
				}
				if (!isBlank(fields)) out.push({ line: this.line, fields });
				this.pos = end + term;
				this.line++;
				continue;
			}
			const parsed = this.parseQuoted(pos, final);
			if (parsed === null) break;
			if (parsed.record.error || !isBlank(parsed.record.fields)) out.push(parsed.record);
			this.pos = parsed.next;
			this.line += parsed.lines;
		}
		if (final) {
			this.buf = '';
			this.pos = 0;
		}
		return out;
	}

	/** The character-level path for a record that contains a quote; null = the record needs more input. */
	private parseQuoted(start: number, final: boolean): { record: CsvRecord; next: number; lines: number } | null {
		const buf = this.buf;
		const n = buf.length;
		const d = this.delimiter;
		const line = this.line;
		const fields: string[] = [];
		let lines = 0;
		let error: string | undefined;
		let i = start;
		for (;;) {
			let j = i;
			while (j < n && (buf.charCodeAt(j) === SPACE || (buf.charCodeAt(j) === TAB && d !== TAB))) j++;
			const c = j < n ? buf.charCodeAt(j) : -1;
			let value: string;
			let k: number;
			if (c === QUOTE || c === OPEN_CURLY || c === CLOSE_CURLY) {
				const close = c === OPEN_CURLY ? CLOSE_CURLY : c;
				k = j + 1;
				let seg = k;
				value = '';
				for (;;) {
					if (k >= n || k - start > this.maxRecordChars) {
						if (!final && k - start <= this.maxRecordChars) return null;
						return this.unterminated(start, line, final);
					}
					const ch = buf.charCodeAt(k);
					if (ch === close) {
						if (k + 1 >= n && !final) return null;
						if (buf.charCodeAt(k + 1) === close) {
							value += buf.slice(seg, k + 1);
							k += 2;
							seg = k;
							continue;
						}
						value += buf.slice(seg, k);
						k++;
						break;
					}
					if (ch === LF) lines++;
					else if (ch === CR) {
						if (k + 1 >= n && !final) return null;
						if (buf.charCodeAt(k + 1) !== LF) lines++;
					}
					k++;
				}
				while (k < n && (buf.charCodeAt(k) === SPACE || (buf.charCodeAt(k) === TAB && d !== TAB))) k++;
				if (k < n && buf.charCodeAt(k) !== d && buf.charCodeAt(k) !== CR && buf.charCodeAt(k) !== LF) {
					const from = k;
					while (k < n && buf.charCodeAt(k) !== d && buf.charCodeAt(k) !== CR && buf.charCodeAt(k) !== LF) k++;
					if (k >= n && !final) return null;
					// A quote that swallowed line ends and then meets text was a stray one: resync on the next line.
					if (lines > 0) return this.unterminated(start, line, true);
					error ??= `field ${fields.length + 1}: text "${buf.slice(from, k).trim()}" after the closing quote`;
					value += buf.slice(from, k);
				}
			} else {
				k = j;
				while (k < n && buf.charCodeAt(k) !== d && buf.charCodeAt(k) !== CR && buf.charCodeAt(k) !== LF) k++;
				if (k >= n && !final) return null;
				value = buf.slice(j, k).trim();
			}
			fields.push(value);
			if (k < n && buf.charCodeAt(k) === d) {
				i = k + 1;
				continue;
			}
			return this.finish(k, final, line, fields, error, start, lines);
		}
	}

	/** The record parseQuoted read, ending at k (on CR, LF or the end of the buffer); null = the line end needs more input. */
	private finish(k: number, final: boolean, line: number, fields: string[], error: string | undefined, start: number, lines: number): { record: CsvRecord; next: number; lines: number } | null {
		const buf = this.buf;
		const n = buf.length;
		if (k >= n) return final ? { record: this.record(line, fields, error, start, n), next: n, lines: lines + 1 } : null;
		if (buf.charCodeAt(k) === CR) {
			if (k + 1 >= n && !final) return null;
			const next = buf.charCodeAt(k + 1) === LF ? k + 2 : k + 1;
			return { record: this.record(line, fields, error, start, k), next, lines: lines + 1 };
		}
		return { record: this.record(line, fields, error, start, k), next: k + 1, lines: lines + 1 };
	}

	/** An opening quote never closed: report it and resume on the next physical line, so one stray quote costs one row. */
	private unterminated(start: number, line: number, final: boolean): { record: CsvRecord; next: number; lines: number } | null {
		const buf = this.buf;
		let k = start;
		while (k < buf.length && buf.charCodeAt(k) !== LF && buf.charCodeAt(k) !== CR) k++;
		if (k >= buf.length && !final) return null;
		const next = k < buf.length ? (buf.charCodeAt(k) === CR && buf.charCodeAt(k + 1) === LF ? k + 2 : k + 1) : k;
		return {
			record: { line, fields: [], error: 'a quoted field is never closed (unbalanced quote)', raw: buf.slice(start, k) },
			next,
			lines: 1,
		};
	}

	private record(line: number, fields: string[], error: string | undefined, start: number, end: number): CsvRecord {
		return error ? { line, fields, error, raw: this.buf.slice(start, end) } : { line, fields };
	}
}

function isBlank(fields: string[]): boolean {
	if (fields[0] !== '') return false;
	for (let i = 1; i < fields.length; i++) if (fields[i] !== '') return false;
	return true;
}

function detectDelimiter(text: string): number {
	let commas = 0;
	let semicolons = 0;
	let tabs = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 44) commas++;
		else if (c === 59) semicolons++;
		else if (c === TAB) tabs++;
	}
	if (tabs > commas && tabs > semicolons) return TAB;
	if (semicolons > commas) return 59;
	return 44;
}

/** Parses a whole CSV text at once (tests, small files). */
export function parseCsv(text: string, options?: CsvReaderOptions): CsvRecord[] {
	const reader = new CsvReader(options);
	return [...reader.push(text), ...reader.end()];
}

/**
 * Picks the text encoding from the first bytes: a UTF-16 or UTF-8 BOM, else UTF-8 when the start
 * decodes cleanly, else Windows-1252 (what Excel writes as "CSV" on Western-locale Windows).
 */
function sniffEncoding(head: Buffer): string {
	if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
	if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
		return 'utf-8';
	} catch {
		return 'windows-1252';
	}
}

/** Streams records in batches (one per input chunk) from bytes or text. */
export async function* readCsv(input: AsyncIterable<string | Buffer>, options?: CsvReaderOptions): AsyncGenerator<CsvRecord[]> {
	const reader = new CsvReader(options);
	let decoder: TextDecoder | undefined;
	for await (const chunk of input) {
		let text: string;
		if (typeof chunk === 'string') text = chunk;
		else {
			decoder ??= new TextDecoder(sniffEncoding(chunk));
			text = decoder.decode(chunk, { stream: true });
		}
		const records = reader.push(text);
		if (records.length > 0) yield records;
	}
	const tail = [...(decoder ? reader.push(decoder.decode()) : []), ...reader.end()];
	if (tail.length > 0) yield tail;
}

export function readCsvFile(file: string, options?: CsvReaderOptions): AsyncGenerator<CsvRecord[]> {
	return readCsv(fs.createReadStream(file, { highWaterMark: 1 << 16 }), options);
}

/**
 * Undoes the writer's formula guard (a leading apostrophe before = + - @ tab or CR), so an exported
 * file imports back to the same values.
 */
export function unguardCell(value: string): string {
	if (value.length > 1 && value.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(value)) return value.slice(1);
	return value;
}

/** Writes CSV rows to a stream with backpressure; every cell goes through the formula-safe csvCell. */
export class CsvWriter {
	private pending = '';
	constructor(private readonly out: Writable) {}

	async row(values: unknown[]): Promise<void> {
		this.pending += csvLine(values) + '\n';
		if (this.pending.length >= 1 << 16) await this.flush();
	}

	async flush(): Promise<void> {
		if (this.pending.length === 0) return;
		const text = this.pending;
		this.pending = '';
		if (!this.out.write(text)) await once(this.out, 'drain');
	}
}
