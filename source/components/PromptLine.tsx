// The line above the footer: the `:` or `/` prompt while typing, else the status message, a read error, or where the view is.
import React from 'react';
import { Text } from 'ink';
import { sanitize } from '../domain/sanitize.js';
import { paint } from '../app/theme.js';
import { suggestions } from '../app/command-line.js';
import type { Mode } from '../app/keymap.js';

export interface PromptLineProps {
	mode: Mode;
	line: string;
	status: { text: string; error?: boolean } | null;
	view: { loading: boolean; error: string | null; atStart: boolean; atEnd: boolean };
}

export function PromptLine({ mode, line, status, view }: PromptLineProps) {
	if (mode === 'command' || mode === 'filter') {
		return (
			<Text wrap="truncate">
				<Text color={paint('yellow')}>{mode === 'command' ? ':' : '/'}</Text>
				{sanitize(line)}
				<Text inverse> </Text>
				{mode === 'command' ? <Text dimColor> {suggestions(line).slice(0, 8).join(' ')}</Text> : null}
			</Text>
		);
	}
	if (status) {
		return (
			<Text wrap="truncate" color={paint(status.error ? 'red' : 'green')}>
				{sanitize(status.text)}
			</Text>
		);
	}
	if (view.error) {
		return (
			<Text wrap="truncate" color={paint('red')}>
				{sanitize(view.error)}
			</Text>
		);
	}
	return (
		<Text wrap="truncate" dimColor>
			{view.loading ? 'loading…' : `${view.atStart ? 'top' : '…'} ${view.atEnd ? 'end' : '…'}`}
		</Text>
	);
}
