// The Kea Control Agent's HTTP API: POST a command with `service`, the answer is an array (one per service).
import type { Family } from '../../domain/ip.js';
import { abortReason, deadline } from '../deadline.js';
import type { KeaAnswer } from './answer.js';
import { checkAnswer, commandBody, KeaError, parseAnswer } from './answer.js';
import type { ChannelOptions, KeaChannel } from './channel.js';

export class HttpChannel implements KeaChannel {
	readonly where: string;
	readonly service: string;
	private readonly authorization?: string;
	private readonly timeoutMs: number;

	constructor(
		readonly url: string,
		readonly family: Family,
		options: ChannelOptions,
	) {
		this.where = `Kea Control Agent ${url}`;
		this.service = family === 6 ? 'dhcp6' : 'dhcp4';
		this.timeoutMs = options.timeoutMs;
		if (options.secret) this.authorization = `Basic ${Buffer.from(options.secret, 'utf8').toString('base64')}`;
	}

	async command(command: string, args?: Record<string, unknown>, outer?: AbortSignal): Promise<KeaAnswer> {
		const signal = deadline(outer ?? new AbortController().signal, this.timeoutMs);
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (this.authorization) headers.authorization = this.authorization;
		let text: string;
		try {
			const response = await fetch(this.url, { method: 'POST', headers, body: commandBody(command, args, this.service), signal });
			text = await response.text();
			if (response.status === 401 || response.status === 403) {
				throw new KeaError(`${this.where} refused ${command}: HTTP ${response.status} (check the credentials)`);
			}
			if (!response.ok) {
				const snippet = text.length > 120 ? `${text.slice(0, 120)}…` : text;
				throw new KeaError(`${this.where} answered ${command} with HTTP ${response.status} ${response.statusText}: ${JSON.stringify(snippet)}`);
			}
		} catch (e) {
			if (e instanceof KeaError) throw e;
			if (signal.aborted) throw new KeaError(abortReason(signal, `${command} on ${this.where}`, this.timeoutMs));
			const cause = (e as { cause?: { code?: string; message?: string } }).cause;
			throw new KeaError(`${command} on ${this.where}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
		}
		return checkAnswer(parseAnswer(text, command, this.where), command, this.where);
	}
}
