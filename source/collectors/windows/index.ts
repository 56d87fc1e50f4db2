// The Windows DHCP Server collector through node-powershell: scopes, scope statistics, leases (-AllLeases) and
// reservations for IPv4 and IPv6 with -ComputerName (or a CIM session opened with the server's credential), and the
// DHCP audit logs as lease history.
// VERIFIED AGAINST RECORDED OUTPUT ONLY: no Windows or pwsh can run where this was written; see powershell.ts.
import type { CollectionBatch, LeaseRecord, ReservationRecord, ScopeRecord } from '../../domain/dhcp.js';
import type { Family } from '../../domain/ip.js';
import type { ServerClock } from '../../formats/local-time.js';
import {
	v4LeasesFromJson,
	v4ReservationsFromJson,
	v4ScopesFromJson,
	v4ScopeStatisticsFromJson,
	v6LeasesFromJson,
	v6ReservationsFromJson,
	v6ScopesFromJson,
	v6ScopeStatisticsFromJson,
	type JsonResult,
} from '../../formats/windows-dhcp-json.js';
import type { FormatIssue } from '../../formats/format-issue.js';
import type { CollectContext, Collector } from '../collector.js';
import { issuesLine } from '../source-file.js';
import { localAuditSource, powershellAuditSource, readAuditLogs } from './audit-logs.js';
import { leasesCommand, reservationsCommand, scopesCommand, statisticsCommand, versionCommand } from './commands.js';
import type { DhcpShell } from './powershell.js';
import { computerName, openShell, psQuote, runCmdlet, WindowsDhcpError } from './powershell.js';
import { CREDENTIAL_VARIABLE, credentialEnvironment, establishCredential, windowsCredential } from './credential.js';

const CIM_SESSION = '$ipamCim';

export const windowsCollector: Collector = {
	kind: 'windows',
	collect: ctx => collectWindows(ctx),
};

/** Scopes asked about in one PowerShell invocation (each answer stays a manageable JSON document). */
const SCOPES_PER_CALL = 25;

const READERS = {
	4: { scopes: v4ScopesFromJson, stats: v4ScopeStatisticsFromJson, leases: v4LeasesFromJson, reservations: v4ReservationsFromJson },
	6: { scopes: v6ScopesFromJson, stats: v6ScopeStatisticsFromJson, leases: v6LeasesFromJson, reservations: v6ReservationsFromJson },
} as const;

function families(endpoint: Record<string, unknown>): Family[] {
	const f = endpoint.families;
	if (Array.isArray(f)) return f.filter((x): x is Family => x === 4 || x === 6);
	return [4, 6];
}

function clockOf(endpoint: Record<string, unknown>): ServerClock {
	if (typeof endpoint.timeZone === 'string' && endpoint.timeZone !== '') return { timeZone: endpoint.timeZone };
	const offset = Number(endpoint.utcOffsetMinutes);
	return { utcOffsetMinutes: Number.isFinite(offset) ? offset : 0 };
}

/** Transport file: only the audit logs, from a directory on this host (a copy, or the server's share mounted here). */
async function collectLogDirectory(ctx: CollectContext): Promise<CollectionBatch> {
	const dir = ctx.server.endpoint.auditLogDir;
	if (typeof dir !== 'string' || dir === '') throw new WindowsDhcpError(`server ${ctx.server.name}: transport file needs endpoint.auditLogDir (the DhcpSrvLog-*.log directory)`);
	const source = localAuditSource(dir);
	if (!ctx.parts.includes('events')) {
		if (ctx.parts.includes('health')) await source.list();
		return ctx.parts.includes('health') ? { health: { ok: true } } : {};
	}
	const logs = await readAuditLogs(source, clockOf(ctx.server.endpoint), ctx.cursors);
	return { events: logs.events, cursors: logs.cursors, health: { ok: true, message: logs.problems.join('; ') } };
}

