// The TUI shell: header, breadcrumbs, the current pane (or help / describe / form), the prompt line and the footer.
import React, { Suspense, lazy, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import type { Store } from '../../store/database.js';
import { serverFreshness } from '../../store/describe.js';
import { findPane, paneById } from '../panes/registry.js';
import type { PaneSpec, Row, Scope } from '../panes/pane-spec.js';
import { usePager, type SortState } from '../hooks/usePager.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { Table } from '../components/Table.js';
import { Header, type ServerFreshness } from '../components/Header.js';
import { HelpView, type HelpEntry } from '../components/HelpView.js';
import { DescribeView, describeLines, type DescribeSection } from '../components/DescribeView.js';
import { ErrorBoundary } from '../components/ErrorBoundary.js';
import { sanitize } from '../domain/sanitize.js';
import { actionFor, bindingsFor, footerText, keyName, splitChunk, type Action, type Mode } from './keymap.js';
import { complete, runCommandLine } from './command-line.js';
import { PromptLine } from '../components/PromptLine.js';
import { paint } from './theme.js';
import { osc52 } from './clipboard.js';
import type { FormRequest } from './FormHost.js';

// Not on the first frame: forms (and their input widgets) and the describe queries load when first used.
const FormHost = lazy(() => import('./FormHost.js').then(m => ({ default: m.FormHost })));
const loadDescribe = () => import('./describe.js');
import type { CollectorState, CollectorStatus } from './collector-status.js';

const OFF: CollectorState = { mode: 'off' };
const offState = () => OFF;
const noSubscribe = () => () => undefined;

export interface Frame {
	pane: PaneSpec;
	scope: Scope | null;
	filter: string;
	sort: SortState;
}


export interface AppProps {
	store: Store;
	storePath: string;
	actor: string;
	demo: boolean;
	initialPane?: string;
	/** Where OSC 52 copies go (the terminal). */
	writeRaw?(text: string): void;
	/** Header refresh period in ms (0 = never; tests). */
	refreshMs?: number;
	onQuit?(): void;
	/** This session's background collector, shown in the header. */
	collector?: CollectorStatus;
	/** Called once, while rendering the first screen of rows (start-up benchmark; must not set React state). */
	onFirstRows?(): void;
}

/** Rows the shell itself uses around the pane: header (2), breadcrumbs, prompt, footer, plus one spare line. */
const CHROME = 6;

function frameFor(pane: PaneSpec, scope: Scope | null = null): Frame {
	return { pane, scope, filter: '', sort: { ...pane.defaultSort } };
}

export function App({ store, storePath, actor, demo, initialPane = 'blocks', writeRaw, refreshMs = 5000, onQuit, onFirstRows, collector }: AppProps) {
	const { exit } = useApp();
	const { columns: width, rows } = useTerminalSize();
	const [stack, setStack] = useState<Frame[]>(() => [frameFor(findPane(initialPane) ?? paneById('blocks'))]);
	const [mode, setModeState] = useState<Mode>('normal');
	const [line, setLineState] = useState('');
	// Keys can arrive several to a chunk (a loaded machine, a paste): each is handled against the state the
	// previous one left, so mode and prompt text are mirrored in refs updated at once.
	const modeRef = useRef<Mode>('normal');
	const lineRef = useRef('');
	const setMode = (m: Mode) => {
		modeRef.current = m;
		setModeState(m);
	};
	const setLine = (l: string) => {
		lineRef.current = l;
		setLineState(l);
	};
	const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);
	const [servers, setServers] = useState<ServerFreshness[]>([]);
	const [now, setNow] = useState(() => Date.now() / 1000);
	const [detail, setDetail] = useState<{ title: string; sections: DescribeSection[] | null; scroll: number }>({ title: '', sections: null, scroll: 0 });
	const [form, setForm] = useState<FormRequest | null>(null);
	const frame = stack[stack.length - 1];
	const bodyHeight = Math.max(3, rows - CHROME);
	const tableRows = bodyHeight - 1;
	const liveFilter = mode === 'filter' ? line : frame.filter;
	const { pager, view } = usePager(store, frame.pane, frame.scope, liveFilter, frame.sort, tableRows);
	const collecting = useSyncExternalStore(collector?.subscribe ?? noSubscribe, collector?.get ?? offState);
	const firstRows = useRef(false);
	// Said during render, not in an effect: Ink composes the frame right after this commit, before effects run,
	// so an effect would only be seen by the frame after (which may be seconds away on an idle screen).
	if (!firstRows.current && !view.loading) {
		firstRows.current = true;
		onFirstRows?.();
	}
	const statusRef = useRef(setStatus);
	statusRef.current = setStatus;

	const say = useCallback((text: string, error = false) => setStatus({ text, error }), []);

	useEffect(() => {
		let alive = true;
		const load = () =>
			serverFreshness(store)
				.then(list => {
					if (!alive) return;
					setServers(list);
					setNow(Date.now() / 1000);
				})
				.catch(err => alive && say(`servers: ${(err as Error).message}`, true));
		void load();
		if (!refreshMs) return () => void (alive = false);
		const timer = setInterval(load, refreshMs);
		return () => {
			alive = false;
			clearInterval(timer);
		};
	}, [store, refreshMs, say]);

	useEffect(() => {
		let alive = true;
		frame.pane
			.notes?.(store, frame.scope)
			.then(notes => alive && notes.length > 0 && say(notes.join(' · ')))
			.catch(err => alive && say((err as Error).message, true));
		return () => void (alive = false);
	}, [store, frame.pane, frame.scope, say]);

	const replaceTop = (change: Partial<Frame>) => setStack(s => [...s.slice(0, -1), { ...s[s.length - 1], ...change }]);
	const push = (pane: PaneSpec, scope: Scope | null) => {
		setStack(s => [...s, frameFor(pane, scope)]);
		setMode('normal');
	};
	const quit = () => {
		onQuit?.();
		exit();
	};
	const selected = (): Row | undefined => pager.selected();

	const openDescribe = async (title: string, load: () => Promise<DescribeSection[]>) => {
		setDetail({ title, sections: null, scroll: 0 });
		setMode('describe');
		try {
			const sections = await load();
			setDetail(d => (d.title === title ? { ...d, sections } : d));
		} catch (err) {
			say(`describe: ${(err as Error).message}`, true);
			setMode('normal');
		}
	};

	const runCommand = (text: string) => {
		const result = runCommandLine(text);
		setLine('');
		setMode('normal');
		switch (result.kind) {
			case 'quit':
				return quit();
			case 'help':
				return setMode('help');
			case 'error':
				return say(result.message, true);
			case 'ip':
				return void openDescribe(result.text, async () => (await loadDescribe()).addressSections(store, result.family, result.ip));
			case 'pane':
				// A bare pane name starts a new trail (k9s); an argument or scope drills in.
				if (!result.scope) {
					setStack([frameFor(result.pane)]);
					return;
				}
				return push(result.pane, result.scope);
		}
	};

	const sortable = frame.pane.columns.filter(c => c.sortSql || c.sortKeys);

	const act = async (action: Action) => {
		const row = selected();
		switch (action) {
			case 'down':
				return pager.move(1);
			case 'up':
				return pager.move(-1);
			case 'pageDown':
				return pager.page(1);
			case 'pageUp':
				return pager.page(-1);
			case 'top':
				return pager.reset();
			case 'bottom':
				return pager.reset({ fromEnd: true });
			case 'refresh':
				return pager.refresh();
			case 'command':
				setLine('');
				return setMode('command');
			case 'filter':
				setLine(frame.filter);
				return setMode('filter');
			case 'help':
				return setMode('help');
			case 'quit':
				return quit();
			case 'back':
				if (frame.filter) return replaceTop({ filter: '' });
				if (stack.length > 1) return setStack(s => s.slice(0, -1));
				return;
			case 'drill': {
				const target = row && frame.pane.drill?.(row);
				if (!target) return say(row ? `nothing below ${frame.pane.title.toLowerCase()}` : 'no row selected');
				return push(paneById(target.pane), target.scope);
			}
			case 'describe': {
				const target = row && frame.pane.describe?.(row);
				if (!target) return say('nothing to describe');
				const title = sanitize(frame.pane.copyValue?.(row!) ?? target.kind);
				return openDescribe(title, async () => (await loadDescribe()).describe(store, target));
			}
			case 'sortNext': {
				if (sortable.length === 0) return say('this pane has one fixed order');
				const i = sortable.findIndex(c => c.key === frame.sort.column);
				const next = sortable[(i + 1) % sortable.length];
				return replaceTop({ sort: { column: next.key, descending: false } });
			}
			case 'sortReverse':
				return replaceTop({ sort: { ...frame.sort, descending: !frame.sort.descending } });
			case 'copy': {
				const value = row && frame.pane.copyValue?.(row);
				if (!value) return say('nothing to copy');
				(writeRaw ?? (t => process.stdout.write(t)))(osc52(value));
				return say(`copied ${sanitize(value)}`);
			}
			case 'track': {
				const term = row && frame.pane.trackTerm?.(row);
				if (!term) return say('this row has no address or MAC to track');
				return runCommand(`track ${term}`);
			}
			case 'create':
			case 'edit':
			case 'delete':
			case 'allocateAddress':
			case 'allocateSubnet':
				setForm({ action, pane: frame.pane, row });
				return setMode('form');
		}
	};

	const guard = (work: () => unknown) => {
		try {
			const r = work();
			if (r instanceof Promise) r.catch(err => say((err as Error)?.message ?? String(err), true));
		} catch (err) {
			say((err as Error)?.message ?? String(err), true);
		}
	};

	const handleKey = (input: string, key: Key) => {
			const name = keyName(input, key);
			const mode = modeRef.current;
			const line = lineRef.current;
			if (name === 'ctrl+c') return quit();
			if (mode === 'command' || mode === 'filter') {
				if (name === 'escape') {
					if (mode === 'filter') replaceTop({ filter: '' });
					setLine('');
					return setMode('normal');
				}
				if (name === 'enter') {
					if (mode === 'command') return runCommand(line);
					replaceTop({ filter: line });
					return setMode('normal');
				}
				if (name === 'tab' && mode === 'command') return setLine(complete(lineRef.current));
				if (name === 'backspace' || name === 'delete') return setLine(lineRef.current.slice(0, -1));
				if (name === 'ctrl+u') return setLine('');
				if (input && !key.ctrl && !key.meta && input >= ' ') return setLine(lineRef.current + input);
				return;
			}
			if (mode === 'help') {
				if (name === 'escape' || name === 'q' || name === '?') setMode('normal');
				return;
			}
			if (mode === 'describe') {
				const total = detail.sections ? describeLines(detail.sections).length : 0;
				const page = bodyHeight - 2;
				const scrollBy = (n: number) => setDetail(d => ({ ...d, scroll: Math.max(0, Math.min(Math.max(0, total - page), d.scroll + n)) }));
				if (name === 'escape' || name === 'q' || name === 'd') return setMode('normal');
				if (name === 'j' || name === 'down') return scrollBy(1);
				if (name === 'k' || name === 'up') return scrollBy(-1);
				if (name === 'pagedown' || name === 'ctrl+f') return scrollBy(page);
				if (name === 'pageup' || name === 'ctrl+b') return scrollBy(-page);
				if (name === 'g') return scrollBy(-total);
				if (name === 'G') return scrollBy(total);
				return;
			}
			if (mode === 'form') return;
			setStatus(null);
			const paneKey = frame.pane.keys?.find(k => k.key === name);
			if (paneKey) {
				return guard(() =>
					paneKey.run({ row: selected(), store, open: d => push(paneById(d.pane), d.scope), status: m => say(m), openForm: () => undefined }),
				);
			}
			const action = actionFor(name, frame.pane);
			if (action) guard(() => act(action));
	};

	useInput(
		(input, key) => {
			for (const [i, k] of splitChunk(input, key)) handleKey(i, k);
		},
		{ isActive: mode !== 'form' },
	);

	const crumbs = stack.map((f, i) => {
		const scope = f.scope ? ` ${sanitize(f.scope.label)}` : '';
		const filter = (i === stack.length - 1 ? liveFilter : f.filter) ? ` /${sanitize(i === stack.length - 1 ? liveFilter : f.filter)}` : '';
		return `${f.pane.title}${scope}${filter}`;
	});

	const helpEntries: HelpEntry[] = [
		...bindingsFor(frame.pane).map(b => ({ keys: b.keys.join(' '), label: b.label })),
		...(frame.pane.keys ?? []).map(k => ({ keys: k.key, label: k.label })),
	];

	let body: React.ReactNode;
	if (mode === 'help') body = <HelpView title={frame.pane.title} entries={helpEntries} width={width} height={bodyHeight} />;
	else if (mode === 'describe') body = <DescribeView title={detail.title} sections={detail.sections} scroll={detail.scroll} width={width} height={bodyHeight} />;
	else if (mode === 'form' && form)
		body = (
			<Suspense fallback={<Text dimColor>loading…</Text>}>
				<FormHost
					store={store}
					request={form}
					width={width}
					height={bodyHeight}
					onDone={message => {
						setForm(null);
						setMode('normal');
						if (message) say(message.text, message.error);
						void pager.refresh();
					}}
				/>
			</Suspense>
		);
	else
		body = (
			<Table
				columns={frame.pane.columns}
				rows={view.rows}
				cursor={view.cursor}
				width={width}
				height={tableRows}
				sort={frame.sort}
				empty={view.loading ? 'loading…' : liveFilter ? `nothing matches /${sanitize(liveFilter)}` : 'no rows'}
			/>
		);

	return (
		<Box flexDirection="column" width={width} height={rows - 1}>
			<Header storePath={storePath} actor={actor} demo={demo} servers={servers} width={width} now={now} collector={collecting} />
			<Text wrap="truncate" color={paint('magenta')}>
				{crumbs.join(' › ')}
			</Text>
			<Box height={bodyHeight} flexDirection="column">
				<ErrorBoundary resetKey={`${stack.length}:${mode}:${frame.pane.id}`} onError={m => statusRef.current({ text: m, error: true })}>
					{body}
				</ErrorBoundary>
			</Box>
			<PromptLine mode={mode} line={line} status={status} view={view} />
			<Text wrap="truncate" dimColor>
				{footerText(mode, frame.pane)}
			</Text>
		</Box>
	);
}
