// One PowerShell session per Windows DHCP collection run (node-powershell), commands as single lines with validated,
// single-quoted parameters, and the errors that come back mapped to messages an operator can act on.
// VERIFIED AGAINST RECORDED OUTPUT ONLY: no Windows and no pwsh exist where this was written; the tests drive it
// through node-powershell's NODE_POWERSHELL seam with recorded and constructed cmdlet output.
import { PowerShell } from 'node-powershell';

export class WindowsDhcpError extends Error {
	constructor(
		message: string,
		readonly win32?: number,
	) {
		super(message);
		this.name = 'WindowsDhcpError';
	}
}

/** The minimum of node-powershell used here, so a caller can hand in its own shell. */
export interface DhcpShell {
	invoke(command: string): Promise<{ raw: string; hadErrors: boolean; stderr?: Buffer }>;
	dispose(): Promise<unknown>;
}

/** `env`: the process environment, when it must carry a credential (see credential.ts). */
export function openShell(timeoutMs: number, env?: NodeJS.ProcessEnv): DhcpShell {
	return new PowerShell({
		executableOptions: { '-NoProfile': true, '-NonInteractive': true },
		...(env ? { spawnOptions: { env } } : {}),
		invocationTimeout: timeoutMs,
		// Errors are read from the result instead: stderr text alone does not say which server or command failed.
		throwOnInvocationError: false,
	});
}

/**
 * A PowerShell single-quoted literal. Only printable ASCII is accepted: a line break would end the command on
 * node-powershell's stdin protocol, and non-ASCII arrives garbled in the OEM code page.
 */
export function psQuote(value: string, what: string): string {
	if (!/^[\x20-\x7e]*$/.test(value)) throw new WindowsDhcpError(`${what} "${value}" contains characters that cannot be passed to PowerShell safely`);
	return `'${value.replace(/'/g, "''")}'`;
}

/** -ComputerName: a host name or an address, nothing else. */
export function computerName(name: string): string {
	const t = name.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9.\-:]{0,253}$/.test(t)) throw new WindowsDhcpError(`"${name}" is not a DHCP server name or address`);
	return psQuote(t, 'computer name');
}

/** Every command starts like this, and catches into a JSON error object so stdout is always JSON. */
export function wrapCommand(body: string): string {
	return (
		`$ErrorActionPreference='Stop';$ProgressPreference='SilentlyContinue';$WarningPreference='SilentlyContinue';` +
		`[Console]::OutputEncoding=[Text.Encoding]::UTF8;` +
		`try{${body}}catch{ConvertTo-Json -Compress -InputObject @{ipamError=$_.Exception.Message;id=[string]$_.FullyQualifiedErrorId}}`
	);
}

/** What a DHCP cmdlet failure means, from its WIN32 code (messages are localized; codes are not). */
function explain(cmdlet: string, server: string, message: string, id: string): WindowsDhcpError {
	const code = /WIN32 (\d+)/.exec(`${id} ${message}`)?.[1];
	const win32 = code === undefined ? undefined : Number(code);
	const detail = message.split(/\r?\n/)[0].trim();
	if (win32 === 1722 || win32 === 1753) {
		return new WindowsDhcpError(`${server} is unreachable: the RPC server is unavailable (host down, DHCP service stopped, or firewall) — ${cmdlet}: ${detail}`, win32);
	}
	if (win32 === 5) return new WindowsDhcpError(`access denied on ${server}: the collecting account needs to be in DHCP Users — ${cmdlet}: ${detail}`, win32);
	if (/CommandNotFoundException/.test(id) || /is not recognized as the name of a cmdlet/.test(message)) {
		return new WindowsDhcpError(`${cmdlet} is not available on the collecting host: install the DhcpServer module (RSAT DHCP tools)`);
	}
	return new WindowsDhcpError(`${cmdlet} failed on ${server}: ${detail}${id ? ` (${id})` : ''}`, win32);
}

/** Runs one wrapped command; returns its stdout JSON text, or throws a mapped error. */
export async function runCmdlet(shell: DhcpShell, cmdlet: string, server: string, body: string, timeoutMs: number): Promise<string> {
	let result: { raw: string; hadErrors: boolean; stderr?: Buffer };
	try {
		result = await shell.invoke(wrapCommand(body));
	} catch (e) {
		throw new WindowsDhcpError(`PowerShell could not run ${cmdlet} for ${server}: ${(e as Error).message.split('\n').filter(Boolean).join(' ')}`);
	}
	if (result.hadErrors) {
		if (result.raw === '' && !result.stderr?.length) throw new WindowsDhcpError(`${cmdlet} on ${server}: no answer within ${timeoutMs} ms`);
		const id = /FullyQualifiedErrorId\s*:\s*(.+)/.exec(result.raw)?.[1] ?? '';
		throw explain(cmdlet, server, result.raw.replace(/^.*?:\s*/, ''), id);
	}
	const text = result.raw.trim();
	if (text.startsWith('{') && text.includes('"ipamError"')) {
		let error: { ipamError?: string; id?: string };
		try {
			error = JSON.parse(text);
		} catch {
			throw new WindowsDhcpError(`${cmdlet} on ${server} failed with an unreadable error: ${text.slice(0, 120)}`);
		}
		throw explain(cmdlet, server, String(error.ipamError ?? ''), String(error.id ?? ''));
	}
	return text;
}
