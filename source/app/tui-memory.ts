// Heap settings for the long-running TUI process; one-shot commands (a 1M-row import) keep V8's defaults.
import v8 from 'node:v8';

/** Where the young generation stops growing (V8 doubles it up to 32 MiB when a process allocates quickly). */
const YOUNG_MAX = 16 * 2 ** 20;

let young: 'held' | 'growing' | 'capped' = 'held';

/**
 * Called first on the TUI's path, before Ink loads. In the TUI nearly all of V8's heap growth is garbage from
 * frames already on screen, yet it is resident memory: V8 keeps a young generation grown to 32 MiB committed,
 * and lets the old generation reach up to four times what survived the last full collection. V8 reads both
 * flags below as it resizes, so setting them at run time works (unlike the heap size flags, fixed when the heap
 * is created). The young generation is held at its initial size while modules load, then allowed to grow to
 * 16 MiB (`youngGenerationAfterFrame`): smaller costs too many collections per key (measured: with 2 MiB, GC
 * took a third of the TUI's CPU while scrolling). The old generation grows by at most half before a full
 * collection.
 */
export function tuneHeapForTui(): void {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--heap-growing-percent=50');
}

/**
 * Called after each frame: lets the young generation double again until it reaches YOUNG_MAX, then stops its
 * growth there. V8 has no run-time cap, but it reads the growth factor each time it grows the space.
 */
export function youngGenerationAfterFrame(): void {
	if (young === 'capped') return;
	const space = v8.getHeapSpaceStatistics().find(s => s.space_name === 'new_space');
	if (space && space.space_size >= YOUNG_MAX) {
		v8.setFlagsFromString('--semi-space-growth-factor=1');
		young = 'capped';
	} else if (young === 'held') {
		// V8's default factor.
		v8.setFlagsFromString('--semi-space-growth-factor=2');
		young = 'growing';
	}
}
