// The Kea control channel: one interface over the unix control socket and the Control Agent's HTTP API.
import type { Family } from '../../domain/ip.js';
import type { ServerInfo } from '../collector.js';
import type { KeaAnswer } from './answer.js';
import { KeaError } from './answer.js';
import { HttpChannel } from './http-channel.js';
import { UnixChannel } from './unix-channel.js';

export interface KeaChannel {
	/** Which server family the channel reaches (dhcp4 → 4, dhcp6 → 6). */
	readonly family: Family;
	/** Where, for messages: the socket path or the URL. */
	readonly where: string;
	/** Sends one command; the answer is checked (error results throw KeaError). */
	command(command: string, args?: Record<string, unknown>, signal?: AbortSignal): Promise<KeaAnswer>;
}

export interface ChannelOptions {
	/** Per-command time limit. */
	timeoutMs: number;
	/** `user:password` for the Control Agent's basic auth. */
	secret?: string;
}

/** The family a Kea endpoint serves: `endpoint.service` ("dhcp4"/"dhcp6") or `endpoint.family`. */
export function endpointFamily(endpoint: Record<string, unknown>): Family {
	const service = endpoint.service;
	if (service === 'dhcp6' || endpoint.family === 6 || endpoint.family === '6') return 6;
	if (service !== undefined && service !== 'dhcp4') throw new KeaError(`endpoint service "${String(service)}" is not dhcp4 or dhcp6`);
	return 4;
}

/** Chooses the channel from the server's transport: `unix` needs `endpoint.socket`, `http` needs `endpoint.url`. */
export function channelFor(server: ServerInfo, options: ChannelOptions): KeaChannel {
	const family = endpointFamily(server.endpoint);
	const { socket, url } = server.endpoint;
	const transport = server.transport || (typeof socket === 'string' ? 'unix' : 'http');
	if (transport === 'unix') {
		if (typeof socket !== 'string' || socket === '') throw new KeaError(`server ${server.name}: transport unix needs endpoint.socket (the control socket path)`);
		return new UnixChannel(socket, family, options.timeoutMs);
	}
	if (transport === 'http' || transport === 'https') {
		if (typeof url !== 'string' || url === '') throw new KeaError(`server ${server.name}: transport ${transport} needs endpoint.url (the Control Agent URL)`);
		return new HttpChannel(url, family, options);
	}
	throw new KeaError(`server ${server.name}: Kea transport "${transport}" is not unix, http or file`);
}
