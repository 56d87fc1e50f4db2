// Real DHCP servers for integration tests: network namespaces joined by a veth pair, daemons started in the
// foreground in their own session with their PIDs recorded, traffic generators under `timeout`, and a cleanup
// that always stops every process and deletes every namespace (after hooks and a process exit handler).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Why real servers cannot run here, or null when they can. Tests call `t.skip(reason)` with it. */
export function serverSkipReason(binaries: string[]): string | null {
	if (process.platform !== 'linux') return 'real-server tests need Linux network namespaces';
	if (process.getuid?.() !== 0) return 'real-server tests need root (network namespaces); run as root';
	const missing = binaries.filter(b => !findBinary(b));
	if (missing.length > 0) return `missing ${missing.join(', ')}: run test/integration/install-servers.sh as root`;
	return null;
}

export function findBinary(name: string): string | null {
	for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
		const file = path.join(dir, name);
		if (dir && fs.existsSync(file)) return file;
	}
	return null;
}

/** The multiarch directory holding Kea's hook libraries (lease_cmds, stat_cmds). */
export function keaHooksDir(): string | null {
	for (const dir of ['/usr/lib/x86_64-linux-gnu/kea/hooks', '/usr/lib/aarch64-linux-gnu/kea/hooks', '/usr/lib/kea/hooks', '/usr/lib64/kea/hooks']) {
		if (fs.existsSync(path.join(dir, 'libdhcp_lease_cmds.so'))) return dir;
	}
	return null;
}

interface Started {
	name: string;
	child: ChildProcess;
	exited: Promise<void>;
}

const live = new Set<Lab>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// Last resort when a test process dies without its after hooks: synchronous kills and namespace deletion.
	process.on('exit', () => {
		for (const lab of live) lab.destroySync();
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			for (const lab of live) lab.destroySync();
			process.exit(130);
		});
	}
}

let counter = 0;

/**
 * One test's private world: a temp directory, a server namespace and a client namespace joined by a veth pair
 * (names unique per run), and the daemons started in it.
 */
export class Lab {
	readonly id: string;
	readonly dir: string;
	readonly serverNs: string;
	readonly clientNs: string;
	readonly serverIf: string;
	readonly clientIf: string;
	private readonly processes: Started[] = [];
	private namespaces: string[] = [];

