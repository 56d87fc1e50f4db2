// The package's own version, found by walking up from this module (works from source and from dist/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 5; i++) {
		const file = path.join(dir, 'package.json');
		if (fs.existsSync(file)) {
			const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
			if (pkg.name === 'ipam-tui') return pkg.version ?? '0.0.0';
		}
		dir = path.dirname(dir);
	}
	return '0.0.0';
}
