// Locates ../shared/samples (beside the repository) and this repository's own format fixtures.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const samplesDir = resolve(repoRoot, '../shared/samples');
export const fixturesDir = join(repoRoot, 'test/fixtures');

/** Path of a shared sample, or null (the caller skips visibly) when ../shared is absent. */
export function sample(area: string, name: string): string | null {
	const p = join(samplesDir, area, name);
	return existsSync(p) ? p : null;
}

export function samplesIn(area: string): string[] {
	const d = join(samplesDir, area);
	return existsSync(d) ? readdirSync(d).map(n => join(d, n)) : [];
}

export function fixture(area: string, name: string): string {
	return join(fixturesDir, area, name);
}
