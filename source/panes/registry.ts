// Every pane, by name: the command bar, drill-downs and help look panes up here (k9s registrar style).
import type { PaneSpec } from './pane-spec.js';
import { serversPane } from './servers.js';
import { blocksPane } from './blocks.js';
import { subnetsPane } from './subnets.js';
import { rangesPane } from './ranges.js';
import { addressesPane } from './addresses.js';
import { leasesPane } from './leases.js';
import { eventsPane } from './events.js';
import { trackPane } from './track.js';

export const panes: PaneSpec[] = [serversPane, blocksPane, subnetsPane, rangesPane, addressesPane, leasesPane, eventsPane, trackPane];

export function findPane(name: string): PaneSpec | undefined {
	const n = name.toLowerCase();
	return panes.find(p => p.id === n) ?? panes.find(p => p.aliases?.includes(n));
}

export function paneById(id: string): PaneSpec {
	const pane = findPane(id);
	if (!pane) throw new Error(`no pane "${id}"`);
	return pane;
}
