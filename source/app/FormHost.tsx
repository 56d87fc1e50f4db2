// Placeholder until the forms land.
import React from 'react';
import { Text } from 'ink';
import type { Store } from '../../store/database.js';
import type { PaneSpec, Row } from '../panes/pane-spec.js';
import type { Action } from './keymap.js';

export interface FormRequest {
	action: Action;
	pane: PaneSpec;
	row: Row | undefined;
}

export function FormHost(_: { store: Store; request: FormRequest; width: number; height: number; onDone(message?: { text: string; error?: boolean }): void }) {
	return <Text>forms are not available yet</Text>;
}
