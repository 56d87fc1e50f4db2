// Kea bad input: error results, HTTP 500, malformed JSON, a socket that never answers, answers split into tiny
// reads, a corrupt memfile. Each is an error on that one server with a clear message; other servers carry on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keaCollector } from '../../source/collectors/kea/index.js';
import { collectContext } from './context.js';
import { Lab, serverSkipReason, waitFor } from './harness.js';
import { keaServerConfig } from './kea-config.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipam-kea-bad-'));
const closers: Array<() => void> = [];
after(() => {
	for (const close of closers) close();
	fs.rmSync(dir, { recursive: true, force: true });
});

type Answer = (command: { command: string; arguments?: any }) => string | null;

/** A fake Kea control socket: answers with `answer(command)` (null = never answer), written in `chunk`-byte pieces. */
async function fakeSocket(name: string, answer: Answer, chunk = 0, keepOpen = false): Promise<string> {
	const file = path.join(dir, name);
	const server = net.createServer(conn => {
		let text = '';
		conn.on('data', async d => {
			text += d;
			let command;
			try {
				command = JSON.parse(text);
			} catch {
				return;
			}
			const reply = answer(command);
			if (reply === null) return;
			const bytes = Buffer.from(reply);
			if (keepOpen) return conn.write(bytes);
			if (chunk <= 0) return conn.end(bytes);
			for (let i = 0; i < bytes.length; i += chunk) {
				conn.write(bytes.subarray(i, i + chunk));
				await new Promise(r => setImmediate(r));
			}
			conn.end();
		});
		conn.on('error', () => undefined);
	});
	await new Promise<void>(resolve => server.listen(file, resolve));
	closers.push(() => server.close());
	return file;
}

