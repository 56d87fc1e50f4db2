// Windows DHCP audit logs (DhcpSrvLog-<Day>.log, DhcpV6SrvLog-<Day>.log) read incrementally through PowerShell:
// a cursor per file (offset + a fingerprint of its start, since each day's file is overwritten a week later),
// parsed by the audit-log format reader. VERIFIED AGAINST RECORDED OUTPUT ONLY (see powershell.ts).
import { createHash } from 'node:crypto';
import type { LeaseEventRecord } from '../../domain/dhcp.js';
import { parseWindowsAuditLog } from '../../formats/windows-audit-log.js';
import type { ServerClock } from '../../formats/local-time.js';
import { auditListCommand, auditReadCommand } from './commands.js';
import type { DhcpShell } from './powershell.js';
import { runCmdlet, WindowsDhcpError } from './powershell.js';

/** Where one file was read up to. */
export interface AuditCursor {
	offset: number;
	/** sha256 of the file's first 512 bytes when the offset was taken. */
	head: string;
	length: number;
	lastWrite: string | null;
}

export interface AuditRead {
	events: LeaseEventRecord[];
	cursors: Record<string, AuditCursor>;
	problems: string[];
}

/** Bytes read per file and run; a longer backlog continues next run from the cursor. */
const MAX_READ = 16 * 1024 * 1024;

export function cursorName(file: string): string {
	return `audit:${file}`;
}

export async function readAuditLogs(
	shell: DhcpShell,
	server: string,
	dir: string,
	clock: ServerClock,
	previous: Record<string, unknown>,
	timeoutMs: number,
): Promise<AuditRead> {
	const out: AuditRead = { events: [], cursors: {}, problems: [] };
	const listing = JSON.parse((await runCmdlet(shell, 'Get-ChildItem (audit logs)', server, auditListCommand(dir), timeoutMs)) || '[]') as Array<{
		Name?: string;
		Length?: number;
		LastWriteTime?: string | null;
	}>;
	for (const entry of Array.isArray(listing) ? listing : [listing]) {
		const name = entry.Name;
		if (typeof name !== 'string' || !/^Dhcp(V6)?SrvLog-[A-Za-z]+\.log$/.test(name)) continue;
		const before = previous[cursorName(name)] as AuditCursor | undefined;
		if (before && before.length === entry.Length && before.lastWrite === (entry.LastWriteTime ?? null)) continue;
		const file = `${dir.replace(/[\\/]+$/, '')}\\${name}`;
		const text = await runCmdlet(shell, 'audit log read', server, auditReadCommand(file, before?.offset ?? 0, MAX_READ), timeoutMs);
		let chunk: { length: number; offset: number; head: string; data: string };
		try {
			chunk = JSON.parse(text);
		} catch {
			throw new WindowsDhcpError(`reading ${file} on ${server} returned no JSON: ${text.slice(0, 120)}`);
		}
		const head = createHash('sha256').update(Buffer.from(chunk.head, 'base64')).digest('hex');
		// A different start means the file was overwritten (a week later): read it from the beginning again.
		let offset = chunk.offset;
		let data = Buffer.from(chunk.data, 'base64');
		if (before && before.head !== head && offset !== 0) {
			const again = JSON.parse(await runCmdlet(shell, 'audit log read', server, auditReadCommand(file, 0, MAX_READ), timeoutMs));
			offset = again.offset;
			data = Buffer.from(again.data, 'base64');
		}
		// The BOM check and line numbers only make sense from the very start of the file.
		const parsed = parseWindowsAuditLog(data, { file: name, clock, startOffset: 0, leaveUnterminated: true });
		for (const e of parsed.events) out.events.push(e);
		for (const issue of parsed.issues.slice(0, 3)) out.problems.push(`${issue.file}${offset === 0 ? `:${issue.line}` : ` (from byte ${offset})`}: ${issue.message}`);
		out.cursors[cursorName(name)] = { offset: offset + parsed.nextOffset, head, length: chunk.length, lastWrite: entry.LastWriteTime ?? null };
	}
	return out;
}
