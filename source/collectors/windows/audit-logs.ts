// Windows DHCP audit logs (DhcpSrvLog-<Day>.log, DhcpV6SrvLog-<Day>.log) read incrementally through PowerShell or
// from a local (mounted) directory: a cursor per file (offset + a fingerprint of its start, since each day's file is
// overwritten a week later), parsed by the audit-log format reader. The PowerShell path is VERIFIED AGAINST
// RECORDED OUTPUT ONLY (see powershell.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
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

/** One log file as listed by its directory. */
export interface AuditEntry {
	name: string;
	length: number;
	lastWrite: string | null;
}

/** Bytes of a file from an offset, with its first 512 bytes (to notice the weekly overwrite). */
export interface AuditChunk {
	length: number;
	offset: number;
	head: Buffer;
	data: Buffer;
}

/** Where the logs are read from: the DHCP server's share through PowerShell, or a local (mounted) directory. */
export interface AuditSource {
	list(): Promise<AuditEntry[]>;
	read(name: string, offset: number, max: number): Promise<AuditChunk>;
}

export function powershellAuditSource(shell: DhcpShell, server: string, dir: string, timeoutMs: number): AuditSource {
	const base = dir.replace(/[\\/]+$/, '');
	return {
		async list() {
			const text = await runCmdlet(shell, 'Get-ChildItem (audit logs)', server, auditListCommand(dir), timeoutMs);
			const listing = JSON.parse(text || '[]') as Array<{ Name?: string; Length?: number; LastWriteTime?: string | null }>;
			return (Array.isArray(listing) ? listing : [listing]).map(e => ({ name: String(e.Name ?? ''), length: Number(e.Length ?? 0), lastWrite: e.LastWriteTime ?? null }));
		},
		async read(name, offset, max) {
			const file = `${base}\\${name}`;
			const text = await runCmdlet(shell, 'audit log read', server, auditReadCommand(file, offset, max), timeoutMs);
			let chunk: { length: number; offset: number; head: string; data: string };
			try {
				chunk = JSON.parse(text);
			} catch {
				throw new WindowsDhcpError(`reading ${file} on ${server} returned no JSON: ${text.slice(0, 120)}`);
			}
			return { length: chunk.length, offset: chunk.offset, head: Buffer.from(chunk.head, 'base64'), data: Buffer.from(chunk.data, 'base64') };
		},
	};
}

/** Logs in a local directory (a copy, or the server's share mounted on this host). */
export function localAuditSource(dir: string): AuditSource {
	return {
		async list() {
			let names: string[];
			try {
				names = await fs.readdir(dir);
			} catch (e) {
				throw new WindowsDhcpError(`audit log directory ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
			}
			const out: AuditEntry[] = [];
			for (const name of names) {
				const st = await fs.stat(path.join(dir, name));
				if (st.isFile()) out.push({ name, length: st.size, lastWrite: st.mtime.toISOString() });
			}
			return out;
		},
		async read(name, offset, max) {
			const handle = await fs.open(path.join(dir, name), 'r');
			try {
				const length = (await handle.stat()).size;
				const from = offset > length ? 0 : offset;
				const head = Buffer.alloc(Math.min(length, 512));
				await handle.read(head, 0, head.length, 0);
				const data = Buffer.alloc(Math.min(length - from, max));
				const { bytesRead } = await handle.read(data, 0, data.length, from);
				return { length, offset: from, head, data: data.subarray(0, bytesRead) };
			} finally {
				await handle.close();
			}
		},
	};
}

export async function readAuditLogs(source: AuditSource, clock: ServerClock, previous: Record<string, unknown>): Promise<AuditRead> {
	const out: AuditRead = { events: [], cursors: {}, problems: [] };
	for (const entry of await source.list()) {
		const name = entry.name;
		if (!/^Dhcp(V6)?SrvLog-[A-Za-z]+\.log$/.test(name)) continue;
		const before = previous[cursorName(name)] as AuditCursor | undefined;
		if (before && before.length === entry.length && before.lastWrite === entry.lastWrite) continue;
		let chunk = await source.read(name, before?.offset ?? 0, MAX_READ);
		const head = createHash('sha256').update(chunk.head).digest('hex');
		// A different start means the file was overwritten (a week later): read it from the beginning again.
		if (before && before.head !== head && chunk.offset !== 0) chunk = await source.read(name, 0, MAX_READ);
		const parsed = parseWindowsAuditLog(chunk.data, { file: name, clock, startOffset: 0, leaveUnterminated: true });
		for (const e of parsed.events) out.events.push(e);
		for (const issue of parsed.issues.slice(0, 3)) out.problems.push(`${issue.file}${chunk.offset === 0 ? `:${issue.line}` : ` (from byte ${chunk.offset})`}: ${issue.message}`);
		out.cursors[cursorName(name)] = { offset: chunk.offset + parsed.nextOffset, head, length: chunk.length, lastWrite: entry.lastWrite };
	}
	return out;
}
