// The `?` screen: every key of the current pane, from the shell's key table and the pane's own keys.
import React from 'react';
import { Box, Text } from 'ink';
import { paint } from '../app/theme.js';

export interface HelpEntry {
	keys: string;
	label: string;
}

export function HelpView({ title, entries, width, height }: { title: string; entries: HelpEntry[]; width: number; height: number }) {
	const rows = Math.max(1, height - 1);
	const columns = Math.max(1, Math.ceil(entries.length / rows));
	const colWidth = Math.floor(width / columns);
	const keyWidth = Math.min(16, Math.max(...entries.map(e => e.keys.length)) + 2);
	const cols = Array.from({ length: columns }, (_, c) => entries.slice(c * rows, (c + 1) * rows));
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text bold color={paint('cyan')}>
				Keys — {title} (Esc to close)
			</Text>
			<Box flexDirection="row">
				{cols.map((col, c) => (
					<Box key={c} flexDirection="column" width={colWidth}>
						{col.map(e => (
							<Text key={e.keys} wrap="truncate">
								<Text bold color={paint('yellow')}>{e.keys.padEnd(keyWidth)}</Text>
								{e.label}
							</Text>
						))}
					</Box>
				))}
			</Box>
		</Box>
	);
}
