// Finds the numbered SQL migrations (store/migrations/NNN_name.sql) whether running from source or from dist/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

let cached: Migration[] | undefined;

function migrationsDir(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	// From source: store/; compiled: dist/store/; bundled: dist/.
	for (const candidate of [path.join(here, 'migrations'), path.join(here, '..', '..', 'store', 'migrations'), path.join(here, '..', 'store', 'migrations')]) {
		if (fs.existsSync(candidate) && fs.readdirSync(candidate).some(f => f.endsWith('.sql'))) return candidate;
	}
	throw new Error('the store migrations (store/migrations/*.sql) are missing from this installation');
}

export function loadMigrations(): Migration[] {
	if (cached) return cached;
	const dir = migrationsDir();
	cached = fs
		.readdirSync(dir)
		.filter(f => /^\d+_.+\.sql$/.test(f))
		.sort()
		.map(f => ({ version: Number(f.split('_')[0]), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
	return cached;
}
