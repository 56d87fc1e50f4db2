// Drives the TUI shell in ink-testing-library: one key per write, each inside act(), waiting for the store's async reads.
import React, { act } from 'react';
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../../source/app/App.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export const KEY = { down: '\u001b[B', up: '\u001b[A', enter: '\r', escape: '\u001b', tab: '\t', backspace: '\u007f', pageDown: '\u001b[6~' };

export async function mount(props: Omit<AppProps, 'refreshMs'>) {
	let instance!: ReturnType<typeof render>;
	await act(async () => {
		instance = render(<App refreshMs={0} {...props} />);
	});
	const frame = () => instance.lastFrame() ?? '';
	const waitFor = async (predicate: (frame: string) => boolean, what: string, ms = 3000) => {
		const until = Date.now() + ms;
		while (!predicate(frame())) {
			if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${frame()}`);
			await act(async () => {
				await new Promise(r => setTimeout(r, 10));
			});
		}
		return frame();
	};
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			await act(async () => {
				instance.stdin.write(k);
			});
			// Let a lone ESC through the input parser's escape-sequence wait.
			if (k === KEY.escape) await act(async () => void (await new Promise(r => setTimeout(r, 60))));
		}
	};
	const type = (text: string) => press(...[...text]);
	const unmount = () => act(async () => instance.unmount());
	return { frame, waitFor, press, type, unmount, instance };
}
