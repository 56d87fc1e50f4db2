import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userIdentity } from '../../source/domain/client-key.js';
import { accountKey, normaliseAccount } from '../../source/domain/logon.js';

test('a DHCP-log user and a domain-controller logon of the same person intern to one account', () => {
	const fromLogon = (user: string, domain: string) => {
		const n = normaliseAccount(user, domain);
		return accountKey(n.user, n.domain);
	};
	assert.equal(userIdentity('corp.example\\Alice')?.name, fromLogon('alice', 'CORP'));
	assert.equal(userIdentity('alice@corp.example')?.name, fromLogon('Alice', 'corp.example'));
	assert.equal(userIdentity('CORP\\alice')?.name, 'CORP\\alice');
	assert.equal(userIdentity('bob')?.name, 'bob');
	assert.equal(userIdentity('-'), null);
	assert.equal(userIdentity('   '), null);
});
