-- Schema 3: the chunk indexes are led by the chunk's time bucket (bkt = t_first >> 22, about 48.5 days).
-- Keyed (ip, t_first), (client_ref, t_first) and (host_ref, t_first), every ingest batch inserted its chunks at
-- random places across three indexes as large as the whole history: on a 50-million-event store each batch
-- dirtied most of their pages, so every commit wrote (and every checkpoint copied) gigabytes, and ingest fell to
-- 18,000 events/s with 274 GB written for the build (BENCHMARKS.md, Tracking). Led by the bucket, a batch's
-- inserts fall in the newest bucket's slice of each index, whatever the history's length.
-- Readers name the buckets they want (lease-history.ts, bucketsIn): "bkt IN (…) AND ip = ? AND t_first …" is one
-- seek per bucket. The 22 here is BUCKET_BITS in store/lease-history.ts.
ALTER TABLE lease_chunk ADD COLUMN bkt INTEGER GENERATED ALWAYS AS (t_first >> 22) VIRTUAL;
DROP INDEX lease_chunk_ip;
DROP INDEX lease_chunk_client;
DROP INDEX lease_chunk_host;
-- t_last rides along: a window's read tests "t_last >= from" on the index entry, so the chunks of the bucket that
-- ended before the window are skipped without fetching their rows (random pages on a large store).
CREATE INDEX lease_chunk_ip ON lease_chunk (bkt, ip, t_first, t_last);
CREATE INDEX lease_chunk_client ON lease_chunk (bkt, client_ref, t_first, t_last) WHERE client_ref IS NOT NULL;
CREATE INDEX lease_chunk_host ON lease_chunk (bkt, host_ref, t_first, t_last) WHERE host_ref IS NOT NULL;

-- The view exposes bkt so readers through it reach the indexes; the trigger went with it.
DROP VIEW lease_event;
CREATE VIEW lease_event AS
	SELECT (c.id << 12) | e.key AS id, e.value ->> 0 AS ts, e.value ->> 1 AS kind, c.family, c.ip, c.space_id, c.server_id,
	       c.client_ref, c.host_ref, e.value ->> 2 AS user_ref, e.value ->> 3 AS expires, c.t_first, c.t_last, c.bkt
	FROM lease_chunk c, jsonb_each(c.ev) e;

CREATE TRIGGER lease_event_insert INSTEAD OF INSERT ON lease_event
WHEN NOT EXISTS (SELECT 1 FROM lease_chunk c, jsonb_each(c.ev) e
	WHERE c.bkt = NEW.ts >> 22 AND c.ip = NEW.ip AND c.t_first BETWEEN (NEW.ts >> 22) << 22 AND NEW.ts AND c.t_last >= NEW.ts
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
