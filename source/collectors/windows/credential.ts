// A server's credential handed to PowerShell as a PSCredential without the secret ever being command text: the user
// name and password travel in the PowerShell process's environment, are turned into a PSCredential by the session's
// first command, and are removed from the environment at once (children of the session do not inherit them).
// node-powershell writes every command to the process's stdin, where a literal would be echoed in error records and
// transcripts; its parameter converters quote values, they do not hide them.
import { wrapCommand } from './powershell.js';

/** DOMAIN\user (or user@domain) and its password, from the secret `DOMAIN\user:password`. */
export interface WindowsCredential {
	user: string;
	password: string;
}

const USER_VAR = 'IPAM_PS_USER';
const PASSWORD_VAR = 'IPAM_PS_PASSWORD';

/** The session variable later commands pass as -Credential. */
export const CREDENTIAL_VARIABLE = '$ipamCredential';

export class CredentialError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CredentialError';
	}
}

/**
 * `DOMAIN\user:password`, split at the first colon (Windows account names cannot hold one; passwords can). The
 * message of a refusal names the server, never the secret.
 */
export function windowsCredential(secret: string | undefined, server: string): WindowsCredential | undefined {
	if (secret === undefined || secret === '') return undefined;
	const colon = secret.indexOf(':');
	const user = colon < 0 ? '' : secret.slice(0, colon).trim();
	if (colon < 0 || user === '' || /[\0\r\n]/.test(user)) {
		throw new CredentialError(`the credential of ${server} must be DOMAIN\\user:password (user name, a colon, the password)`);
	}
	return { user, password: secret.slice(colon + 1) };
}

/** The environment of the PowerShell process: this one's, plus the credential. */
export function credentialEnvironment(credential: WindowsCredential | undefined): NodeJS.ProcessEnv | undefined {
	if (!credential) return undefined;
	return { ...process.env, [USER_VAR]: credential.user, [PASSWORD_VAR]: credential.password };
}

/** The session's first command: builds the PSCredential from the environment, then clears it. No secret in the text. */
export function credentialSetupCommand(): string {
	return (
		`${CREDENTIAL_VARIABLE}=New-Object System.Management.Automation.PSCredential($env:${USER_VAR},(ConvertTo-SecureString -String $env:${PASSWORD_VAR} -AsPlainText -Force));` +
		`Remove-Item -LiteralPath Env:${PASSWORD_VAR},Env:${USER_VAR};'{}'`
	);
}

/** Runs the setup in a fresh session; a failure (no such variable, a bad password encoding) is reported without the secret. */
export async function establishCredential(shell: { invoke(command: string): Promise<{ raw: string }> }, server: string): Promise<void> {
	let raw: string;
	try {
		raw = (await shell.invoke(wrapCommand(credentialSetupCommand()))).raw;
	} catch (e) {
		throw new CredentialError(`PowerShell could not build the credential for ${server}: ${(e as Error).message.split(/\r?\n/)[0]}`);
	}
	const text = raw.trim();
	if (!text.includes('"ipamError"')) return;
	let error: { ipamError?: string };
	try {
		error = JSON.parse(text);
	} catch {
		error = { ipamError: text.slice(0, 120) };
	}
	throw new CredentialError(`PowerShell could not build the credential for ${server}: ${String(error.ipamError ?? '').split(/\r?\n/)[0]}`);
}
