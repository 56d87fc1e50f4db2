// The leases pane's planned text filter (read by host when few host names match, by address order when many)
// gives exactly the rows of its plain filter, page by page, for selective, broad, state and absent texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../store/database.js';
import { makeFetch } from '../../../source/hooks/usePager.js';
import { paneById } from '../../../source/panes/registry.js';
import { parseFilterTerm } from '../../../source/domain/filter-term.js';
import { seedStore } from '../../fixtures/tui/seed.js';
import type { PaneSpec, Row } from '../../../source/panes/pane-spec.js';

let store: Store;
before(async () => {
	store = await Store.open(':memory:', { actor: 'test' });
	await seedStore(store, { subnets: 20, leases: 600, events: 0 });
});
after(() => store.close());

const id = (r: Row) => `${Buffer.from(r.ip as Uint8Array).toString('hex')}/${r.source}`;

async function readAll(spec: PaneSpec, text: string, limit = 23): Promise<string[]> {
	const fetch = makeFetch(store, spec, null, parseFilterTerm(text), { column: 'ip', descending: false });
	const out: string[] = [];
	let anchor: Row['_k'] | undefined;
	for (;;) {
		const rows = await fetch('after', anchor, limit);
		out.push(...rows.map(id));
		if (rows.length < limit) return out;
		anchor = rows.at(-1)!._k;
	}
}

test('planned and plain text filters list the same leases in the same order', async () => {
	const leases = paneById('leases');
	assert.ok(leases.planFilter, 'the leases pane plans its text filter');
	const plain: PaneSpec = { ...leases, planFilter: undefined };
	const hosts = (t: string) => store.get<{ n: number }>('SELECT count(*) AS n FROM host WHERE instr(name_lc, ?) > 0', [t]);
	// Broad (more host names than the few-hosts plan takes), selective, one, none, and a state word.
	assert.ok((await hosts('pc-'))!.n > 300 && (await hosts('pc-001'))!.n < 300);
	for (const text of ['pc-', 'PC-001', 'pc-00042', 'nobody-here', 'expired', 'c-00']) {
		const planned = await readAll(leases, text);
		assert.deepEqual(planned, await readAll(plain, text), text);
		if (text !== 'nobody-here') assert.ok(planned.length > 0, `${text} matches something`);
	}
});
