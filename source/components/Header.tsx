// The top two lines: program, store, user, DEMO label; then each server's data freshness with a stale badge.
import React from 'react';
import { Box, Text } from 'ink';
import { sanitize } from '../domain/sanitize.js';
import { paint } from '../app/theme.js';
import { age } from '../panes/format.js';
import { isStale } from '../panes/servers.js';
import type { CollectorState } from '../app/collector-status.js';

export interface ServerFreshness {
	id: number;
	name: string;
	status: string;
	collected_at: number | null;
	interval_s: number | null;
}

function collectorText(c: CollectorState | undefined): { text: string; color?: string } | null {
	if (!c || c.mode === 'off') return null;
	if (c.error) return { text: `collector: ${c.error}`, color: 'red' };
	if (c.mode === 'idle') return { text: 'collector: another session' };
	const pass = c.lastPass ? ` (last pass ${c.lastPass.ok} ok${c.lastPass.failed ? `, ${c.lastPass.failed} failed` : ''})` : '';
	return { text: `collecting${pass}`, color: c.lastPass?.failed ? 'yellow' : 'green' };
}

export function Header({ storePath, actor, demo, servers, width, now, collector }: { storePath: string; actor: string; demo: boolean; servers: ServerFreshness[]; width: number; now: number; collector?: CollectorState }) {
	const c = collectorText(collector);
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate">
				<Text bold color={paint('cyan')}>ipam</Text>
				{demo ? <Text bold inverse color={paint('yellow')}> DEMO </Text> : null}
				<Text> store </Text>
				<Text bold>{sanitize(storePath)}</Text>
				<Text> user </Text>
				<Text bold>{sanitize(actor)}</Text>
				{c ? <Text color={paint(c.color)}>  {sanitize(c.text)}</Text> : null}
			</Text>
			<Text wrap="truncate">
				{servers.length === 0 ? <Text dimColor>no enabled servers (ipam server add …, ipam server list)</Text> : <Text dimColor>collected </Text>}
				{servers.map((s, i) => {
					const stale = isStale(s as unknown as Record<string, unknown> & { _k: [] }, now);
					return (
						<Text key={s.id}>
							{i > 0 ? ' · ' : ''}
							{sanitize(s.name)}{' '}
							<Text color={paint(stale ? 'red' : 'green')}>{s.collected_at == null ? 'never' : age(s.collected_at, now)}</Text>
							{stale ? <Text bold inverse color={paint('red')}>{s.status === 'down' ? ' DOWN ' : ' STALE '}</Text> : null}
						</Text>
					);
				})}
			</Text>
		</Box>
	);
}
