// Credentials for servers, kept outside the store: a JSON file only its owner can read (0600), or the
// environment (IPAM_SECRET_<REF>). Values are handed to collectors and never printed, logged, stored or exported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class SecretsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretsError';
	}
}

export function secretsPath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.IPAM_SECRETS) return env.IPAM_SECRETS;
	const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	return path.join(base, 'ipam-tui', 'secrets.json');
}

/** IPAM_SECRET_<REF> with the reference upper-cased and anything but letters and digits as "_". */
export function secretEnvName(ref: string): string {
	return `IPAM_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function readFile(file: string): Record<string, string> {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch {
		return {};
	}
	if ((stat.mode & 0o077) !== 0) {
		const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
		throw new SecretsError(`the secrets file ${file} is readable by others (mode ${mode}); refusing to use it: run chmod 600 ${file}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (err) {
		// The parser's message can quote the file's content: say only where it failed.
		const where = /position \d+/.exec((err as Error).message)?.[0];
		throw new SecretsError(`the secrets file ${file} is not valid JSON${where ? ` (at ${where})` : ''}: expected {"REF": "secret", …}`);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SecretsError(`the secrets file ${file} must hold one JSON object {"REF": "secret", …}`);
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
	return out;
}

/** The secret a credential reference names: the environment first, then the file; undefined when neither has it. */
export function resolveSecret(ref: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
	if (!ref) return undefined;
	const fromEnv = env[secretEnvName(ref)];
	if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
	return readFile(secretsPath(env))[ref];
}

/** Where a reference would be found, without its value (for `ipam server show`). */
export function secretPresence(ref: string, env: NodeJS.ProcessEnv = process.env): 'environment' | 'file' | 'missing' | 'none' {
	if (!ref) return 'none';
	if (env[secretEnvName(ref)]) return 'environment';
	try {
		return ref in readFile(secretsPath(env)) ? 'file' : 'missing';
	} catch {
		return 'missing';
	}
}

function writeFile(file: string, secrets: Record<string, string>): void {
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const temp = `${file}.${process.pid}.tmp`;
	// Created 0600 from the first byte, then renamed over: never a moment with the secrets readable by others.
	const fd = fs.openSync(temp, 'w', 0o600);
	try {
		fs.fchmodSync(fd, 0o600);
		fs.writeSync(fd, JSON.stringify(secrets, null, 2) + '\n');
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
	fs.renameSync(temp, file);
}

export function setSecret(ref: string, value: string, env: NodeJS.ProcessEnv = process.env): string {
	const file = secretsPath(env);
	const secrets = readFile(file);
	secrets[ref] = value;
	writeFile(file, secrets);
	return file;
}

export function deleteSecret(ref: string, env: NodeJS.ProcessEnv = process.env): boolean {
	const file = secretsPath(env);
	const secrets = readFile(file);
	if (!(ref in secrets)) return false;
	delete secrets[ref];
	writeFile(file, secrets);
	return true;
}

/** Replaces every occurrence of the secret (and its URL-encoded and base64 forms) in a message. */
export function redact(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 3) return text;
	let out = text;
	for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) out = out.split(form).join('***');
	// Secrets are mostly user:password (Kea basic auth, Windows credentials): the password alone is hidden too.
	const password = secret.slice(secret.indexOf(':') + 1);
	if (secret.includes(':') && password.length >= 3) out = out.split(password).join('***');
	return out;
}