export async function collectWindows(ctx: CollectContext, shell?: DhcpShell): Promise<CollectionBatch> {
	const { server } = ctx;
	if (server.transport === 'file') return collectLogDirectory(ctx);
	const name = String(server.endpoint.computerName ?? server.address ?? '') || server.name;
	const cn = computerName(name);
	const credential = windowsCredential(ctx.secret, server.name);
	const own = shell ?? openShell(ctx.timeoutMs, credentialEnvironment(credential));
	// With a credential the DhcpServer cmdlets (which have no -Credential) go through a CIM session opened with it.
	const target = credential ? `-CimSession ${CIM_SESSION}` : `-ComputerName ${cn}`;
	// Aborting (shutdown, overall deadline) ends the PowerShell process, which fails the pending invocation.
	const onAbort = () => void own.dispose().catch(() => undefined);
	ctx.signal.addEventListener('abort', onAbort, { once: true });
	const run = async (cmdlet: string, body: string) => {
		if (ctx.signal.aborted) throw new WindowsDhcpError(`collection of ${name} was cancelled`);
		const text = await runCmdlet(own, cmdlet, name, body, ctx.timeoutMs);
		// A disposed shell answers the pending command with nothing: that is the cancellation, not empty output.
		if (ctx.signal.aborted) throw new WindowsDhcpError(`collection of ${name} was cancelled`);
		return text;
	};
	const issues: FormatIssue[] = [];
	const take = <T>(result: JsonResult<T>): T[] => {
		issues.push(...result.issues);
		return result.records;
	};
	const batch: CollectionBatch = {};
	try {
		if (credential) {
			await establishCredential(own, server.name);
			await run('New-CimSession', `${CIM_SESSION}=New-CimSession -ComputerName ${cn} -Credential ${CREDENTIAL_VARIABLE};'{}'`);
		}
		if (ctx.parts.includes('health')) {
			const v = parseJson(await run('Get-DhcpServerVersion', versionCommand(target)), 'Get-DhcpServerVersion', name) as { major?: number; minor?: number };
			batch.health = { ok: true, version: v.major !== undefined ? `${v.major}.${v.minor ?? 0}` : undefined };
		}
		const wantConfig = ctx.parts.includes('config');
		if (wantConfig || ctx.parts.includes('leases')) {
			const scopes: ScopeRecord[] = [];
			const reservations: ReservationRecord[] = [];
			const leases: LeaseRecord[] = [];
			for (const family of families(server.endpoint)) {
				const read = READERS[family];
				const familyScopes = take(read.scopes(await run(`Get-DhcpServerv${family}Scope`, scopesCommand(family, target)), { source: `${name} Get-DhcpServerv${family}Scope` }));
				scopes.push(...familyScopes);
				if (wantConfig && familyScopes.length > 0) {
					const stats = take(read.stats(await run(`Get-DhcpServerv${family}ScopeStatistics`, statisticsCommand(family, target)), { source: `${name} Get-DhcpServerv${family}ScopeStatistics` }));
					const used = new Map(stats.map(s => [s.scopeKey, s.inUse]));
					for (const scope of familyScopes) scope.reportedUsed = used.get(scope.key) ?? null;
				}
				for (let i = 0; i < familyScopes.length; i += SCOPES_PER_CALL) {
					const keys = familyScopes.slice(i, i + SCOPES_PER_CALL).map(scope => scope.key);
					const which = keys.length === 1 ? keys[0] : `${keys[0]} … ${keys[keys.length - 1]}`;
					if (ctx.parts.includes('leases')) {
						leases.push(...take(read.leases(await run(`Get-DhcpServerv${family}Lease`, leasesCommand(family, target, keys)), { source: `${name} Get-DhcpServerv${family}Lease ${which}` })));
					}
					if (wantConfig) {
						reservations.push(
							...take(read.reservations(await run(`Get-DhcpServerv${family}Reservation`, reservationsCommand(family, target, keys)), { source: `${name} Get-DhcpServerv${family}Reservation ${which}` })),
						);
					}
				}
			}
			if (wantConfig) batch.config = { scopes, reservations };
			if (ctx.parts.includes('leases')) batch.leases = leases;
		}
		let problems: string[] = [];
		if (ctx.parts.includes('events')) {
			const dir = typeof server.endpoint.auditLogDir === 'string' && server.endpoint.auditLogDir !== '' ? server.endpoint.auditLogDir : `\\\\${name}\\c$\\Windows\\System32\\dhcp`;
			// The share is connected with the credential first (New-PSDrive -Credential); file reads then reuse that connection.
			if (credential && dir.startsWith('\\\\')) await run('New-PSDrive', `$null=New-PSDrive -Name ipamAuditLogs -PSProvider FileSystem -Root ${psQuote(dir, 'audit log directory')} -Credential ${CREDENTIAL_VARIABLE};'{}'`);
			const logs = await readAuditLogs(powershellAuditSource(own, name, dir, ctx.timeoutMs), clockOf(server.endpoint), ctx.cursors);
			batch.events = logs.events;
			batch.cursors = logs.cursors;
			problems = logs.problems;
		}
		const message = [issuesLine(issues), ...problems].filter(Boolean).join('; ');
		if (message) batch.health = { ok: batch.health?.ok ?? true, version: batch.health?.version, message };
		return batch;
	} catch (e) {
		if (ctx.signal.aborted && !(e instanceof WindowsDhcpError)) throw new WindowsDhcpError(`collection of ${name} was cancelled`);
		throw e;
	} finally {
		ctx.signal.removeEventListener('abort', onAbort);
		if (!shell) await own.dispose().catch(() => undefined);
	}
}

function parseJson(text: string, cmdlet: string, server: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw new WindowsDhcpError(`${cmdlet} on ${server} did not return JSON: ${JSON.stringify(text.slice(0, 120))}`);
	}
}
