// Shows the form or confirmation a write key asked for, runs it, and reports back one status message.
import React, { useEffect, useState } from 'react';
import { Text, useInput } from 'ink';
import type { Store } from '../../store/database.js';
import type { PaneSpec, Row } from '../panes/pane-spec.js';
import type { Action } from './keymap.js';
import { Confirm, Form } from '../components/Form.js';
import { planFor, type Plan } from './forms.js';

export interface FormRequest {
	action: Action;
	pane: PaneSpec;
	row: Row | undefined;
}

export interface FormHostProps {
	store: Store;
	request: FormRequest;
	width: number;
	height: number;
	onDone(message?: { text: string; error?: boolean }): void;
}

export function FormHost({ store, request, width, onDone }: FormHostProps) {
	const [plan, setPlan] = useState<Plan | null>(null);
	useEffect(() => {
		let alive = true;
		planFor(store, request.action, request.pane.form, request.pane.id, request.row).then(
			p => {
				if (!alive) return;
				if (p.kind === 'error') onDone({ text: p.message, error: true });
				else setPlan(p);
			},
			err => alive && onDone({ text: (err as Error).message, error: true }),
		);
		return () => void (alive = false);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [store, request]);

	useInput((_, key) => {
		if (!plan && key.escape) onDone();
	});

	if (!plan || plan.kind === 'error') return <Text dimColor>…</Text>;
	if (plan.kind === 'confirm') {
		return (
			<Confirm
				question={plan.question}
				onAnswer={yes => {
					if (!yes) return onDone({ text: 'nothing deleted' });
					plan.run().then(
						text => onDone({ text }),
						err => onDone({ text: (err as Error).message, error: true }),
					);
				}}
			/>
		);
	}
	return (
		<Form
			title={plan.title}
			fields={plan.fields}
			width={width}
			submitLabel={plan.submitLabel}
			onCancel={() => onDone({ text: 'cancelled' })}
			onSubmit={async values => {
				const result = await plan.submit(values);
				if (typeof result === 'string') {
					onDone({ text: result });
					return;
				}
				return result;
			}}
		/>
	);
}
