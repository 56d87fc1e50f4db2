// Opens the store the way the TUI reads it; cli.tsx starts this before Ink and React load, so the two overlap.
import { Store, type OpenOptions } from '../../store/database.js';

export interface TuiStore {
	store: Store;
	demo: boolean;
}

export async function openTuiStore(dbPath: string, actor: string, onMigration?: OpenOptions['onMigration']): Promise<TuiStore> {
	// A small page cache and no memory map: the TUI reads a screen at a time, and its resident memory must not
	// grow with the size of the store it scrolls through.
	const store = await Store.open(dbPath, { actor, cacheMiB: 16, onMigration });
	try {
		await store.exec('PRAGMA mmap_size = 0');
		return { store, demo: (await store.setting('demo', '0')) === '1' };
	} catch (err) {
		await store.close().catch(() => undefined);
		throw err;
	}
}
