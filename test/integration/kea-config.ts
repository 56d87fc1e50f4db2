// Kea configurations for tests and benchmarks: a kea-dhcp4/6 with a unix control socket, memfile leases and the
// lease_cmds/stat_cmds hooks, plus a Control Agent in front of it. DDNS stays off: nothing may leave the machine.
import path from 'node:path';

export interface KeaSubnet {
	id: number;
	subnet: string;
	pools: string[];
	pdPools?: Array<{ prefix: string; prefixLen: number; delegatedLen: number }>;
	reservations?: Array<Record<string, unknown>>;
}

export interface KeaServerOptions {
	family: 4 | 6;
	dir: string;
	hooksDir: string | null;
	interfaces: string[];
	subnets: KeaSubnet[];
	leaseFile?: string;
	validLifetime?: number;
	/** Leave out the hooks to get "unsupported" answers. */
	withoutHooks?: boolean;
}

export function keaServerConfig(o: KeaServerOptions): { config: object; socket: string; leaseFile: string } {
	const socket = path.join(o.dir, `kea${o.family}.sock`);
	const leaseFile = o.leaseFile ?? path.join(o.dir, `leases${o.family}.csv`);
	const subnetKey = o.family === 4 ? 'subnet4' : 'subnet6';
	const hooks = o.withoutHooks || !o.hooksDir ? [] : ['libdhcp_lease_cmds.so', 'libdhcp_stat_cmds.so'].map(l => ({ library: path.join(o.hooksDir!, l) }));
	const server: Record<string, unknown> = {
		'interfaces-config': { interfaces: o.interfaces },
		'control-socket': { 'socket-type': 'unix', 'socket-name': socket },
		'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
		'hooks-libraries': hooks,
		'valid-lifetime': o.validLifetime ?? 3600,
		'renew-timer': 900,
		'rebind-timer': 1800,
		'option-data': o.family === 4 ? [{ name: 'domain-name-servers', data: '192.0.2.53' }] : [{ name: 'dns-servers', data: '2001:db8::53' }],
		'dhcp-ddns': { 'enable-updates': false },
		[subnetKey]: o.subnets.map(s => ({
			id: s.id,
			subnet: s.subnet,
			...(o.family === 6 && o.interfaces[0] ? { interface: o.interfaces[0] } : {}),
			pools: s.pools.map(pool => ({ pool })),
			...(s.pdPools ? { 'pd-pools': s.pdPools.map(p => ({ prefix: p.prefix, 'prefix-len': p.prefixLen, 'delegated-len': p.delegatedLen })) } : {}),
			reservations: s.reservations ?? [],
		})),
		loggers: [{ name: `kea-dhcp${o.family}`, output_options: [{ output: path.join(o.dir, `kea${o.family}.log`) }], severity: 'WARN' }],
	};
	if (o.family === 6) {
		// Without this Kea 2.2 tries to persist a DUID file in a directory that does not exist and dies.
		server['server-id'] = { type: 'LLT', persist: false };
		server['preferred-lifetime'] = 3000;
	}
	return { config: { [o.family === 4 ? 'Dhcp4' : 'Dhcp6']: server }, socket, leaseFile };
}

export function keaAgentConfig(dir: string, port: number, sockets: { dhcp4?: string; dhcp6?: string }): object {
	const controlSockets: Record<string, unknown> = {};
	for (const [service, socket] of Object.entries(sockets)) controlSockets[service] = { 'socket-type': 'unix', 'socket-name': socket };
	return {
		'Control-agent': {
			'http-host': '127.0.0.1',
			'http-port': port,
			'control-sockets': controlSockets,
			loggers: [{ name: 'kea-ctrl-agent', output_options: [{ output: path.join(dir, 'kea-ctrl-agent.log') }], severity: 'WARN' }],
		},
	};
}
