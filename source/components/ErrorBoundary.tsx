// Keeps a rendering failure inside one part of the screen: the shell shows the message and goes on.
import React from 'react';
import { Text } from 'ink';
import { sanitize } from '../domain/sanitize.js';

interface Props {
	children: React.ReactNode;
	/** Changing it clears a caught error (e.g. the user moved to another pane). */
	resetKey: unknown;
	onError?(message: string): void;
}

export class ErrorBoundary extends React.Component<Props, { error: string | null; key: unknown }> {
	state = { error: null as string | null, key: undefined as unknown };

	static getDerivedStateFromError(error: Error) {
		return { error: error?.message ?? String(error) };
	}

	static getDerivedStateFromProps(props: Props, state: { error: string | null; key: unknown }) {
		if (props.resetKey !== state.key) return { error: null, key: props.resetKey };
		return null;
	}

	componentDidCatch(error: Error) {
		this.props.onError?.(error?.message ?? String(error));
	}

	render() {
		if (this.state.error) return <Text color="red">cannot show this: {sanitize(this.state.error)}</Text>;
		return this.props.children;
	}
}
