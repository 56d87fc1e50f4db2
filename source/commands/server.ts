// `ipam server add|list|show|edit|delete|secret`: DHCP servers and domain controllers to collect from. Secrets are never taken on
// the command line (shell history) nor printed: `secret` reads one from standard input into the 0600 file.
import { nounCommand, str, limitOf, OUTPUT_HELP, OUTPUT_OPTIONS, PAGE_HELP, PAGE_OPTIONS, type VerbArgs } from './noun.js';
import type { Options } from './command.js';
import { withStore } from './command.js';
import { CommandError, EXIT } from './exit.js';
import { renderRecord, renderRows } from './output.js';
import { serverColumns } from '../resources/servers.js';
import { spaceId } from '../../store/address-spaces.js';
import { ensureTasks, listTasks } from '../../store/tasks.js';
import {
	addServer,
	deleteServer,
	editServer,
	ENDPOINT_KEYS,
	listServers,
	parseEndpoint,
	requireServer,
	serverGroups,
	serverTags,
	SERVER_KINDS,
	type ServerChanges,
} from '../../store/servers.js';
import { deleteSecret, secretPresence, secretsPath, setSecret, SecretsError } from '../workers/secrets.js';

/** Endpoint options and the endpoint key each sets. */
const ENDPOINT_FLAGS: Record<string, string> = {
	url: 'url',
	socket: 'socket',
	service: 'service',
	leases: 'leaseFile',
	leases6: 'leaseFile6',
	config: 'configFile',
	config6: 'configFile6',
	ssh: 'host',
	'ssh-user': 'user',
	'ssh-port': 'port',
	'ssh-identity': 'identityFile',
	computer: 'computerName',
	'audit-logs': 'auditLogDir',
	timeout: 'timeoutMs',
};

const SERVER_OPTIONS: Options = {
	kind: { type: 'string' },
	address: { type: 'string' },
	transport: { type: 'string' },
	credential: { type: 'string' },
	'ha-group': { type: 'string' },
	group: { type: 'string', multiple: true },
	tag: { type: 'string', multiple: true },
	set: { type: 'string', multiple: true },
	space: { type: 'string' },
	description: { type: 'string' },
	disabled: { type: 'boolean' },
	enabled: { type: 'boolean' },
	...Object.fromEntries(Object.keys(ENDPOINT_FLAGS).map(k => [k, { type: 'string' as const }])),
};

const SERVER_HELP = `  --kind KIND          ${SERVER_KINDS.join(' | ')}
  --address ADDR       the server's address (display, and the default SSH host)
  --transport T        kea: unix|http|file|ssh; dhcpd, dnsmasq: file|ssh; windows: powershell|file; windows-dc: powershell
  --url URL            Kea Control Agent URL          --socket PATH   Kea unix control socket
  --service dhcp4|dhcp6  Kea service behind the Control Agent
  --leases FILE        lease file (dhcpd.leases, Kea memfile CSV, dnsmasq leases); --leases6 FILE
  --config FILE        configuration file (dhcpd.conf, dnsmasq.conf …); --config6 FILE
  --ssh HOST --ssh-user USER --ssh-port N --ssh-identity KEYFILE   read the files over ssh
  --computer NAME      Windows DHCP server or domain controller (-ComputerName)   --audit-logs DIR   DhcpSrvLog-*.log directory
                       a windows-dc server gets a "logons" task (Security-log logon events, every 15m) instead of DHCP tasks
  --timeout MS         per-collection deadline
  --set KEY=VALUE      any other endpoint key (${ENDPOINT_KEYS.join(', ')})
  --credential REF     (Kea Control Agent: the secret is "user:password") the secret's name in the secrets file or IPAM_SECRET_<REF> (see \`ipam server secret\`)
  --ha-group NAME      servers sharing one lease database (HA/failover partners: leases count once)
  --group NAME, --tag NAME   (repeatable) server groups and tags
  --space NAME         the address space its scopes land in (default "Default")
  --description TEXT   --disabled / --enabled`;

function endpointFrom(values: VerbArgs['values']): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [flag, key] of Object.entries(ENDPOINT_FLAGS)) {
		const v = str(values[flag]);
		if (v !== undefined) out[key] = /^(port|timeoutMs|pageLimit)$/.test(key) && /^\d+$/.test(v) ? Number(v) : v;
	}
	for (const pair of (values.set as string[] | undefined) ?? []) {
		const eq = pair.indexOf('=');
		if (eq <= 0) throw new CommandError(`--set "${pair}" is not KEY=VALUE`, EXIT.usage);
		out[pair.slice(0, eq)] = pair.slice(eq + 1);
	}
	return out;
}

