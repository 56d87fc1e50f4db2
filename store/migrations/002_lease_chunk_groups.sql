-- Lease history chunks by key group (store/lease-history.ts). A chunk of 001 held one (address, server, client,
-- host) from one batch, so a history where a client seldom appears twice in a batch wrote a row and four index
-- entries per event. Now each event is written three times, once per way it is looked up (dim 0 by address,
-- 1 by client, 2 by host), and a chunk holds either one key's events (grp = the key: the address BLOB, the
-- client or host id) or the events of a group of 16 keys that were too few in the batch for rows of their own
-- (grp = the address with its last 4 bits cleared and a 0x00 byte appended; -(id >> 4) - 1 for an id). A
-- lookup of key K reads grp IN (K, group of K) and keeps K's events. Chunks stay within one aligned 2^22-second
-- bucket, so t_first BETWEEN ((lo >> 22) << 22) AND hi still bounds a time window.
-- Each event: [ts, kind, ip (lowercase hex), client_ref, host_ref, user_ref, expires].
DROP TRIGGER lease_event_insert;
DROP VIEW lease_event;
DROP INDEX lease_chunk_ip;
DROP INDEX lease_chunk_client;
DROP INDEX lease_chunk_host;
DROP INDEX lease_chunk_first;
ALTER TABLE lease_chunk RENAME TO lease_chunk_001;

CREATE TABLE lease_chunk (
	id        INTEGER PRIMARY KEY,
	dim       INTEGER NOT NULL,  -- 0 address, 1 client, 2 host
	grp       NOT NULL,          -- BLOB (dim 0) or INTEGER (dims 1, 2): a key or a group of keys, see above
	space_id  INTEGER NOT NULL,
	server_id INTEGER,
	t_first   INTEGER NOT NULL,
	t_last    INTEGER NOT NULL,
	n         INTEGER NOT NULL,
	ev        BLOB NOT NULL
);
CREATE INDEX lease_chunk_key ON lease_chunk (dim, grp, t_first);
-- Purge by age (ingest appends in roughly time order, so this index grows at its end).
CREATE INDEX lease_chunk_first ON lease_chunk (t_first);

-- 001's chunks are one key's events each: valid chunks of every dim as they are, events rewritten.
INSERT INTO lease_chunk (dim, grp, space_id, server_id, t_first, t_last, n, ev)
SELECT d.dim, CASE d.dim WHEN 0 THEN o.ip WHEN 1 THEN o.client_ref ELSE o.host_ref END, o.space_id, o.server_id, o.t_first, o.t_last, o.n,
	(SELECT jsonb_group_array(jsonb_array(e.value ->> 0, e.value ->> 1, lower(hex(o.ip)), o.client_ref, o.host_ref, e.value ->> 2, e.value ->> 3) ORDER BY e.key)
	 FROM jsonb_each(o.ev) e)
FROM lease_chunk_001 o JOIN (SELECT 0 AS dim UNION ALL SELECT 1 UNION ALL SELECT 2) d
	ON d.dim = 0 OR (d.dim = 1 AND o.client_ref IS NOT NULL) OR (d.dim = 2 AND o.host_ref IS NOT NULL)
ORDER BY d.dim, o.id;
DROP TABLE lease_chunk_001;

-- One row per stored copy of an event; select through dim and grp (the index) and bound t_first/t_last.
CREATE VIEW lease_chunk_event AS
	SELECT c.dim, c.grp, (c.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind,
	       CASE length(e.value ->> 2) WHEN 8 THEN 4 ELSE 6 END AS family, unhex(e.value ->> 2) AS ip, c.space_id, c.server_id,
	       e.value ->> 3 AS client_ref, e.value ->> 4 AS host_ref, e.value ->> 5 AS user_ref, e.value ->> 6 AS expires, c.t_first, c.t_last
	FROM lease_chunk c, jsonb_each(c.ev) e;

-- One row per event (the address copies). Select with grp IN (address, its group) and ip = the address.
CREATE VIEW lease_event AS
	SELECT id, ts, kind, family, ip, space_id, server_id, client_ref, host_ref, user_ref, expires, t_first, t_last, grp
	FROM lease_chunk_event WHERE dim = 0;
-- The same events by client (grp IN (id, -(id >> 4) - 1) and client_ref = id) and by host.
CREATE VIEW lease_event_client AS
	SELECT id, ts, kind, family, ip, space_id, server_id, client_ref, host_ref, user_ref, expires, t_first, t_last, grp
	FROM lease_chunk_event WHERE dim = 1;
CREATE VIEW lease_event_host AS
	SELECT id, ts, kind, family, ip, space_id, server_id, client_ref, host_ref, user_ref, expires, t_first, t_last, grp
	FROM lease_chunk_event WHERE dim = 2;

-- Hand-written rows (fixtures, one-off repairs) may be inserted into the view one event each; ingest packs them
-- through store/lease-history.ts instead. An event already stored is ignored, as ingest ignores it.
CREATE TRIGGER lease_event_insert INSTEAD OF INSERT ON lease_event
WHEN NOT EXISTS (SELECT 1 FROM lease_chunk c, jsonb_each(c.ev) e
	WHERE c.dim = 0 AND c.grp IN (NEW.ip, unhex(substr(hex(NEW.ip), 1, length(NEW.ip) * 2 - 1) || '000'))
		AND c.t_first BETWEEN (NEW.ts >> 22) << 22 AND NEW.ts AND c.t_last >= NEW.ts
		AND c.space_id = coalesce(NEW.space_id, 1) AND c.server_id IS NEW.server_id AND e.value ->> 0 = NEW.ts AND e.value ->> 1 = NEW.kind
		AND e.value ->> 2 = lower(hex(NEW.ip)) AND e.value ->> 3 IS NEW.client_ref AND e.value ->> 4 IS NEW.host_ref)
BEGIN
	INSERT INTO lease_chunk (dim, grp, space_id, server_id, t_first, t_last, n, ev)
	SELECT d.dim, CASE d.dim WHEN 0 THEN NEW.ip WHEN 1 THEN NEW.client_ref ELSE NEW.host_ref END, coalesce(NEW.space_id, 1), NEW.server_id,
		NEW.ts, NEW.ts, 1, jsonb_array(jsonb_array(NEW.ts, NEW.kind, lower(hex(NEW.ip)), NEW.client_ref, NEW.host_ref, NEW.user_ref, NEW.expires))
	FROM (SELECT 0 AS dim UNION ALL SELECT 1 UNION ALL SELECT 2) d
	WHERE d.dim = 0 OR (d.dim = 1 AND NEW.client_ref IS NOT NULL) OR (d.dim = 2 AND NEW.host_ref IS NOT NULL);
	INSERT INTO lease_page (t_first, t_last, n, ev)
	VALUES (NEW.ts, NEW.ts, 1, jsonb_array(jsonb_array(NEW.ts, NEW.kind, coalesce(NEW.family, CASE length(NEW.ip) WHEN 4 THEN 4 ELSE 6 END),
		lower(hex(NEW.ip)), coalesce(NEW.space_id, 1), NEW.server_id, NEW.client_ref, NEW.host_ref, NEW.user_ref, NEW.expires)));
END;
