// Heap settings for the long-running TUI process; one-shot commands (a 1M-row import) keep V8's defaults.
import v8 from 'node:v8';

/**
 * Called first on the TUI's path, before Ink loads. V8 grows the young generation to 32 MiB (two 16 MiB
 * semi-spaces) in a process that allocates quickly, and keeps it committed; it lets the old generation grow to
 * up to four times what survived the last full collection. In the TUI nearly all of that is garbage from
 * frames already on screen, yet it is resident memory. Both flags are read by V8 as it resizes, so setting
 * them at run time works (unlike the heap size flags, fixed when the heap is created): the young generation
 * stays at its initial size and the old one grows by at most half before a full collection.
 */
export function tuneHeapForTui(): void {
	v8.setFlagsFromString('--semi-space-growth-factor=1');
	v8.setFlagsFromString('--heap-growing-percent=50');
}
