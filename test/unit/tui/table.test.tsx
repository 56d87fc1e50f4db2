import { test } from 'node:test';
import assert from 'node:assert/strict';
import React, { act } from 'react';
import { render } from 'ink-testing-library';
import { Table } from '../../../source/components/Table.js';
import { fit, layoutColumns } from '../../../source/components/table-layout.js';
import { setColor } from '../../../source/app/theme.js';
import type { PaneColumn, Row } from '../../../source/panes/pane-spec.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const columns: PaneColumn[] = [
	{ key: 'ip', header: 'IP', width: 15, value: r => String(r.ip), sortSql: 'ip' },
	{ key: 'host', header: 'HOST', width: 'flex', value: r => String(r.host), color: () => 'red' },
	{ key: 'state', header: 'STATE', width: 8, value: r => String(r.state) },
];
const row = (ip: string, host: string, state = 'active'): Row => ({ ip, host, state, _k: [ip] });

async function frame(rows: Row[], width = 60, cursor = 0): Promise<string> {
	let out = '';
	await act(async () => {
		const r = render(<Table columns={columns} rows={rows} cursor={cursor} width={width} height={5} sort={{ column: 'ip', descending: true }} />);
		out = r.lastFrame() ?? '';
		r.unmount();
	});
	return out;
}

test('column widths depend on the spec and the width only, not on the rows', async () => {
	const a = await frame([row('10.0.0.1', 'a')]);
	const b = await frame([row('10.0.0.200', 'a-very-long-host-name-that-does-not-fit-in-its-column-at-all')]);
	const stateAt = (f: string) => f.split('\n')[0].indexOf('STATE');
	assert.equal(stateAt(a), stateAt(b));
	assert.equal(b.split('\n')[1].indexOf('active'), stateAt(b), 'the long name is cut, the next column stays put');
	assert.match(b, /…/);
});

test('the sort indicator marks the sorted column', async () => {
	assert.match((await frame([row('10.0.0.1', 'a')])).split('\n')[0], /^IP↓/);
});

test('only the rows given are rendered, at most the height', async () => {
	const rows = Array.from({ length: 50 }, (_, i) => row(`10.0.0.${i}`, `h${i}`));
	const f = await frame(rows);
	assert.equal(f.split('\n').length, 6);
});

test('cells are sanitized', async () => {
	const f = await frame([row('10.0.0.1', 'x\u001b[31mred\u001b[0m\u0007y')]);
	assert.ok(f.includes('xredy'));
});

test('NO_COLOR: no colour codes at all', async () => {
	setColor(false);
	try {
		const f = await frame([row('10.0.0.1', 'a')], 60, -1);
		assert.ok(!/\u001b\[3\dm/.test(f), JSON.stringify(f));
	} finally {
		setColor(true);
	}
});

test('narrow terminals drop columns from the right instead of wrapping', () => {
	const widths = layoutColumns(columns, 20);
	assert.deepEqual(widths, [20, 0, 0], 'only the first column fits; it takes the line');
	assert.deepEqual(layoutColumns(columns, 40), [15, 15, 8]);
	assert.ok(widths.reduce((s, w) => s + (w ? w + 1 : 0), -1) <= 20);
	assert.equal(fit('abcdef', 4), 'abc…');
	assert.equal(fit('ab', 4, 'right'), '  ab');
	assert.equal(fit('日本語テキスト', 6), '日本 …');
});
