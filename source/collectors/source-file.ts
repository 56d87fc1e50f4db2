// Reading a server's files (lease journals, configurations) from a local path or over SSH with the system `ssh`
// client: arguments as an array, never a local shell; the one remote shell word (the path) is single-quoted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { ServerInfo } from './collector.js';
import { abortReason, deadline } from './deadline.js';

export class SourceFileError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SourceFileError';
	}
}

export interface SshTarget {
	host: string;
	user?: string;
	port?: number;
	identityFile?: string;
}

/** Where a server's files live: local, or the SSH target named by transport `ssh` (endpoint.ssh or the address). */
export function sshTargetOf(server: ServerInfo): SshTarget | null {
	if (server.transport !== 'ssh') return null;
	const ssh = (server.endpoint.ssh ?? {}) as Record<string, unknown>;
	const host = String(ssh.host ?? server.endpoint.host ?? server.address ?? '');
	// A host that starts with '-' would be read by ssh as an option.
	if (!/^[A-Za-z0-9_.:[\]%-]+$/.test(host) || host.startsWith('-')) {
		throw new SourceFileError(`server ${server.name}: "${host}" is not a valid SSH host name or address`);
	}
	const user = ssh.user ?? server.endpoint.user;
	if (user !== undefined && (typeof user !== 'string' || !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(user))) {
		throw new SourceFileError(`server ${server.name}: "${String(user)}" is not a valid SSH user name`);
	}
	const port = ssh.port ?? server.endpoint.port;
	if (port !== undefined && !(Number.isInteger(Number(port)) && Number(port) > 0 && Number(port) < 65536)) {
		throw new SourceFileError(`server ${server.name}: SSH port "${String(port)}" is not a number from 1 to 65535`);
	}
	const identityFile = ssh.identityFile ?? server.endpoint.identityFile;
	return {
		host,
		user: user as string | undefined,
		port: port === undefined ? undefined : Number(port),
		identityFile: typeof identityFile === 'string' ? identityFile : undefined,
	};
}

/** POSIX shell single-quoting for the remote side (sshd hands the command line to the login shell). */
export function shellQuote(word: string): string {
	return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The argument array for `ssh … cat -- <path>`. */
export function sshArguments(target: SshTarget, remotePath: string, timeoutMs: number): string[] {
	const args = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`, '-o', 'ServerAliveInterval=15'];
	if (target.port) args.push('-p', String(target.port));
	if (target.user) args.push('-l', target.user);
	if (target.identityFile) args.push('-i', target.identityFile);
	args.push('--', target.host, `cat -- ${shellQuote(remotePath)}`);
	return args;
}

export interface ReadOptions {
	signal: AbortSignal;
	timeoutMs: number;
}

/** Streams a file's bytes: local read stream, or the stdout of `ssh host cat -- path`. */
export function readSourceFile(target: SshTarget | null, file: string, options: ReadOptions): AsyncIterable<Buffer> {
	if (file === '' || file.includes('\0')) throw new SourceFileError(`"${file}" is not a usable file path`);
	return target ? readOverSsh(target, file, options) : readLocal(file, options.signal);
}

async function* readLocal(file: string, signal: AbortSignal): AsyncIterable<Buffer> {
	const stream = fs.createReadStream(file, { signal, highWaterMark: 1 << 20 });
	try {
		for await (const chunk of stream) yield chunk as Buffer;
	} catch (e) {
		const err = e as NodeJS.ErrnoException;
		if (err.code === 'ENOENT') throw new SourceFileError(`${file}: no such file`);
		if (err.code === 'EACCES') throw new SourceFileError(`${file}: permission denied`);
		if (err.name === 'AbortError') throw new SourceFileError(`${file}: reading was cancelled`);
		throw new SourceFileError(`${file}: ${err.message}`);
	}
}

async function* readOverSsh(target: SshTarget, file: string, options: ReadOptions): AsyncIterable<Buffer> {
	const where = `${target.user ? `${target.user}@` : ''}${target.host}:${file}`;
	// The whole transfer gets a generous multiple of the per-call limit: a big lease file takes a while.
	const signal = deadline(options.signal, options.timeoutMs * 10);
	const child = spawn('ssh', sshArguments(target, file, options.timeoutMs), { stdio: ['ignore', 'pipe', 'pipe'], signal });
	const stderr: Buffer[] = [];
	child.stderr.on('data', c => {
		if (stderr.length < 64) stderr.push(c);
	});
	const exited = new Promise<{ code: number | null; error?: Error }>(resolve => {
		child.once('error', error => resolve({ code: null, error }));
		child.once('close', code => resolve({ code }));
	});
	try {
		for await (const chunk of child.stdout) yield chunk as Buffer;
	} finally {
		if (child.exitCode === null) child.kill('SIGTERM');
	}
	const { code, error } = await exited;
	if (signal.aborted) throw new SourceFileError(abortReason(signal, `ssh ${where}`, options.timeoutMs * 10));
	if (error) throw new SourceFileError(`ssh ${where}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the ssh client is not installed' : error.message}`);
	if (code !== 0) {
		const message = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-2).join(' ');
		throw new SourceFileError(`ssh ${where} failed (exit ${code}): ${message || 'no message'}`);
	}
}

/** The whole file as text (configurations: small). */
export async function readSourceText(target: SshTarget | null, file: string, options: ReadOptions): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of readSourceFile(target, file, options)) chunks.push(chunk);
	return Buffer.concat(chunks).toString('utf8');
}

/** Runs one remote command (words single-quoted) and returns its exit code and output; used for directory listings. */
export async function sshRun(target: SshTarget, words: string[], options: ReadOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const args = sshArguments(target, '', options.timeoutMs);
	args[args.length - 1] = words.map(shellQuote).join(' ');
	const signal = deadline(options.signal, options.timeoutMs * 2);
	return new Promise((resolve, reject) => {
		const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', c => out.push(c));
		child.stderr.on('data', c => err.push(c));
		child.once('error', e => reject(new SourceFileError(signal.aborted ? abortReason(signal, `ssh ${target.host}`, options.timeoutMs * 2) : `ssh ${target.host}: ${e.message}`)));
		child.once('close', code => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
	});
}

/** Problems found in a server's files, as one status line (the first few, then a count). */
export function issuesLine(issues: Array<{ file: string; line: number; message: string }>, limit = 3): string {
	if (issues.length === 0) return '';
	const shown = issues.slice(0, limit).map(i => `${i.file}:${i.line}: ${i.message}`);
	return `${issues.length} problem(s): ${shown.join('; ')}${issues.length > limit ? '; …' : ''}`;
}

/** Health of a file-based server: its lease file can be opened and read (one chunk, not the whole journal). */
export async function probeReadable(target: SshTarget | null, file: string, options: ReadOptions): Promise<void> {
	for await (const chunk of readSourceFile(target, file, options)) {
		void chunk;
		break;
	}
}