async function fakeHttp(handler: http.RequestListener): Promise<string> {
	const server = http.createServer(handler);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	closers.push(() => server.close());
	return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

const ipValue = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

const emptyConfig = JSON.stringify({ result: 0, arguments: { Dhcp4: { subnet4: [{ id: 1, subnet: '192.0.2.0/24', pools: [{ pool: '192.0.2.10-192.0.2.20' }] }] } } });
function goodKea(command: { command: string; arguments?: any }): string {
	switch (command.command) {
		case 'config-get':
			return emptyConfig;
		case 'statistic-get-all':
			return JSON.stringify({ result: 0, arguments: { 'subnet[1].assigned-addresses': [[1, '2026-11-25 00:00:00']] } });
		case 'lease4-get-page':
			// Paging as Kea does it: leases after `from` (the one lease is 192.0.2.10).
			if (command.arguments.from !== 'start' && ipValue(command.arguments.from) >= ipValue('192.0.2.10')) {
				return JSON.stringify({ result: 3, text: '0 IPv4 lease(s) found.', arguments: { leases: [], count: 0 } });
			}
			return JSON.stringify({
				result: 0,
				arguments: { count: 1, leases: [{ 'ip-address': '192.0.2.10', 'hw-address': '02:00:00:00:00:0a', cltt: 1_800_000_000, 'valid-lft': 3600, 'subnet-id': 1, state: 0, hostname: 'kaffeemaschine-ü-\u001b[31mred' }] },
			});
		case 'version-get':
			return JSON.stringify({ result: 0, text: '2.2.0' });
		case 'status-get':
			return JSON.stringify({ result: 0, arguments: { uptime: 5, sockets: { status: 'ready' } } });
		default:
			return JSON.stringify({ result: 2, text: `'${command.command}' command not supported.` });
	}
}

describe('Kea bad input', () => {
	it('reports an error result with the command, the server and Kea\'s text', async () => {
		const socket = await fakeSocket('error.sock', c => (c.command === 'config-get' ? JSON.stringify({ result: 1, text: 'Configuration is being reloaded' }) : goodKea(c)));
		const ctx = collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket } }, { parts: ['config'] });
		await assert.rejects(keaCollector.collect(ctx), (e: Error) => {
			assert.match(e.message, /config-get failed on Kea control socket .*error\.sock: Configuration is being reloaded/);
			return true;
		});
	});

	it('turns HTTP 500 from a Control Agent into an error naming the URL and status', async () => {
		const url = await fakeHttp((_req, res) => {
			res.writeHead(500, { 'content-type': 'text/plain' });
			res.end('Internal Server Error');
		});
		const ctx = collectContext({ kind: 'kea', transport: 'http', endpoint: { url } }, { parts: ['health'] });
		await assert.rejects(keaCollector.collect(ctx), /Kea Control Agent http:\/\/127\.0\.0\.1:\d+\/ answered version-get with HTTP 500/);
	});

	it('rejects a malformed JSON answer with a clear message', async () => {
		const url = await fakeHttp((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('[{"result": 0, "text": "2.2.0"');
		});
		const ctx = collectContext({ kind: 'kea', transport: 'http', endpoint: { url } }, { parts: ['health'] });
		await assert.rejects(keaCollector.collect(ctx), /malformed answer to version-get from Kea Control Agent/);
	});

	it('sends the secret as basic auth and reports a refusal', async () => {
		let seen = '';
		const url = await fakeHttp((req, res) => {
			seen = req.headers.authorization ?? '';
			res.writeHead(seen === `Basic ${Buffer.from('ipam:s3cret').toString('base64')}` ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify([{ result: 0, text: '2.2.0', arguments: { sockets: { status: 'ready' } } }]));
		});
		const ok = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'http', endpoint: { url } }, { parts: ['health'], secret: 'ipam:s3cret' }));
		assert.equal(ok.health?.version, '2.2.0');
		await assert.rejects(
			keaCollector.collect(collectContext({ kind: 'kea', transport: 'http', endpoint: { url } }, { parts: ['health'], secret: 'ipam:wrong' })),
			/refused version-get: HTTP 401/,
		);
	});

	it('times out a socket that never answers while another server is collected normally', async () => {
		const hanging = await fakeSocket('hang.sock', () => null);
		const good = await fakeSocket('good.sock', goodKea);
		const started = Date.now();
		const [hung, fine] = await Promise.allSettled([
			keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket: hanging } }, { timeoutMs: 300 })),
			keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket: good } }, { timeoutMs: 300 })),
		]);
		assert.equal(hung.status, 'rejected');
		assert.match((hung as PromiseRejectedResult).reason.message, /version-get on Kea control socket .*hang\.sock: no answer within 300 ms/);
		assert.ok(Date.now() - started < 8000);
		assert.equal(fine.status, 'fulfilled');
		assert.equal((fine as PromiseFulfilledResult<any>).value.leases.length, 1);
	});

	it('stops at once when the run is cancelled', async () => {
		const hanging = await fakeSocket('hang2.sock', () => null);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		const ctx = collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket: hanging } }, { timeoutMs: 60_000, signal: controller.signal });
		await assert.rejects(keaCollector.collect(ctx), /collection was cancelled/);
	});

	it('reads an answer that arrives in 7-byte pieces, multibyte characters split across reads', async () => {
		const socket = await fakeSocket('slow.sock', goodKea, 7);
		const batch = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket } }));
		// The host name is kept as sent (untrusted; the sanitizer runs at display).
		assert.equal(batch.leases![0].hostname, 'kaffeemaschine-ü-\u001b[31mred');
		assert.equal(batch.config!.scopes[0].reportedUsed, 1);
	});

	it('accepts a complete answer from a server that keeps the connection open', async () => {
		const socket = await fakeSocket('open.sock', goodKea, 0, true);
		const batch = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket } }, { timeoutMs: 2000 }));
		assert.equal(batch.leases!.length, 1);
		assert.equal(batch.health?.version, '2.2.0');
	});

	it('names a missing socket and an unsupported transport', async () => {
		await assert.rejects(
			keaCollector.collect(collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket: path.join(dir, 'nothing.sock') } })),
			/no Kea control socket at .*nothing\.sock/,
		);
		await assert.rejects(keaCollector.collect(collectContext({ kind: 'kea', transport: 'carrier-pigeon', endpoint: {} })), /transport "carrier-pigeon"/);
	});

	it('keeps every good row of a corrupt memfile and names the bad lines', async () => {
		const file = path.join(dir, 'corrupt.csv');
		fs.writeFileSync(
			file,
			[
				'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context',
				'192.0.2.10,02:00:00:00:00:0a,,3600,1800003600,1,0,0,a,0,',
				'192.0.2.11,zz:zz,,3600,banana,1,0,0,b,0,',
				'192.0.2.12,02:00:00:00:00:0c,,3600,1800003600,1,0,0,c,0,',
				'192.0.2.13,02:00:00:00:00:0d,,36', // truncated mid-row, as when the disk filled
			].join('\n'),
		);
		const batch = await keaCollector.collect(collectContext({ kind: 'kea', transport: 'file', endpoint: { leaseFile: file } }, { parts: ['leases'] }));
		assert.deepEqual(batch.leases!.map(l => l.ip).sort(), ['192.0.2.10', '192.0.2.12']);
		assert.match(batch.health!.message!, /corrupt\.csv:3:/);
	});
});

const skip = serverSkipReason(['kea-dhcp4']);
describe('a real Kea without the lease_cmds hook', { skip: skip ?? false }, () => {
	let lab: Lab;
	let socket: string;
	before(async () => {
		lab = new Lab('kea-nohooks');
		const made = keaServerConfig({ family: 4, dir: lab.dir, hooksDir: null, withoutHooks: true, interfaces: [], subnets: [{ id: 1, subnet: '192.0.2.0/24', pools: ['192.0.2.10-192.0.2.20'] }] });
		socket = made.socket;
		fs.mkdirSync('/run/kea', { recursive: true });
		lab.start('kea-dhcp4', ['kea-dhcp4', '-c', lab.write('kea4.json', JSON.stringify(made.config))]);
		await waitFor('the Kea control socket', 10_000, () => fs.existsSync(socket));
	});
	after(async () => lab?.destroy());

	it('says the lease commands are unsupported and why', async () => {
		const ctx = collectContext({ kind: 'kea', transport: 'unix', endpoint: { socket } }, { parts: ['leases'] });
		await assert.rejects(keaCollector.collect(ctx), /does not support lease4-get-page.*lease_cmds/);
	});
});
