import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterTerm } from '../../../source/domain/filter-term.js';
import { formatValue } from '../../../source/domain/ip.js';

function span(text: string): string {
	const t = parseFilterTerm(text);
	assert.equal(t.kind, 'span', `${text} should read as addresses, got ${t.kind}`);
	if (t.kind !== 'span') return '';
	return `${formatValue(t.span.family, t.span.start)}-${formatValue(t.span.family, t.span.end)}`;
}

test('a dotted head is every address starting with those octets', () => {
	assert.equal(span('10.1.'), '10.1.0.0-10.1.255.255');
	assert.equal(span('10.1'), '10.1.0.0-10.1.255.255');
	assert.equal(span('10.1.2.'), '10.1.2.0-10.1.2.255');
	assert.equal(span('192.'), '192.0.0.0-192.255.255.255');
});

test('a full address, a CIDR (even with host bits) and an IPv6 head', () => {
	assert.equal(span('10.1.2.34'), '10.1.2.34-10.1.2.34');
	assert.equal(span('10.1.2.0/23'), '10.1.2.0-10.1.3.255');
	assert.equal(span('10.1.2.9/24'), '10.1.2.0-10.1.2.255');
	assert.equal(span('2001:db8::/32'), '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
	assert.equal(span('2001:db8::1'), '2001:db8::1-2001:db8::1');
	assert.equal(span('2001:db8:'), '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
});

test('a MAC in any notation is one canonical MAC', () => {
	for (const text of ['aa:bb:cc:dd:ee:ff', 'AA-BB-CC-DD-EE-FF', 'aabb.ccdd.eeff', 'aa:bb:cc:d:e:f'.replace('d:e:f', 'dd:ee:ff')]) {
		const t = parseFilterTerm(text);
		assert.deepEqual(t.kind === 'mac' && t.mac, 'aa:bb:cc:dd:ee:ff', text);
	}
});

test('the leading octets of a MAC match as a prefix', () => {
	const t = parseFilterTerm('AA-BB-CC');
	assert.equal(t.kind, 'mac-prefix');
	assert.equal(t.kind === 'mac-prefix' && t.prefix, 'aa:bb:cc');
	const colon = parseFilterTerm('02:00:00');
	assert.equal(colon.kind === 'mac-prefix' && colon.prefix, '02:00:00');
});

test('anything else is text', () => {
	for (const text of ['printer', 'pc-00041', 'hq-vlan', '10.1.2.300', 'cafe']) assert.equal(parseFilterTerm(text).kind, 'text', text);
});