	constructor(tag: string) {
		installExitHook();
		this.id = `${(process.pid % 46656).toString(36)}${(counter++).toString(36)}`;
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `ipam-${tag}-`));
		this.serverNs = `ipams-${this.id}`;
		this.clientNs = `ipamc-${this.id}`;
		// Interface names are limited to 15 characters.
		this.serverIf = `ips${this.id}`;
		this.clientIf = `ipc${this.id}`;
		live.add(this);
	}

	/**
	 * Creates both namespaces and the veth pair; the server side gets `v4cidr` (and `v6cidr`) with DAD off, the client
	 * side `clientV4cidr` when given (perfdhcp needs a source address; dhclient needs none).
	 */
	async network(v4cidr: string, v6cidr?: string, clientV4cidr?: string): Promise<void> {
		const ip = (...args: string[]) => run('ip', args);
		const inNs = (ns: string, ...args: string[]) => run('ip', ['netns', 'exec', ns, ...args]);
		await ip('netns', 'add', this.serverNs);
		this.namespaces.push(this.serverNs);
		await ip('netns', 'add', this.clientNs);
		this.namespaces.push(this.clientNs);
		for (const ns of [this.serverNs, this.clientNs]) {
			// Without DAD an IPv6 server can answer at once instead of ~2.5 s after link-up.
			await inNs(ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
		}
		await ip('link', 'add', this.serverIf, 'type', 'veth', 'peer', 'name', this.clientIf);
		await ip('link', 'set', this.serverIf, 'netns', this.serverNs);
		await ip('link', 'set', this.clientIf, 'netns', this.clientNs);
		await ip('-n', this.serverNs, 'addr', 'add', v4cidr, 'dev', this.serverIf);
		if (v6cidr) await ip('-n', this.serverNs, '-6', 'addr', 'add', v6cidr, 'dev', this.serverIf, 'nodad');
		if (clientV4cidr) await ip('-n', this.clientNs, 'addr', 'add', clientV4cidr, 'dev', this.clientIf);
		for (const [ns, dev] of [[this.serverNs, this.serverIf], [this.clientNs, this.clientIf]]) {
			await ip('-n', ns, 'link', 'set', 'lo', 'up');
			await ip('-n', ns, 'link', 'set', dev, 'up');
		}
	}

	path(name: string): string {
		return path.join(this.dir, name);
	}

	write(name: string, text: string): string {
		const file = this.path(name);
		fs.writeFileSync(file, text);
		return file;
	}

	/** Starts a daemon in the foreground, in its own session (so the whole group can be signalled), inside `ns` if given. */
	start(name: string, argv: string[], ns?: string | null): ChildProcess {
		const full = ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
		const log = fs.openSync(this.path(`${name}.out`), 'a');
		const child = spawn(full[0], full.slice(1), { detached: true, stdio: ['ignore', log, log] });
		fs.closeSync(log);
		const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
		child.once('error', () => undefined);
		this.processes.push({ name, child, exited });
		return child;
	}

	/** The daemon's captured stdout/stderr, for assertion messages. */
	output(name: string): string {
		try {
			return fs.readFileSync(this.path(`${name}.out`), 'utf8');
		} catch {
			return '';
		}
	}

	/** Runs a command inside the client namespace, killed after `seconds` by timeout(1). */
	async client(seconds: number, argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
		return runAllowFail('timeout', ['-k', '2', String(seconds), 'ip', 'netns', 'exec', this.clientNs, ...argv]);
	}

	/** Stops every daemon (SIGTERM to its group, SIGKILL after 3 s), deletes the namespaces and the temp directory. */
	async destroy(keepDir = Boolean(process.env.IPAM_KEEP_LAB)): Promise<void> {
		await Promise.all(
			this.processes.map(async p => {
				if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
				signalGroup(p.child.pid, 'SIGTERM');
				const timer = setTimeout(() => signalGroup(p.child.pid!, 'SIGKILL'), 3000);
				await p.exited;
				clearTimeout(timer);
			}),
		);
		this.processes.length = 0;
		for (const ns of this.namespaces.splice(0)) await runAllowFail('ip', ['netns', 'del', ns]);
		if (!keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
		live.delete(this);
	}

	destroySync(): void {
		for (const p of this.processes) if (p.child.pid !== undefined && p.child.exitCode === null) signalGroup(p.child.pid, 'SIGKILL');
		for (const ns of this.namespaces.splice(0)) {
			try {
				execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
			} catch {
				// Already gone.
			}
		}
		fs.rmSync(this.dir, { recursive: true, force: true });
		live.delete(this);
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is gone already.
	}
}

export async function run(cmd: string, args: string[]): Promise<string> {
	try {
		const { stdout } = await execFileAsync(cmd, args, { timeout: 30_000, maxBuffer: 256 * 1024 * 1024 });
		return stdout;
	} catch (e) {
		const err = e as { stderr?: string; message: string };
		throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
	}
}

export async function runAllowFail(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
	try {
		const { stdout, stderr } = await execFileAsync(cmd, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
		return { stdout, stderr, code: 0 };
	} catch (e) {
		const err = e as { stdout?: string; stderr?: string; code?: number };
		return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
	}
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function waitFor<T>(what: string, ms: number, check: () => T | Promise<T>): Promise<NonNullable<T>> {
	const until = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
		} catch (e) {
			last = e;
		}
		if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
		await new Promise(r => setTimeout(r, 50));
	}
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
	});
}

/** Sends one JSON command to a Kea control socket the way an operator would (socat), independent of our client. */
export async function keaSocat(socket: string, command: Record<string, unknown>): Promise<any> {
	const out = await new Promise<string>((resolve, reject) => {
		const child = spawn('socat', ['-t', '30', '-', `UNIX-CONNECT:${socket}`], { stdio: ['pipe', 'pipe', 'pipe'] });
		const chunks: Buffer[] = [];
		child.stdout.on('data', c => chunks.push(c));
		child.once('error', reject);
		child.once('exit', code => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`socat exited ${code}`))));
		child.stdin.end(JSON.stringify(command));
	});
	return JSON.parse(out);
}
