// V8 tuning for a bulk import: rows live from reading to writing, a few batches at a time, then die.
import v8 from 'node:v8';

let applied = false;

/**
 * Turns off allocation-site pretenuring for the rest of the process. A pipelined import keeps a few
 * thousand rows alive across young-generation collections, so V8 judges their allocation sites
 * long-lived and allocates later rows straight into the old generation: every row then dies there,
 * each pointer from it to a young string is a remembered-set entry, and collections cost 6 s of a
 * million-row import instead of 1 s (BENCHMARKS.md, CSV import). The flag is read at each
 * allocation-site decision, so setting it at run time takes effect; it only changes where objects
 * are first placed, never what a program computes.
 */
export function tuneGcForBulkImport(): void {
	if (applied) return;
	applied = true;
	v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