async function readStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const c of process.stdin) chunks.push(c as Buffer);
	return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const serverCommand = nounCommand('server', 'servers to collect from (Kea, ISC dhcpd, dnsmasq, Windows DHCP, Windows domain controllers)', {
	add: {
		summary: 'add a server (its collection tasks are created with default intervals)',
		usage: `NAME --kind KIND [OPTIONS]\n\n${SERVER_HELP}`,
		options: SERVER_OPTIONS,
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const kind = str(values.kind);
				if (!kind) throw new CommandError(`--kind is required (${SERVER_KINDS.join(', ')})`, EXIT.usage);
				const s = await addServer(store, {
					name: positionals[0],
					kind,
					address: str(values.address),
					transport: str(values.transport),
					endpoint: endpointFrom(values),
					credentialRef: str(values.credential),
					haGroup: str(values['ha-group']),
					spaceId: values.space ? await spaceId(store, str(values.space)) : undefined,
					description: str(values.description),
					enabled: !values.disabled,
					groups: values.group as string[] | undefined,
					tags: values.tag as string[] | undefined,
				});
				await ensureTasks(store);
				ctx.stdout.write(`added server ${s.name} (${s.kind} via ${s.transport})\n`);
				return EXIT.ok;
			}),
	},
	list: {
		summary: 'list servers with their collection status',
		usage: `[--kind KIND] [--group NAME] [--tag NAME]\n\n${PAGE_HELP} (KEY = name)\n${OUTPUT_HELP}`,
		options: { kind: { type: 'string' }, group: { type: 'string' }, tag: { type: 'string' }, ...PAGE_OPTIONS, ...OUTPUT_OPTIONS },
		run: (ctx, { values, format }) =>
			withStore(ctx, async store => {
				const rows = await listServers(store, { kind: str(values.kind), group: str(values.group), tag: str(values.tag), after: str(values.after), limit: limitOf(values) });
				ctx.stdout.write(renderRows(rows, serverColumns, format));
				return EXIT.ok;
			}),
	},
	show: {
		summary: 'one server: endpoint, credential (whether it is found, never its value), groups, tags, tasks',
		usage: `NAME\n\n${OUTPUT_HELP}`,
		options: { ...OUTPUT_OPTIONS },
		needs: 1,
		run: (ctx, { positionals, format }) =>
			withStore(ctx, async store => {
				const s = await requireServer(store, positionals[0]);
				const tasks = await listTasks(store, s.id);
				const record = {
					name: s.name,
					kind: s.kind,
					address: s.address,
					transport: s.transport,
					endpoint: parseEndpoint(s.endpoint),
					credential: s.credential_ref ? `${s.credential_ref} (${secretPresence(s.credential_ref, ctx.env)})` : '',
					ha_group: s.ha_group ?? '',
					enabled: !!s.enabled,
					status: s.status,
					status_message: s.status_message,
					version: s.version,
					last_seen_at: s.last_seen_at,
					collected_at: s.collected_at,
					groups: await serverGroups(store, s.id),
					tags: await serverTags(store, s.id),
					tasks: tasks.map(t => `${t.kind} every ${t.interval_s}s${t.enabled ? '' : ' (off)'}${t.last_error ? `: ${t.last_error}` : ''}`),
					description: s.description,
				};
				ctx.stdout.write(renderRecord(record, format));
				return EXIT.ok;
			}),
	},
	edit: {
		summary: 'change a server (endpoint options merge into the stored endpoint; --set KEY= removes one)',
		usage: `NAME [--name NEW] [OPTIONS] [--group G] [--no-group G] [--tag T] [--no-tag T]\n\n${SERVER_HELP}`,
		options: { ...SERVER_OPTIONS, name: { type: 'string' }, 'no-group': { type: 'string', multiple: true }, 'no-tag': { type: 'string', multiple: true } },
		needs: 1,
		run: (ctx, { values, positionals }) =>
			withStore(ctx, async store => {
				const changes: ServerChanges = {
					name: str(values.name),
					kind: str(values.kind),
					address: str(values.address),
					transport: str(values.transport),
					endpointSet: endpointFrom(values),
					credentialRef: str(values.credential),
					haGroup: str(values['ha-group']),
					spaceId: values.space ? await spaceId(store, str(values.space)) : undefined,
					description: str(values.description),
					enabled: values.disabled ? false : values.enabled ? true : undefined,
					addGroups: values.group as string[] | undefined,
					removeGroups: values['no-group'] as string[] | undefined,
					addTags: values.tag as string[] | undefined,
					removeTags: values['no-tag'] as string[] | undefined,
				};
				const s = await editServer(store, positionals[0], changes);
				ctx.stdout.write(`changed server ${s.name}\n`);
				return EXIT.ok;
			}),
	},
	delete: {
		summary: 'delete a server with its discovered ranges, reservations and current leases (history stays)',
		usage: 'NAME',
		needs: 1,
		run: (ctx, { positionals }) =>
			withStore(ctx, async store => {
				const s = await deleteServer(store, positionals[0]);
				ctx.stdout.write(`deleted server ${s.name}\n`);
				return EXIT.ok;
			}),
	},
	secret: {
		summary: 'store a credential read from standard input in the secrets file (0600), or --delete it',
		usage: `REF [--delete]\n\nReads the secret from standard input (e.g. \`ipam server secret kea-ca < file\`); it is never printed.\nThe file is $IPAM_SECRETS, else $XDG_CONFIG_HOME/ipam-tui/secrets.json. IPAM_SECRET_<REF> in the environment overrides it.`,
		options: { delete: { type: 'boolean' } },
		needs: 1,
		async run(ctx, { values, positionals }) {
			const ref = positionals[0];
			if (!/^[A-Za-z0-9_.-]{1,64}$/.test(ref)) throw new CommandError(`credential reference "${ref}" may use letters, digits, "_", "-" and "." only`, EXIT.invalid);
			try {
				if (values.delete) {
					const gone = deleteSecret(ref, ctx.env);
					ctx.stdout.write(gone ? `deleted secret ${ref}\n` : `no secret ${ref} in ${secretsPath(ctx.env)}\n`);
					return gone ? EXIT.ok : EXIT.notFound;
				}
				const value = await readStdin();
				if (!value) throw new CommandError('no secret on standard input', EXIT.invalid);
				const file = setSecret(ref, value, ctx.env);
				ctx.stdout.write(`stored secret ${ref} in ${file}\n`);
				return EXIT.ok;
			} catch (err) {
				if (err instanceof SecretsError) throw new CommandError(err.message, EXIT.failure);
				throw err;
			}
		},
	},
});
