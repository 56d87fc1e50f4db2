// The `d` screen: sections of label/value lines, scrolled by the shell; every value sanitized.
import React from 'react';
import { Box, Text } from 'ink';
import { sanitize } from '../domain/sanitize.js';
import { paint } from '../app/theme.js';
import { fit } from './table-layout.js';

export interface DescribeSection {
	title: string;
	lines: [string, string][];
}

type Line = { kind: 'title'; text: string } | { kind: 'field'; label: string; value: string };

export function describeLines(sections: DescribeSection[]): Line[] {
	const out: Line[] = [];
	for (const s of sections) {
		out.push({ kind: 'title', text: s.title });
		for (const [label, value] of s.lines) out.push({ kind: 'field', label: sanitize(label), value: sanitize(value) });
	}
	return out;
}

export function DescribeView({ title, sections, scroll, width, height }: { title: string; sections: DescribeSection[] | null; scroll: number; width: number; height: number }) {
	const lines = sections ? describeLines(sections) : [];
	const labelWidth = Math.min(20, Math.max(8, ...lines.map(l => (l.kind === 'field' ? l.label.length + 1 : 0))));
	const visible = lines.slice(scroll, scroll + height - 1);
	return (
		<Box flexDirection="column" height={height} width={width}>
			<Text bold color={paint('cyan')} wrap="truncate">
				Describe {sanitize(title)} {sections ? `(${lines.length} lines, j/k scroll, Esc close)` : '(loading…)'}
			</Text>
			{visible.map((l, i) =>
				l.kind === 'title' ? (
					<Text key={i} bold color={paint('yellow')} wrap="truncate">
						{l.text}
					</Text>
				) : (
					<Text key={i} wrap="truncate">
						{'  '}
						<Text dimColor>{fit(l.label, labelWidth)}</Text> {l.value}
					</Text>
				),
			)}
		</Box>
	);
}
