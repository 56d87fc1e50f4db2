// The demo's logon history: a CSV export (as a VPN/SSO/SIEM system would give) of users logging on to the
// workstations and laptops that just got their addresses, imported through the logon file reader.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/database.js';
import { insertLogons } from '../../store/logons.js';
import { IssueLog, type FormatIssue } from '../formats/format-issue.js';
import { readLogonFile } from '../formats/logon-records.js';
import type { ServerHistory } from './history.js';

/** Logon rows for one server's history: users log on a minute or two after their machine has its address. */
export function logonLines(h: ServerHistory): string[] {
	const lines: string[] = [];
	for (const a of h.actions) {
		// Desk workstations' users: enough history to follow people, without a logon row per laptop wake-up.
		if (!a.arrival || !a.client.user || a.scope.family !== 4 || a.client.kind !== 'wired') continue;
		const at = new Date((a.ts + 60 + (a.client.id % 90)) * 1000).toISOString();
		lines.push(`${at},${a.client.user},${a.client.hostname ?? ''},${a.ip},logon`);
	}
	return lines;
}

export async function importLogons(store: Store, dir: string, rows: string[]): Promise<{ rows: number; inserted: number; issues: FormatIssue[] }> {
	const lines = ['time,user,host,ip,event', ...rows];
	const path = join(dir, 'logons.csv');
	writeFileSync(path, lines.join('\n') + '\n');
	const issues = new IssueLog(path);
	let inserted = 0;
	await store.transaction(async tx => {
		for await (const batch of readLogonFile(path, 'csv', issues)) inserted += (await insertLogons(tx, batch)).inserted;
	});
	return { rows: lines.length - 1, inserted, issues: issues.issues };
}
