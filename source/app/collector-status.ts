// What the background collector of this session is doing, for the header: collecting here, idle (another session collects), or failing.
import type { WorkerMessage } from '../workers/index.js';

export interface CollectorState {
	/** 'collecting' = this session holds the collector lock; 'idle' = another session does; 'off' = not started. */
	mode: 'off' | 'collecting' | 'idle';
	lastPass?: { at: number; ok: number; failed: number };
	error?: string;
}

export class CollectorStatus {
	private state: CollectorState = { mode: 'off' };
	private listeners = new Set<() => void>();

	get = (): CollectorState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	update(m: WorkerMessage): void {
		if (m.type === 'lock') this.state = { ...this.state, mode: m.held ? 'collecting' : 'idle' };
		else if (m.type === 'pass') {
			const failed = m.servers.filter(s => !s.ok).length;
			this.state = { ...this.state, lastPass: { at: Date.now() / 1000, ok: m.servers.length - failed, failed }, error: undefined };
		} else if (m.type === 'error') this.state = { ...this.state, error: m.message };
		else return;
		for (const l of this.listeners) l();
	}
}
