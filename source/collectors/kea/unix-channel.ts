// Kea's unix control socket: one JSON command per connection; the server answers and closes.
import { createConnection } from 'node:net';
import type { Family } from '../../domain/ip.js';
import { abortReason, deadline } from '../deadline.js';
import type { KeaAnswer } from './answer.js';
import { answerOf, checkAnswer, commandBody, KeaError, parseAnswer } from './answer.js';
import type { KeaChannel } from './channel.js';

export class UnixChannel implements KeaChannel {
	readonly where: string;

	constructor(
		readonly path: string,
		readonly family: Family,
		readonly timeoutMs: number,
	) {
		this.where = `Kea control socket ${path}`;
	}

	async command(command: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<KeaAnswer> {
		const reply = await this.exchange(commandBody(command, args), command, signal ?? new AbortController().signal);
		const answer = typeof reply === 'string' ? parseAnswer(reply, command, this.where) : answerOf(reply.value, command, this.where);
		return checkAnswer(answer, command, this.where);
	}

	/**
	 * Writes the command and reads until the server closes, or until the data read so far is complete JSON (then
	 * the parsed value comes back, so it is not parsed twice). Chunks are joined before decoding: split UTF-8 survives.
	 */
	private exchange(body: string, command: string, outer: AbortSignal): Promise<string | { value: unknown }> {
		const signal = deadline(outer, this.timeoutMs);
		return new Promise((resolve, reject) => {
			if (signal.aborted) return reject(new KeaError(abortReason(signal, `${command} on ${this.where}`, this.timeoutMs)));
			const chunks: Buffer[] = [];
			const socket = createConnection({ path: this.path });
			const onAbort = () => {
				socket.destroy();
				reject(new KeaError(abortReason(signal, `${command} on ${this.where}`, this.timeoutMs)));
			};
			signal.addEventListener('abort', onAbort, { once: true });
			const done = () => signal.removeEventListener('abort', onAbort);
			socket.on('connect', () => socket.write(body));
			let settled = false;
			const finish = (reply: string | { value: unknown }) => {
				settled = true;
				done();
				socket.destroy();
				resolve(reply);
			};
			socket.on('data', chunk => {
				chunks.push(chunk);
				// Kea 2.2 closes after answering; a server that keeps the connection open is done once the JSON is complete.
				if (lastNonSpace(chunk) !== 0x7d) return;
				let value: unknown;
				try {
					value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				} catch {
					return;
				}
				finish({ value });
			});
			socket.on('end', () => {
				if (settled) return;
				const text = Buffer.concat(chunks).toString('utf8');
				if (text.trim() === '') {
					done();
					socket.destroy();
					reject(new KeaError(`${this.where} closed the connection without answering ${command}`));
				} else finish(text);
			});
			socket.on('error', (e: NodeJS.ErrnoException) => {
				if (settled) return;
				done();
				reject(new KeaError(socketErrorMessage(e, this.path, command)));
			});
		});
	}
}

function lastNonSpace(chunk: Buffer): number {
	for (let i = chunk.length - 1; i >= 0; i--) {
		const b = chunk[i];
		if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
	}
	return -1;
}

function socketErrorMessage(e: NodeJS.ErrnoException, path: string, command: string): string {
	switch (e.code) {
		case 'ENOENT':
			return `no Kea control socket at ${path} (is the server running, and is control-socket set?)`;
		case 'ECONNREFUSED':
			return `nothing listens on the Kea control socket ${path} (stale socket file?)`;
		case 'EACCES':
			return `no permission to open the Kea control socket ${path}`;
		default:
			return `${command} on Kea control socket ${path}: ${e.message}`;
	}
}
