// Kea configuration files with <?include "file"?> (source/collectors/kea/config-file.ts): spliced where they stand, nested,
// relative to the including file; loops, missing files and bad directives named by file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keaCollector } from '../../source/collectors/kea/index.js';
import { expandKeaIncludes, readKeaConfigFile } from '../../source/collectors/kea/config-file.js';
import { collectContext } from '../integration/context.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kea', 'includes');
const readFile = async (file: string) => fs.promises.readFile(file, 'utf8');

function tmp(files: Record<string, string>): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-kea-include-'));
	for (const [name, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		fs.writeFileSync(path.join(dir, name), text);
	}
	return dir;
}

test('a memfile Kea server reads its configuration with nested includes spliced into lists', async () => {
	const configFile = path.join(fixtures, 'kea-dhcp4.conf');
	const leaseFile = path.join(tmp({ 'l.csv': 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n' }), 'l.csv');
	const batch = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'file', endpoint: { configFile, leaseFile } }, { parts: ['config'] }));
	assert.deepEqual(
		batch.config!.scopes.map(s => [s.subnet, s.start, s.end]),
		[
			['10.10.0.0/24', '10.10.0.100', '10.10.0.199'],
			['10.20.0.0/24', '10.20.0.10', '10.20.0.99'],
		],
	);
	assert.deepEqual(
		batch.config!.reservations.map(r => [r.ip, r.mac, r.name]),
		[
			['10.10.0.5', '02:00:00:00:10:05', 'printer-5'],
			['10.10.0.6', '02:00:00:00:10:06', 'printer-6'],
		],
	);
});

test('relative paths are taken from the including file, at every level', async () => {
	const dir = tmp({
		'etc/kea.conf': '{ "Dhcp4": { "subnet4": [ <?include "scopes/all.json"?> ] } }',
		'etc/scopes/all.json': '<?include "one.json"?>, <?include "../scopes/two.json"?>',
		'etc/scopes/one.json': '{ "id": 1, "subnet": "10.1.0.0/24", "pools": [ { "pool": "10.1.0.10-10.1.0.20" } ] }',
		'etc/scopes/two.json': '{ "id": 2, "subnet": "10.2.0.0/24", "pools": [ { "pool": "10.2.0.0/25" } ] }',
	});
	const file = path.join(dir, 'etc', 'kea.conf');
	const config = await readKeaConfigFile(fs.readFileSync(file, 'utf8'), file, 4, readFile);
	assert.deepEqual(config.config.scopes.map(s => s.subnet), ['10.1.0.0/24', '10.2.0.0/24']);
});

test('a loop, a missing file, a bad or unclosed directive: one clear error naming the file and line', async () => {
	const dir = tmp({
		'a.conf': '{\n  "Dhcp4": {\n    "subnet4": [ <?include "b.json"?> ]\n  }\n}\n',
		'b.json': '# b\n\n<?include "a.conf"?>\n',
		'missing.conf': '{ "Dhcp4": {\n "subnet4": [\n  <?include "gone.json"?>\n ] } }',
		'bad.conf': '{\n<?import "x"?>\n}',
		'open.conf': '{ "Dhcp4": {} }\n<?include "x.json"\n',
	});
	const read = (name: string) => readKeaConfigFile(fs.readFileSync(path.join(dir, name), 'utf8'), path.join(dir, name), 4, readFile);
	await assert.rejects(read('a.conf'), (e: Error) => {
		assert.equal(e.message, `${dir}/b.json:3: include loop: ${dir}/a.conf → ${dir}/b.json → ${dir}/a.conf`);
		return true;
	});
	await assert.rejects(read('missing.conf'), (e: Error) => {
		assert.match(e.message, new RegExp(`^${dir}/missing\\.conf:3: <\\?include "gone\\.json"\\?>: cannot read ${dir}/gone\\.json: .*ENOENT`));
		return true;
	});
	await assert.rejects(read('bad.conf'), /bad\.conf:2: unknown directive <\?import "x"\?>: Kea knows only <\?include "file"\?>/);
	await assert.rejects(read('open.conf'), /open\.conf:2: "<\?" directive not closed with "\?>"/);
	// Ten levels are Kea's limit; a longer chain of distinct files is refused, not followed forever.
	const chain: Record<string, string> = { 'f0.json': '<?include "f1.json"?>' };
	for (let i = 1; i < 14; i++) chain[`f${i}.json`] = `<?include "f${i + 1}.json"?>`;
	const deep = tmp(chain);
	await assert.rejects(expandKeaIncludes(chain['f0.json'], path.join(deep, 'f0.json'), readFile), /f10\.json:1: includes nested deeper than 10 files/);
});

test('comments, and <? or // inside strings, are handled as Kea does; lines still count after block comments', async () => {
	const dir = tmp({ 'c.conf': '/* two\nlines */ { "url": "http://x//y#z", "t": "<?include \\"q\\"?>" }\n<?include "nope.json"?>' });
	const file = path.join(dir, 'c.conf');
	await assert.rejects(expandKeaIncludes(fs.readFileSync(file, 'utf8'), file, readFile), /c\.conf:3: <\?include "nope\.json"\?>/);
	const text = await expandKeaIncludes('{ "url": "http://x//y#z", "t": "<?include \\"q\\"?>" } // c', 'x.conf', readFile);
	assert.deepEqual(JSON.parse(text), { url: 'http://x//y#z', t: '<?include "q"?>' });
});

test('real Kea accepts the include fixture when started from its directory (kea-dhcp4 -t)', t => {
	const kea = ['/usr/sbin/kea-dhcp4', '/usr/bin/kea-dhcp4'].find(p => fs.existsSync(p));
	if (!kea) return t.skip('kea-dhcp4 is not installed (npm test installs it)');
	const r = spawnSync(kea, ['-t', 'kea-dhcp4.conf'], { cwd: fixtures, encoding: 'utf8' });
	assert.equal(r.status, 0, r.stdout + r.stderr);
});
