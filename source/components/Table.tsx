// A virtualized table: renders only the rows it is given (one screen), with fixed column widths and a sort indicator.
import React, { memo, useMemo } from 'react';
import { Box, Text } from 'ink';
import { cellText } from '../resources/column.js';
import { sanitize } from '../domain/sanitize.js';
import { paint } from '../app/theme.js';
import type { PaneColumn, Row } from '../panes/pane-spec.js';
import { fit, layoutColumns } from './table-layout.js';

export interface TableProps {
	columns: PaneColumn[];
	rows: Row[];
	/** Index of the selected row in `rows`, -1 for none. */
	cursor: number;
	width: number;
	/** Rows of data (the header line is extra). */
	height: number;
	sort?: { column: string; descending: boolean };
	empty?: string;
}

interface RowLineProps {
	columns: PaneColumn[];
	widths: number[];
	row: Row;
	selected: boolean;
}

/** Every cell is sanitized here: store strings can carry escape sequences from DHCP clients. */
function cell(column: PaneColumn, row: Row): string {
	try {
		return sanitize(cellText(column, row));
	} catch {
		return '?';
	}
}

const RowLine = memo(function RowLine({ columns, widths, row, selected }: RowLineProps) {
	const parts: React.ReactNode[] = [];
	columns.forEach((c, i) => {
		if (widths[i] <= 0) return;
		const text = fit(cell(c, row), widths[i], c.align);
		const color = selected ? undefined : paint(c.color?.(row));
		if (parts.length) parts.push(' ');
		parts.push(color ? <Text key={c.key} color={color}>{text}</Text> : text);
	});
	return (
		<Text wrap="truncate" inverse={selected}>
			{parts}
		</Text>
	);
});

export function Table({ columns, rows, cursor, width, height, sort, empty }: TableProps) {
	// Same array while columns and width stay: every RowLine whose row did not change skips rendering.
	const widths = useMemo(() => layoutColumns(columns, width), [columns, width]);
	const header = columns
		.map((c, i) => {
			if (widths[i] <= 0) return null;
			const mark = sort?.column === c.key ? (sort.descending ? '↓' : '↑') : '';
			return fit(c.header + mark, widths[i], c.align);
		})
		.filter(h => h !== null)
		.join(' ');
	const lines = rows.slice(0, height);
	return (
		<Box flexDirection="column" height={height + 1} width={width}>
			<Text bold wrap="truncate" color={paint('cyan')}>
				{header}
			</Text>
			{lines.length === 0 ? <Text dimColor>{empty ?? 'no rows'}</Text> : null}
			{lines.map((row, i) => (
				<RowLine key={i} columns={columns} widths={widths} row={row} selected={i === cursor} />
			))}
		</Box>
	);
}
