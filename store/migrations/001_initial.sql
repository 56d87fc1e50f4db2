-- Schema 1: address space, inventory, custom fields, tags, audit; servers, collection tasks,
-- scopes/reservations, current leases and lease/logon/config event history.
--
-- Conventions (see store/README section in the top-level README):
--   * addresses are BLOB keys: 4 bytes big-endian for IPv4, 16 for IPv6, so memcmp order is numeric
--     order and every range question is an index range scan; `family` (4|6) is stored beside them
--     and leads every range index because keys of the two families must never be compared;
--   * times are INTEGER Unix epoch seconds (UTC);
--   * sizes are REAL (an IPv6 span does not fit in 64 bits); counts are INTEGER;
--   * MACs are canonical text 'aa:bb:cc:dd:ee:ff' in small tables, INTEGER (48-bit) in the event history.

CREATE TABLE setting (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO setting (key, value) VALUES
	('utilization.over', '80'),
	('utilization.under', '20'),
	('retention.days', '1095');

-- Address spaces are VRF-like: they may overlap each other, never themselves.
CREATE TABLE address_space (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	description TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
INSERT INTO address_space (id, name, description) VALUES (1, 'Default', 'The default address space');

-- IP blocks nest: parent_id is the smallest block that contains this one (auto-parented).
CREATE TABLE block (
	id          INTEGER PRIMARY KEY,
	space_id    INTEGER NOT NULL REFERENCES address_space(id) ON DELETE CASCADE,
	family      INTEGER NOT NULL CHECK (family IN (4, 6)),
	start       BLOB NOT NULL,
	end         BLOB NOT NULL,
	prefix_len  INTEGER NOT NULL,
	parent_id   INTEGER REFERENCES block(id) ON DELETE SET NULL,
	name        TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	rir         TEXT NOT NULL DEFAULT '',
	discovered  INTEGER NOT NULL DEFAULT 0,
	-- utilization, maintained by the rollup (units: addresses, or /64s for IPv6 blocks shorter than /64)
	size        REAL NOT NULL DEFAULT 0,
	used        REAL NOT NULL DEFAULT 0,
	allocated   REAL NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
	UNIQUE (space_id, family, start, prefix_len)
);
CREATE INDEX block_span ON block (space_id, family, start, end);
CREATE INDEX block_parent ON block (parent_id);

-- Subnets live under the smallest containing block; inside one space they do not overlap each other.
CREATE TABLE subnet (
	id          INTEGER PRIMARY KEY,
	space_id    INTEGER NOT NULL REFERENCES address_space(id) ON DELETE CASCADE,
	family      INTEGER NOT NULL CHECK (family IN (4, 6)),
	start       BLOB NOT NULL,
	end         BLOB NOT NULL,
	prefix_len  INTEGER NOT NULL,
	block_id    INTEGER REFERENCES block(id) ON DELETE SET NULL,
	name        TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	vlan        INTEGER,
	discovered  INTEGER NOT NULL DEFAULT 0,
	size        REAL NOT NULL DEFAULT 0,
	used        REAL NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
	UNIQUE (space_id, family, start, prefix_len)
);
CREATE INDEX subnet_span ON subnet (space_id, family, start, end);
CREATE INDEX subnet_block ON subnet (block_id);

-- Servers come before ranges: a discovered range (DHCP scope/pool) is managed by one.
CREATE TABLE server (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
	kind           TEXT NOT NULL,           -- kea | dhcpd | dnsmasq | windows | (later: bind, pdns, windows-dns)
	role           TEXT NOT NULL DEFAULT 'dhcp',
	address        TEXT NOT NULL DEFAULT '',
	transport      TEXT NOT NULL DEFAULT '', -- http | unix | file | ssh | powershell
	endpoint       TEXT NOT NULL DEFAULT '{}', -- JSON: url, socket, paths, ssh host…; never secrets
	credential_ref TEXT NOT NULL DEFAULT '',   -- a name looked up in the secrets file or environment
	ha_group       TEXT,                       -- servers sharing one lease database (HA/failover pairs)
	space_id       INTEGER NOT NULL DEFAULT 1 REFERENCES address_space(id),
	description    TEXT NOT NULL DEFAULT '',
	enabled        INTEGER NOT NULL DEFAULT 1,
	status         TEXT NOT NULL DEFAULT 'unknown', -- unknown | ok | degraded | down
	status_message TEXT NOT NULL DEFAULT '',
	version        TEXT NOT NULL DEFAULT '',
	last_seen_at   INTEGER,
	collected_at   INTEGER,
	created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at     INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE server_group (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE server_group_member (
	group_id  INTEGER NOT NULL REFERENCES server_group(id) ON DELETE CASCADE,
	server_id INTEGER NOT NULL REFERENCES server(id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, server_id)
) WITHOUT ROWID;

-- Ranges: start–end runs inside a subnet. A DHCP scope/pool collected from a server is a range with
-- server_id and scope_key set (managed_by = the service, managed_by_entity = the server's name).
CREATE TABLE range (
	id                INTEGER PRIMARY KEY,
	space_id          INTEGER NOT NULL REFERENCES address_space(id) ON DELETE CASCADE,
	family            INTEGER NOT NULL CHECK (family IN (4, 6)),
	start             BLOB NOT NULL,
	end               BLOB NOT NULL,
	subnet_id         INTEGER REFERENCES subnet(id) ON DELETE SET NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	managed_by        TEXT NOT NULL DEFAULT 'IPAM',   -- IPAM | MS DHCP | Kea | ISC DHCP | dnsmasq | VMM | Other
	managed_by_entity TEXT NOT NULL DEFAULT '',       -- service instance
	assignment_type   TEXT NOT NULL DEFAULT 'static' CHECK (assignment_type IN ('static', 'dynamic', 'reserved')),
	server_id         INTEGER REFERENCES server(id) ON DELETE CASCADE,
	scope_key         TEXT,                           -- the server's own id for the scope/subnet/pool
	config            TEXT NOT NULL DEFAULT '{}',     -- JSON: options, lease time, state … as collected
	discovered        INTEGER NOT NULL DEFAULT 0,
	size              REAL NOT NULL DEFAULT 0,
	used              REAL NOT NULL DEFAULT 0,
	reported_used     REAL,                           -- the server's own count (Kea stats, Windows statistics)
	created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at        INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX range_span ON range (space_id, family, start, end);
CREATE INDEX range_subnet ON range (subnet_id);
CREATE UNIQUE INDEX range_scope ON range (server_id, scope_key) WHERE server_id IS NOT NULL;
-- MS IPAM's identity of a range not collected from a server: start, end, managed-by service and instance.
CREATE UNIQUE INDEX range_identity ON range (space_id, family, start, end, managed_by, managed_by_entity) WHERE server_id IS NULL;

-- Static inventory. MS IPAM's identity is (address, managed-by service, service instance) within a
-- space, so one IP may appear twice: that is a duplicate the conflicts report shows.
CREATE TABLE address (
	id                INTEGER PRIMARY KEY,
	space_id          INTEGER NOT NULL REFERENCES address_space(id) ON DELETE CASCADE,
	family            INTEGER NOT NULL CHECK (family IN (4, 6)),
	ip                BLOB NOT NULL,
	range_id          INTEGER REFERENCES range(id) ON DELETE SET NULL,
	subnet_id         INTEGER REFERENCES subnet(id) ON DELETE SET NULL,
	mac               TEXT,
	client_id         TEXT,
	duid              TEXT,
	iaid              INTEGER,
	hostname          TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	assignment_type   TEXT NOT NULL DEFAULT 'static' CHECK (assignment_type IN ('static', 'dynamic', 'auto', 'vip', 'reserved')),
	status            TEXT NOT NULL DEFAULT 'in-use' CHECK (status IN ('in-use', 'inactive', 'reserved')),
	device_type       TEXT NOT NULL DEFAULT 'Host',
	owner             TEXT NOT NULL DEFAULT '',
	asset_tag         TEXT NOT NULL DEFAULT '',
	serial_number     TEXT NOT NULL DEFAULT '',
	managed_by        TEXT NOT NULL DEFAULT 'IPAM',
	managed_by_entity TEXT NOT NULL DEFAULT '',
	assigned_at       INTEGER,
	expires_at        INTEGER,
	created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at        INTEGER NOT NULL DEFAULT (unixepoch()),
	UNIQUE (space_id, ip, managed_by, managed_by_entity)
);
CREATE INDEX address_ip ON address (space_id, family, ip);
-- Partial: most inventory addresses sit outside every range, and `range_id = ?` implies the condition.
CREATE INDEX address_range ON address (range_id) WHERE range_id IS NOT NULL;
-- Covers the utilization rollup: one ordered pass counts in-use addresses per (subnet, range).
CREATE INDEX address_subnet ON address (subnet_id, range_id, ip, status);
-- Addresses outside every subnet, for block utilization (a block counts them by range scan).
CREATE INDEX address_loose ON address (space_id, family, ip) WHERE subnet_id IS NULL;
CREATE INDEX address_mac ON address (mac) WHERE mac IS NOT NULL;
CREATE INDEX address_hostname ON address (hostname COLLATE NOCASE) WHERE hostname <> '';
CREATE INDEX address_expiry ON address (expires_at) WHERE expires_at IS NOT NULL;

-- Custom fields: MS IPAM's built-in ones plus user-defined; multi-valued fields keep one row per value.
CREATE TABLE custom_field (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
	builtin        INTEGER NOT NULL DEFAULT 0,
	multi_valued   INTEGER NOT NULL DEFAULT 0,
	allowed_values TEXT,        -- JSON array, or NULL for free-form
	applies_to     TEXT NOT NULL DEFAULT '["block","subnet","range","address","server"]',
	description    TEXT NOT NULL DEFAULT ''
);
INSERT INTO custom_field (name, builtin, multi_valued, allowed_values, description) VALUES
	('AD Site', 1, 0, NULL, 'Active Directory site'),
	('Region', 1, 0, NULL, 'Geographic region'),
	('Site', 1, 0, NULL, 'Site or building'),
	('Building', 1, 0, NULL, 'Building'),
	('Floor', 1, 0, NULL, 'Floor'),
	('VLAN', 1, 0, NULL, 'VLAN identifier'),
	('VRF', 1, 0, NULL, 'VRF or routing instance'),
	('Owner Group', 1, 0, NULL, 'Team that owns the object'),
	('Environment', 1, 0, '["Production","Staging","Test","Development","Lab"]', 'Deployment environment');

CREATE TABLE custom_field_value (
	object_kind TEXT NOT NULL,   -- block | subnet | range | address | server
	object_id   INTEGER NOT NULL,
	field_id    INTEGER NOT NULL REFERENCES custom_field(id) ON DELETE CASCADE,
	value       TEXT NOT NULL,
	PRIMARY KEY (object_kind, object_id, field_id, value)
) WITHOUT ROWID;
CREATE INDEX custom_field_value_lookup ON custom_field_value (field_id, value);

-- Logical groups: a named order of custom fields (Region → Site → Building) that builds a tree view.
CREATE TABLE logical_group (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	object_kind TEXT NOT NULL,
	field_order TEXT NOT NULL    -- JSON array of custom_field ids
);

CREATE TABLE tag (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	color       TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE object_tag (
	object_kind TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	tag_id      INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
	PRIMARY KEY (object_kind, object_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX object_tag_tag ON object_tag (tag_id);

-- Every change made through the tool: who, when, which object, before and after (JSON).
CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	ts          INTEGER NOT NULL DEFAULT (unixepoch()),
	actor       TEXT NOT NULL,
	source      TEXT NOT NULL DEFAULT 'cli',  -- cli | tui | import | collector
	action      TEXT NOT NULL,                -- create | update | delete | import
	object_kind TEXT NOT NULL,
	object_id   INTEGER,
	summary     TEXT NOT NULL DEFAULT '',
	before      TEXT,
	after       TEXT
);
CREATE INDEX audit_object ON audit (object_kind, object_id, ts);
CREATE INDEX audit_ts ON audit (ts);

-- Free gaps inside a container (block, or subnet for sub-allocation) between its direct children,
-- kept by the address-space writer. `fit_len` = shortest prefix length of an aligned block that fits,
-- so "a free /N" is one index seek: fit_len <= N.
CREATE TABLE free_gap (
	container_kind TEXT NOT NULL,
	container_id   INTEGER NOT NULL,
	family         INTEGER NOT NULL,
	start          BLOB NOT NULL,
	end            BLOB NOT NULL,
	size           REAL NOT NULL,
	fit_len        INTEGER NOT NULL,
	PRIMARY KEY (container_kind, container_id, start)
) WITHOUT ROWID;
CREATE INDEX free_gap_fit ON free_gap (container_kind, container_id, fit_len DESC, start);

-- Utilization history for trends (one row per object per rollup that changed it).
CREATE TABLE utilization_history (
	object_kind TEXT NOT NULL,
	object_id   INTEGER NOT NULL,
	ts          INTEGER NOT NULL,
	size        REAL NOT NULL,
	used        REAL NOT NULL,
	PRIMARY KEY (object_kind, object_id, ts)
) WITHOUT ROWID;

-- ---------------------------------------------------------------- collection

-- Scheduled collection tasks, modelled on MS IPAM's (availability, configuration, utilization,
-- events, expiry …). server_id NULL = a store-wide task (expiry, purge).
CREATE TABLE task (
	id               INTEGER PRIMARY KEY,
	server_id        INTEGER REFERENCES server(id) ON DELETE CASCADE,
	kind             TEXT NOT NULL,
	interval_s       INTEGER NOT NULL,
	enabled          INTEGER NOT NULL DEFAULT 1,
	last_run_at      INTEGER,
	last_ok_at       INTEGER,
	next_run_at      INTEGER,
	last_duration_ms INTEGER,
	last_error       TEXT NOT NULL DEFAULT '',
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	run_count        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX task_identity ON task (coalesce(server_id, 0), kind);

-- Only one collector runs per store: a lease renewed by heartbeat; a stale one may be taken over.
CREATE TABLE collector_lock (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	holder       TEXT NOT NULL,
	pid          INTEGER NOT NULL,
	hostname     TEXT NOT NULL,
	acquired_at  INTEGER NOT NULL,
	heartbeat_at INTEGER NOT NULL
);

-- Where incremental readers stopped (audit-log offsets, last journal position …).
CREATE TABLE collect_cursor (
	server_id INTEGER NOT NULL REFERENCES server(id) ON DELETE CASCADE,
	source    TEXT NOT NULL,
	position  TEXT NOT NULL,     -- JSON
	updated_at INTEGER NOT NULL DEFAULT (unixepoch()),
	PRIMARY KEY (server_id, source)
) WITHOUT ROWID;

-- DHCP reservations as collected (and as created through the tool).
CREATE TABLE reservation (
	id          INTEGER PRIMARY KEY,
	server_id   INTEGER NOT NULL REFERENCES server(id) ON DELETE CASCADE,
	range_id    INTEGER REFERENCES range(id) ON DELETE SET NULL,
	space_id    INTEGER NOT NULL DEFAULT 1,
	family      INTEGER NOT NULL,
	ip          BLOB NOT NULL,
	mac         TEXT,
	client_id   TEXT,
	duid        TEXT,
	iaid        INTEGER,
	name        TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	config      TEXT NOT NULL DEFAULT '{}',
	updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
	UNIQUE (server_id, ip)
);
CREATE INDEX reservation_ip ON reservation (space_id, family, ip);

-- Last collected configuration per server, for config-change events (diff of successive snapshots).
CREATE TABLE config_snapshot (
	server_id    INTEGER PRIMARY KEY REFERENCES server(id) ON DELETE CASCADE,
	collected_at INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	body         TEXT NOT NULL   -- JSON, normalised
);

-- ---------------------------------------------------------------- leases and history

-- Interned clients: one row per distinct hardware address / client id / DUID seen, so the event
-- history stores a small integer. `key` is 'mac:aa:bb:…', 'cid:01:aa:…' or 'duid:00:01:…'.
CREATE TABLE client (
	id        INTEGER PRIMARY KEY,
	key       TEXT NOT NULL UNIQUE,
	mac       TEXT,               -- the hardware address, also when derived from a client id / DUID
	client_id TEXT,
	duid      TEXT,
	vendor_class TEXT
);
CREATE INDEX client_mac ON client (mac) WHERE mac IS NOT NULL;

-- Interned host names; name_lc serves exact and prefix search by index.
CREATE TABLE host (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE,
	name_lc TEXT NOT NULL
);
CREATE INDEX host_name_lc ON host (name_lc);

-- Interned user names (DOMAIN\user as given; name_lc is the bare lowercase account).
CREATE TABLE user_account (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE,
	domain  TEXT NOT NULL DEFAULT '',
	name_lc TEXT NOT NULL
);
CREATE INDEX user_account_name_lc ON user_account (name_lc);

-- Current leases, one row per address per lease source. `source` is the HA group when the server has
-- one (HA copies of a lease count once), else 'server:<id>'.
CREATE TABLE lease (
	space_id     INTEGER NOT NULL DEFAULT 1,
	ip           BLOB NOT NULL,
	source       TEXT NOT NULL,
	family       INTEGER NOT NULL,
	server_id    INTEGER NOT NULL REFERENCES server(id) ON DELETE CASCADE,
	range_id     INTEGER REFERENCES range(id) ON DELETE SET NULL,
	client_ref   INTEGER REFERENCES client(id),
	host_ref     INTEGER REFERENCES host(id),
	state        TEXT NOT NULL,     -- active | offered | declined | expired | released | reserved | free | backup
	lease_type   TEXT NOT NULL DEFAULT '',  -- '' (v4) | na | ta | pd
	prefix_len   INTEGER,
	iaid         INTEGER,
	starts       INTEGER,
	ends         INTEGER,           -- NULL = never expires
	cltt         INTEGER,
	collected_at INTEGER NOT NULL,
	PRIMARY KEY (space_id, ip, source)
) WITHOUT ROWID;
CREATE INDEX lease_client ON lease (client_ref);
CREATE INDEX lease_host ON lease (host_ref);
CREATE INDEX lease_range ON lease (range_id, state);
CREATE INDEX lease_server ON lease (server_id);

-- Lease history. kind: 1 assign (new), 2 renew, 3 release, 4 expire, 5 decline, 6 delete, 7 offer,
-- 8 conflict (address in use), 9 other.
-- Stored packed, because one B-tree row (and three index entries) per event caps ingest far below what a
-- busy site's history needs: a chunk holds the events of one (address, server, client, host) from one ingest
-- batch within one aligned time bucket (ts >> 22, about 48.5 days), as a JSONB array of [ts, kind, user_ref,
-- expires] in time order. A bucket bounds every chunk's span, so "events of X between lo and hi" is an index
-- range t_first BETWEEN ((lo >> 22) << 22) AND hi. Ingest drops an event already stored under the same key,
-- time and kind, so re-reading a log writes nothing.
CREATE TABLE lease_chunk (
	id         INTEGER PRIMARY KEY,
	ip         BLOB NOT NULL,
	family     INTEGER NOT NULL,
	space_id   INTEGER NOT NULL DEFAULT 1,
	server_id  INTEGER,
	client_ref INTEGER,
	host_ref   INTEGER,
	t_first    INTEGER NOT NULL,
	t_last     INTEGER NOT NULL,
	n          INTEGER NOT NULL,
	ev         BLOB NOT NULL
);
CREATE INDEX lease_chunk_ip ON lease_chunk (ip, t_first);
CREATE INDEX lease_chunk_client ON lease_chunk (client_ref, t_first) WHERE client_ref IS NOT NULL;
CREATE INDEX lease_chunk_host ON lease_chunk (host_ref, t_first) WHERE host_ref IS NOT NULL;
-- Purge by age (ingest appends in roughly time order, so this index grows at its end).
CREATE INDEX lease_chunk_first ON lease_chunk (t_first);

-- The same events in time order, for "newest first" lists and purge by age: each ingest batch's events sorted
-- by time, cut into pages of at most 1024 events that never cross a time bucket (as chunks), each a JSONB array of
-- [ts, kind, family, ip (hex), space_id, server_id, client_ref, host_ref, user_ref, expires].
CREATE TABLE lease_page (
	id      INTEGER PRIMARY KEY,
	t_first INTEGER NOT NULL,
	t_last  INTEGER NOT NULL,
	n       INTEGER NOT NULL,
	ev      BLOB NOT NULL
);
CREATE INDEX lease_page_last ON lease_page (t_last);
CREATE INDEX lease_page_first ON lease_page (t_first);

-- One row per event, unpacked from the chunks. Select through an indexed chunk column (ip, client_ref,
-- host_ref) and bound t_first/t_last where a time window is known; never scan it whole. id = chunk id << 12 | position.
CREATE VIEW lease_event AS
	SELECT (c.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind, c.family, c.ip, c.space_id, c.server_id,
	       c.client_ref, c.host_ref, e.value ->> 2 AS user_ref, e.value ->> 3 AS expires, c.t_first, c.t_last
	FROM lease_chunk c, jsonb_each(c.ev) e;

-- Hand-written rows (fixtures, one-off repairs) may be inserted into the view one event each; ingest packs them
-- through store/lease-history.ts instead. An event already stored is ignored, as ingest ignores it.
CREATE TRIGGER lease_event_insert INSTEAD OF INSERT ON lease_event
WHEN NOT EXISTS (SELECT 1 FROM lease_chunk c, jsonb_each(c.ev) e
	WHERE c.ip = NEW.ip AND c.t_first BETWEEN (NEW.ts >> 22) << 22 AND NEW.ts AND c.t_last >= NEW.ts
		AND c.space_id = coalesce(NEW.space_id, 1) AND c.server_id IS NEW.server_id AND c.client_ref IS NEW.client_ref
		AND c.host_ref IS NEW.host_ref AND e.value ->> 0 = NEW.ts AND e.value ->> 1 = NEW.kind)
BEGIN
	INSERT INTO lease_chunk (ip, family, space_id, server_id, client_ref, host_ref, t_first, t_last, n, ev)
	VALUES (NEW.ip, coalesce(NEW.family, CASE length(NEW.ip) WHEN 4 THEN 4 ELSE 6 END), coalesce(NEW.space_id, 1), NEW.server_id,
		NEW.client_ref, NEW.host_ref, NEW.ts, NEW.ts, 1, jsonb_array(jsonb_array(NEW.ts, NEW.kind, NEW.user_ref, NEW.expires)));
	INSERT INTO lease_page (t_first, t_last, n, ev)
	VALUES (NEW.ts, NEW.ts, 1, jsonb_array(jsonb_array(NEW.ts, NEW.kind, coalesce(NEW.family, CASE length(NEW.ip) WHEN 4 THEN 4 ELSE 6 END),
		lower(hex(NEW.ip)), coalesce(NEW.space_id, 1), NEW.server_id, NEW.client_ref, NEW.host_ref, NEW.user_ref, NEW.expires)));
END;

-- One row per event in time order, unpacked from the pages; bound t_last (index) and t_first. id = page id << 12 | position.
CREATE VIEW lease_event_page AS
	SELECT (p.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind, e.value ->> 2 AS family, unhex(e.value ->> 3) AS ip,
	       e.value ->> 4 AS space_id, e.value ->> 5 AS server_id, e.value ->> 6 AS client_ref, e.value ->> 7 AS host_ref,
	       e.value ->> 8 AS user_ref, e.value ->> 9 AS expires, p.t_first, p.t_last
	FROM lease_page p, jsonb_each(p.ev) e;

-- Logon history from domain controllers (4624/4634/4647/4768/4769) and imported logon records.
CREATE TABLE logon_event (
	id         INTEGER PRIMARY KEY,
	ts         INTEGER NOT NULL,
	kind       INTEGER NOT NULL,  -- Windows event id (4624 …) or 1 logon / 2 logoff for imported records
	user_ref   INTEGER NOT NULL REFERENCES user_account(id),
	host_ref   INTEGER,
	family     INTEGER,
	ip         BLOB,
	server_id  INTEGER,
	logon_id   TEXT,
	logon_type INTEGER,
	source     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX logon_event_user ON logon_event (user_ref, ts, kind, coalesce(host_ref, 0), coalesce(ip, x''));
CREATE INDEX logon_event_ip ON logon_event (ip, ts) WHERE ip IS NOT NULL;
CREATE INDEX logon_event_host ON logon_event (host_ref, ts) WHERE host_ref IS NOT NULL;
CREATE INDEX logon_event_ts ON logon_event (ts);

-- Configuration changes seen between successive collections (scope added/removed/changed, …).
CREATE TABLE config_event (
	id         INTEGER PRIMARY KEY,
	ts         INTEGER NOT NULL,
	server_id  INTEGER REFERENCES server(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,     -- scope-added | scope-removed | scope-changed | reservation-… | option-changed
	object_key TEXT NOT NULL,
	actor      TEXT NOT NULL DEFAULT '',
	before     TEXT,
	after      TEXT
);
CREATE INDEX config_event_ts ON config_event (ts);
CREATE INDEX config_event_server ON config_event (server_id, ts);
