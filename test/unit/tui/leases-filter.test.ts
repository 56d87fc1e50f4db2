// The leases pane's planned text filter (read by host when few host names match, by address order when many)
// gives exactly the rows of its plain filter, page by page, for selective, broad, state and absent texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../store/database.js';
import { makeFetch } from '../../../source/hooks/usePager.js';
import { paneById } from '../../../source/panes/registry.js';
import { parseFilterTerm } from '../../../source/domain/filter-term.js';
import { seedStore } from '../../fixtures/tui/seed.js';
import { readAll } from '../../fixtures/tui/read-all.js';
import type { PaneSpec, Row } from '../../../source/panes/pane-spec.js';

let store: Store;
before(async () => {
	store = await Store.open(':memory:', { actor: 'test' });
	await seedStore(store, { subnets: 20, leases: 600, events: 0 });
});
after(() => store.close());

const id = (r: Row) => `${Buffer.from(r.ip as Uint8Array).toString('hex')}/${r.source}`;

function readFiltered(spec: PaneSpec, text: string): Promise<string[]> {
	return readAll(makeFetch(store, spec, null, parseFilterTerm(text), { column: 'ip', descending: false }), id, 23);
}

test('planned and plain text filters list the same leases in the same order', async () => {
	const leases = paneById('leases');
	assert.ok(leases.planFilter, 'the leases pane plans its text filter');
	const plain: PaneSpec = { ...leases, planFilter: undefined };
	const hosts = (t: string) => store.get<{ n: number }>('SELECT count(*) AS n FROM host WHERE instr(name_lc, ?) > 0', [t]);
	// Broad (more host names than the few-hosts plan takes), selective, one, none, and a state word.
	assert.ok((await hosts('pc-'))!.n > 300 && (await hosts('pc-001'))!.n < 300);
	for (const text of ['pc-', 'PC-001', 'pc-00042', 'nobody-here', 'expired', 'c-00']) {
		const planned = await readFiltered(leases, text);
		assert.deepEqual(planned, await readFiltered(plain, text), text);
		if (text !== 'nobody-here') assert.ok(planned.length > 0, `${text} matches something`);
	}
});
