import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffValues, renderChange, renderDiff, summariseDiff } from '../../source/domain/diff.js';

test('nested objects: changed, added and removed leaves with dotted paths', () => {
	const changes = diffValues({ name: 'A', options: { router: '10.0.0.1', dns: ['10.0.0.53'] }, lease: 3600 }, { name: 'A', options: { router: '10.0.0.254', dns: ['10.0.0.53', '10.0.0.54'] }, state: 'active' });
	assert.deepEqual(changes, [
		{ path: 'lease', op: 'removed', before: 3600 },
		{ path: 'options.dns[1]', op: 'added', after: '10.0.0.54' },
		{ path: 'options.router', op: 'changed', before: '10.0.0.1', after: '10.0.0.254' },
		{ path: 'state', op: 'added', after: 'active' },
	]);
	assert.equal(summariseDiff(changes), '1 changed, 2 added, 1 removed');
});

test('arrays of objects are matched by identity, not position', () => {
	const before = { scopes: [{ key: '10.1.0.0', name: 'one' }, { key: '10.2.0.0', name: 'two' }] };
	const after = { scopes: [{ key: '10.2.0.0', name: 'two' }, { key: '10.3.0.0', name: 'three' }, { key: '10.1.0.0', name: 'uno' }] };
	assert.deepEqual(diffValues(before, after).map(c => renderChange(c)), ['~ scopes[10.1.0.0].name: "one" → "uno"', '+ scopes[10.3.0.0]: {"key":"10.3.0.0","name":"three"}']);
});

test('whole-object creation and deletion, stored JSON text, bad JSON, equality', () => {
	assert.deepEqual(renderDiff(null, '{"a":1}'), ['+ (whole): {"a":1}']);
	assert.deepEqual(renderDiff('{"a":1}', null), ['- (whole): {"a":1}']);
	assert.deepEqual(renderDiff('{"a":1}', '{"a":1}'), []);
	assert.deepEqual(renderDiff('not json', '"x"'), ['~ (whole): "not json" → "x"']);
	assert.equal(renderChange({ path: 'p', op: 'changed', before: 'x'.repeat(50), after: 1 }, 10), '~ p: "xxxxxxxx… → 1');
});
