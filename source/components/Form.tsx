// A form: text fields (ink-text-input) and choices (ink-select-input), Tab between them, Enter submits, errors inline.
import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import SelectInput from 'ink-select-input';
import { sanitize } from '../domain/sanitize.js';
import { paint } from '../app/theme.js';

export interface FormField {
	key: string;
	label: string;
	/** Choices make it a select; otherwise it is a text field. */
	options?: string[];
	value: string;
	readOnly?: boolean;
	hint?: string;
}

/** What a submit can answer: nothing (done) or an error, tied to a field when it is about one. */
export interface FormError {
	field?: string;
	message: string;
}

export interface FormProps {
	title: string;
	fields: FormField[];
	width: number;
	submitLabel?: string;
	onSubmit(values: Record<string, string>): Promise<FormError | void>;
	onCancel(): void;
}

export function Form({ title, fields, width, submitLabel = 'save', onSubmit, onCancel }: FormProps) {
	const editable = fields.map((f, i) => (f.readOnly ? -1 : i)).filter(i => i >= 0);
	const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map(f => [f.key, f.value])));
	const [focus, setFocus] = useState(editable[0] ?? 0);
	const [error, setError] = useState<FormError | null>(null);
	const [busy, setBusy] = useState(false);

	const move = (delta: number) => {
		const at = editable.indexOf(focus);
		setFocus(editable[(at + delta + editable.length) % editable.length]);
	};
	const submit = async () => {
		if (busy) return;
		setBusy(true);
		setError(null);
		try {
			const result = await onSubmit(values);
			if (result) setError(result);
		} catch (err) {
			// Store errors carry a message a user can act on; anything else is shown too, never thrown.
			setError({ message: (err as Error)?.message ?? String(err) });
		} finally {
			setBusy(false);
		}
	};

	useInput((input, key) => {
		if (key.escape) return onCancel();
		if (key.tab) return move(key.shift ? -1 : 1);
		const field = fields[focus];
		if (!field?.options && key.downArrow) return move(1);
		if (!field?.options && key.upArrow) return move(-1);
		if (key.ctrl && input === 's') void submit();
	});

	const labelWidth = Math.max(...fields.map(f => f.label.length)) + 2;
	return (
		<Box flexDirection="column" width={width}>
			<Text bold color={paint('cyan')}>
				{sanitize(title)}
			</Text>
			{fields.map((f, i) => {
				const focused = i === focus;
				const fieldError = error?.field === f.key ? error.message : null;
				return (
					<Box key={f.key} flexDirection="column">
						<Box>
							<Text color={paint(focused ? 'yellow' : undefined)} bold={focused}>
								{(focused ? '› ' : '  ') + f.label.padEnd(labelWidth)}
							</Text>
							{f.readOnly ? (
								<Text dimColor>{sanitize(values[f.key])}</Text>
							) : f.options ? (
								focused ? (
									<SelectInput
										items={f.options.map(o => ({ label: o, value: o }))}
										initialIndex={Math.max(0, f.options.indexOf(values[f.key]))}
										onHighlight={item => setValues(v => ({ ...v, [f.key]: item.value }))}
										onSelect={item => {
											setValues(v => ({ ...v, [f.key]: item.value }));
											move(1);
										}}
									/>
								) : (
									<Text>{values[f.key]}</Text>
								)
							) : focused ? (
								<TextInput value={values[f.key]} onChange={v => setValues(old => ({ ...old, [f.key]: v }))} onSubmit={() => void submit()} />
							) : (
								<Text>{sanitize(values[f.key])}</Text>
							)}
							{f.hint && focused ? <Text dimColor> {f.hint}</Text> : null}
						</Box>
						{fieldError ? (
							<Text color={paint('red')}>
								{' '.repeat(labelWidth + 2)}
								{sanitize(fieldError)}
							</Text>
						) : null}
					</Box>
				);
			})}
			{error && !error.field ? <Text color={paint('red')}>{sanitize(error.message)}</Text> : null}
			<Text dimColor>{busy ? 'saving…' : `Enter ${submitLabel} · Tab next field · Esc cancel`}</Text>
		</Box>
	);
}

export function Confirm({ question, onAnswer }: { question: string; onAnswer(yes: boolean): void }) {
	useInput((input, key) => {
		if (input === 'y' || input === 'Y') onAnswer(true);
		else if (input === 'n' || input === 'N' || key.escape || key.return) onAnswer(false);
	});
	return (
		<Box flexDirection="column">
			<Text bold color={paint('red')}>
				{sanitize(question)}
			</Text>
			<Text>y delete · n / Esc / Enter keep</Text>
		</Box>
	);
}
