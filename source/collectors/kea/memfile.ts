// Kea servers reachable only by file: the memfile lease CSV, read by the Kea memfile format reader.
import type { CollectionBatch } from '../../domain/dhcp.js';
import type { CollectContext } from '../collector.js';
import { KeaError } from './answer.js';

export async function collectMemfile(ctx: CollectContext): Promise<CollectionBatch> {
	throw new KeaError(`server ${ctx.server.name}: memfile mode is not available yet`);
}
