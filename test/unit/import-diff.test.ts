// The dry-run diff of custom-field values and tags (source/commands/import/diff.ts): added, changed, removed, as sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotationChanges, diffCsv, diffText } from '../../source/commands/import/diff.js';
import type { PlannedRow } from '../../source/commands/import/plan.js';
import { parsePrefix } from '../../source/domain/ip.js';

function planned(custom: [string, string[]][], tags?: string[]): PlannedRow {
	return { row: { kind: 'block', line: 7, prefix: parsePrefix('10.0.0.0/8'), custom: new Map(custom), tags }, spaceId: 1, spaceName: 'Default', changed: [] };
}

test('values compare as sets; an empty list removes; a field the store lacks is added; tags match without case', () => {
	const stored = new Map([
		['apps', ['web', 'db']],
		['Cost', ['5']],
		['Site', ['Paris']],
	]);
	const d = annotationChanges(planned([['Apps', ['db', 'web', 'db']], ['Cost', []], ['Owner', ['alice']], ['Site', ['Nice']]], ['Core', 'new']), stored, ['core', 'old']);
	assert.deepEqual(d.fields, [
		{ field: 'Cost', op: 'removed', before: ['5'], after: [] },
		{ field: 'Owner', op: 'added', before: [], after: ['alice'] },
		{ field: 'Site', op: 'changed', before: ['Paris'], after: ['Nice'] },
	]);
	assert.deepEqual(d.tags, { added: ['new'], removed: ['old'] });
	const diff = { op: 'update' as const, object: 'block 10.0.0.0/8', space: 'Default', line: 7, columns: [], ...d };
	assert.equal(diffText(diff), '~ block 10.0.0.0/8 [Default] (line 7): field Cost removed "5", field Owner added "alice", field Site "Paris" → "Nice", tag +new, tag -old');
	assert.equal(diffCsv(diff).length, 5);
});

test('a row without tags leaves the stored tags alone', () => {
	assert.deepEqual(annotationChanges(planned([]), new Map(), ['keep']).tags, { added: [], removed: [] });
});
