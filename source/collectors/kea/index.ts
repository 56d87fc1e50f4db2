// The Kea collector (kea-dhcp4 / kea-dhcp6): health, configuration, pool statistics and every lease over the
// control channel (unix socket or Control Agent), or the memfile lease CSV when the server is reachable only by file.
import type { CollectionBatch } from '../../domain/dhcp.js';
import type { CollectContext, Collector } from '../collector.js';
import type { KeaChannel } from './channel.js';
import { channelFor } from './channel.js';
import type { ScopeIndex } from './config.js';
import { readKeaConfig } from './config.js';
import { collectLeases, DEFAULT_PAGE_LIMIT } from './leases.js';
import { collectMemfile } from './memfile.js';
import { applyStatistics } from './statistics.js';

export const keaCollector: Collector = {
	kind: 'kea',
	async collect(ctx: CollectContext): Promise<CollectionBatch> {
		if (ctx.server.transport === 'file' || ctx.server.transport === 'ssh') return collectMemfile(ctx);
		const channel = channelFor(ctx.server, { timeoutMs: ctx.timeoutMs, secret: ctx.secret });
		return collectOverChannel(channel, ctx);
	},
};

export async function collectOverChannel(channel: KeaChannel, ctx: CollectContext): Promise<CollectionBatch> {
	const batch: CollectionBatch = {};
	const { signal } = ctx;
	if (ctx.parts.includes('health')) batch.health = await health(channel, signal);
	let index: ScopeIndex | null = null;
	if (ctx.parts.includes('config') || ctx.parts.includes('leases')) {
		const config = await channel.command('config-get', undefined, signal);
		const read = readKeaConfig(config.arguments, channel.family);
		index = read.index;
		if (ctx.parts.includes('config')) {
			const stats = await channel.command('statistic-get-all', undefined, signal);
			applyStatistics(read.config.scopes, stats.arguments);
			batch.config = read.config;
		}
	}
	if (ctx.parts.includes('leases')) {
		const limit = Number(ctx.server.endpoint.pageLimit) || DEFAULT_PAGE_LIMIT;
		const collected = await collectLeases(channel, index, { limit, signal });
		batch.leases = collected.leases;
		if (collected.skipped > 0) {
			batch.health = {
				ok: batch.health?.ok ?? true,
				version: batch.health?.version,
				message: `${collected.skipped} lease(s) from ${channel.where} could not be read: ${collected.problems.join('; ')}`,
			};
		}
	}
	return batch;
}

async function health(channel: KeaChannel, signal: AbortSignal): Promise<NonNullable<CollectionBatch['health']>> {
	const version = await channel.command('version-get', undefined, signal);
	const status = await channel.command('status-get', undefined, signal);
	const args = status.arguments ?? {};
	const uptime = typeof args.uptime === 'number' ? `up ${args.uptime} s` : '';
	const sockets = (args.sockets as { status?: string } | undefined)?.status;
	const ha = (args['high-availability'] as Array<{ 'ha-servers'?: { local?: { state?: string } } }> | undefined)?.[0]?.['ha-servers']?.local?.state;
	const message = [uptime, sockets ? `sockets ${sockets}` : '', ha ? `HA ${ha}` : ''].filter(Boolean).join(', ');
	return { ok: sockets === undefined || sockets === 'ready', version: version.text ?? '', message };
}
