// The CSV reader and writer: every quirk of real spreadsheet files, line numbers, chunking, and the formula guard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CsvReader, CsvWriter, headerKey, parseCsv, readCsv, readCsvFile, unguardCell, type CsvRecord } from '../../source/formats/csv.js';
import { csvLine } from '../../source/commands/output.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'fixtures', 'csv');
const shared = path.resolve(here, '..', '..', '..', 'shared', 'samples');

async function readAll(file: string): Promise<CsvRecord[]> {
	const out: CsvRecord[] = [];
	for await (const batch of readCsvFile(file)) out.push(...batch);
	return out;
}

const rows = (records: CsvRecord[]) => records.map(r => [r.line, ...r.fields]);

test('a UTF-8 BOM is dropped and CRLF ends lines', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'bom-crlf.csv'))), [
		[1, 'IpAddress', 'Description'],
		[2, '10.0.0.1', 'first'],
		[3, '10.0.0.2', 'second'],
	]);
});

test('a lone CR ends lines (classic Mac)', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'cr-only.csv'))), [
		[1, 'IpAddress', 'Description'],
		[2, '10.0.0.1', 'first'],
		[3, '10.0.0.2', 'second'],
	]);
});

test('quoted fields keep commas, doubled quotes and newlines; line numbers stay physical', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'quoted.csv'))), [
		[1, 'IpAddress', 'Description', 'Owner'],
		[2, '10.0.0.1', 'rack 4, row 2', 'Smith "Ops"'],
		[3, '10.0.0.2', 'two\nlines', 'x'],
		[5, '10.0.0.3', 'plain', 'y'],
	]);
});

test('typographic quotes act as quote characters, with spaces after commas', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'curly-quotes.csv'))), [
		[1, 'Network', 'Start IP address', 'End IP address', 'Managed by service', 'Service instance', 'Assignment Type'],
		[2, '192.168.100.0/24', '192.168.100.1', '192.168.100.254', 'IPAM', 'router', 'dynamic'],
	]);
});

test('spaces after commas are trimmed from unquoted fields, kept inside quotes', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'spaces-after-commas.csv'))), [
		[1, 'Network', 'start IP address', 'end IP address', 'RIR'],
		[2, '65.52.0.0/14', '65.52.0.0', '65.52.255.255', 'ARIN'],
	]);
	assert.deepEqual(parseCsv('a, " b ",c\n')[0].fields, ['a', ' b ', 'c']);
});

test('blank lines and all-empty rows are skipped without disturbing line numbers', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'blank-lines.csv'))), [
		[3, 'IP address', 'Description'],
		[5, '10.0.0.1', 'a'],
		[8, '10.0.0.2', 'b'],
	]);
});

test('the delimiter is detected: semicolon (European Excel) and tab', async () => {
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'semicolon.csv'))), [
		[1, 'IP address', 'Description'],
		[2, '10.0.0.1', 'Gerät 1'],
	]);
	assert.deepEqual(parseCsv('a\tb\n1,5\t2\n')[1].fields, ['1,5', '2']);
});

test("Excel's sep= first line sets the delimiter and is not a record", () => {
	assert.deepEqual(rows(parseCsv('sep=;\r\nIP address;Description\r\n10.0.0.1;a, b\r\n')), [
		[2, 'IP address', 'Description'],
		[3, '10.0.0.1', 'a, b'],
	]);
});

test('encodings: Windows-1252 and UTF-16LE files decode to the right text', async () => {
	assert.deepEqual((await readAll(path.join(fixtures, 'windows-1252.csv')))[1].fields, ['10.0.0.1', 'Gerät € 1']);
	assert.deepEqual(rows(await readAll(path.join(fixtures, 'utf16le.csv'))), [
		[1, 'IP address', 'Description'],
		[2, '10.0.0.1', 'Gerät'],
	]);
});

test('malformed rows are reported on their line and the following rows still parse', async () => {
	const records = await readAll(path.join(fixtures, 'malformed.csv'));
	assert.deepEqual(
		records.map(r => [r.line, r.error ? 'error' : r.fields.join('|')]),
		[
			[1, 'IP address|Description'],
			[2, 'error'],
			[3, '10.0.0.2|fine'],
			[4, 'error'],
			[5, '10.0.0.4|ok'],
		],
	);
	assert.match(records[1].error!, /never closed/);
	assert.equal(records[1].raw, '10.0.0.1,"never closed');
	assert.match(records[3].error!, /after the closing quote/);
});

test('an unterminated quote at the end of the input is an error, not a hang', () => {
	const records = parseCsv('a,b\n1,"open');
	assert.equal(records.length, 2);
	assert.equal(records[1].line, 2);
	assert.match(records[1].error!, /never closed/);
});

