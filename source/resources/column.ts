// The column spec shared by the CLI's list output and the TUI's panes: one place defines each resource's columns.

export interface Column<Row> {
	/** Stable id; also the field name in --json and the header in --csv. */
	key: string;
	/** Header shown on screen and in the CLI table. */
	header: string;
	/** Minimum width in terminal cells; 'flex' columns share what is left. */
	width: number | 'flex';
	align?: 'left' | 'right';
	/** Raw value for JSON/CSV. */
	value(row: Row): string | number | boolean | null;
	/** Display text (defaults to the value as text). Passed through the sanitizer by every renderer. */
	text?(row: Row): string;
	/** SQL ORDER BY expression when the pane sorts by this column (key-based paging). */
	sortSql?: string;
}

export function cellText<Row>(column: Column<Row>, row: Row): string {
	if (column.text) return column.text(row);
	const v = column.value(row);
	return v === null || v === undefined ? '' : String(v);
}