test('any chunking of the input gives the same records as one piece', () => {
	const text = '\uFEFFh1,h2,h3\r\n"a,1","b\r\nc",d\r\r\n“x”, y ,"z"""\n\n5,6,7\r';
	const whole = parseCsv(text);
	for (let size = 1; size <= 7; size++) {
		const reader = new CsvReader();
		const got: CsvRecord[] = [];
		for (let i = 0; i < text.length; i += size) got.push(...reader.push(text.slice(i, i + size)));
		got.push(...reader.end());
		assert.deepEqual(got, whole, `chunks of ${size}`);
	}
	assert.deepEqual(rows(whole), [
		[1, 'h1', 'h2', 'h3'],
		[2, 'a,1', 'b\r\nc', 'd'],
		[5, 'x', 'y', 'z"'],
		[7, '5', '6', '7'],
	]);
});

test('byte chunks split inside a multi-byte character decode correctly', async () => {
	const bytes = Buffer.from('a,b\nGerät,€\n');
	const chunks = [...bytes].map(b => Buffer.from([b]));
	const got: CsvRecord[] = [];
	for await (const batch of readCsv(Readable.from(chunks))) got.push(...batch);
	assert.deepEqual(got[1].fields, ['Gerät', '€']);
});

test('header keys ignore case, spaces, underscores and hyphens', () => {
	assert.equal(headerKey('Managed by Service'), headerKey('ManagedByService'));
	assert.equal(headerKey('IP_Address'), headerKey('ip address'));
	assert.equal(headerKey(' Network ID '), 'networkid');
});

test('writer and reader round-trip arbitrary text, formula cells guarded then unguarded', async () => {
	const alphabet = ['a', ' ', ',', '"', '\n', '\r\n', '=', '+', '-', '@', '“', '”', "'", 'é', ';', '\t', '1'];
	let seed = 7;
	const rand = (n: number) => {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		return seed % n;
	};
	const table: string[][] = [];
	for (let r = 0; r < 300; r++) {
		const row: string[] = [];
		for (let c = 0; c < 4; c++) {
			let s = '';
			const len = rand(8);
			for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
			row.push(s);
		}
		row[0] = `k${r}`; // no row is entirely blank
		table.push(row);
	}
	const sink = new PassThrough();
	const chunks: Buffer[] = [];
	sink.on('data', c => chunks.push(c));
	const writer = new CsvWriter(sink);
	for (const row of table) await writer.row(row);
	await writer.flush();
	const back = parseCsv(Buffer.concat(chunks).toString('utf8'), { delimiter: ',' });
	assert.equal(back.length, table.length);
	for (let r = 0; r < table.length; r++) {
		assert.equal(back[r].error, undefined);
		// Unquoted cells are trimmed by the reader; the writer quotes any cell with edge whitespace.
		assert.deepEqual(back[r].fields.map(unguardCell), table[r], `row ${r}: ${csvLine(table[r])}`);
	}
});

test('cells a spreadsheet would execute are neutralised by the writer', () => {
	const line = csvLine(['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '-12.5', 'plain']);
	const cells = parseCsv(line + '\n', { delimiter: ',' })[0].fields;
	assert.deepEqual(cells, [`'=HYPERLINK("http://x")`, `'+1+2`, `'-2+3`, `'@SUM(A1)`, '-12.5', 'plain']);
	for (const cell of cells.slice(0, 4)) assert.doesNotMatch(cell, /^[=+\-@]/);
});

test("Microsoft's own import examples parse (../shared samples)", async t => {
	const dir = path.join(shared, 'ms-ipam-csv');
	if (!fs.existsSync(dir)) {
		t.skip(`../shared absent: ${dir}`);
		return;
	}
	const curly = await readAll(path.join(dir, 'msdocs_ipam-import-range_curly-quotes.csv'));
	assert.deepEqual(curly[1].fields, ['192.168.100.0/24', '192.168.100.1', '192.168.100.254', 'IPAM', 'router', 'dynamic']);
	const spaced = await readAll(path.join(dir, 'msdocs_ipam-import-block_spaces-after-commas.csv'));
	assert.deepEqual(spaced[0].fields, ['Network', 'start IP address', 'end IP address', 'RIR']);
	const lower = await readAll(path.join(dir, 'msdocs_ipam-import-addresses_lowercase-headers.csv'));
	assert.equal(lower.length, 3);
	assert.deepEqual(lower[2].fields, ['192.168.0.26', 'ms dhcp', 'dhcp1.contoso.com', 'host', 'in-use', 'static']);
});
