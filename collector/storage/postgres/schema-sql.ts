/**
 * The PostgreSQL statements of each schema version (listed with SQLite's in ../schema-versions.ts). The
 * tables mirror the SQLite layout so the copy tool (copy.ts) moves rows between the engines column for
 * column. Differences: `raw_batches.id` is a bigserial; measurement keys take their sequence number from
 * `measurement_seq` (several writers at once) instead of max(id) + 1; event lists are jsonb; `measurements`
 * and `verdicts` are partitioned by month (version 3), so the uid uniqueness lives in `measurement_uids`.
 */
import { KEY_SEQ_SPAN as KEY_SPAN } from '../measurement-keys.ts';
import { LOCK_PARTITIONS } from './locks.ts';

/** Version 1, with the rollup layout SQLite reached in its version 2 (so PostgreSQL's version 2 is empty). */
export const PG_INITIAL = `
  CREATE TABLE probes (
    probe_id text PRIMARY KEY,
    public_key bytea NOT NULL UNIQUE,
    software_name text NOT NULL,
    software_version text NOT NULL,
    platform text,
    created_ms bigint NOT NULL
  );
  CREATE TABLE raw_batches (
    id bigserial PRIMARY KEY,
    probe_id text NOT NULL,
    received_ms bigint NOT NULL,
    gzip bytea NOT NULL,
    signature bytea
  );
  -- already gzip: TOAST compression would only cost CPU
  ALTER TABLE raw_batches ALTER COLUMN gzip SET STORAGE EXTERNAL;
  CREATE SEQUENCE measurement_seq;
  -- id = start second * 2^21 + (measurement_seq mod 2^21): time-ordered, unique (a collision is retried)
  CREATE TABLE measurements (
    id bigint PRIMARY KEY,
    uid text NOT NULL UNIQUE,
    start_ms bigint NOT NULL,
    batch_id bigint NOT NULL,
    raw_offset integer NOT NULL,
    raw_length integer NOT NULL,
    probe_id text NOT NULL,
    probe_asn text NOT NULL,
    probe_cc text NOT NULL,
    network_name text,
    test_name text NOT NULL,
    input text,
    target_group text NOT NULL,
    simulated smallint NOT NULL
  );
  CREATE INDEX measurements_group ON measurements (target_group, id);
  CREATE INDEX measurements_asn ON measurements (probe_asn, id);
  CREATE INDEX measurements_input ON measurements (input, id);
  CREATE TABLE verdicts (
    measurement_id bigint NOT NULL,
    source text NOT NULL CHECK (source IN ('probe', 'collector')),
    current smallint NOT NULL,
    analysis_version text NOT NULL,
    status text NOT NULL,
    method text,
    confidence double precision NOT NULL,
    reason text NOT NULL,
    evidence text NOT NULL,
    PRIMARY KEY (measurement_id, source)
  );
  CREATE TABLE rollups (
    bucket integer NOT NULL, t bigint NOT NULL, target_group text NOT NULL, probe_asn text NOT NULL,
    probe_cc text NOT NULL, simulated smallint NOT NULL,
    ok integer NOT NULL, blocked integer NOT NULL, down integer NOT NULL, error integer NOT NULL,
    inconclusive integer NOT NULL, probes integer NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated)
  );
  CREATE TABLE rollup_methods (
    bucket integer NOT NULL, t bigint NOT NULL, target_group text NOT NULL, probe_asn text NOT NULL,
    probe_cc text NOT NULL, simulated smallint NOT NULL, method text NOT NULL, n integer NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated, method)
  );
  CREATE TABLE rollups_input (
    bucket integer NOT NULL, target_group text NOT NULL, t bigint NOT NULL, probe_asn text NOT NULL,
    probe_cc text NOT NULL, input text NOT NULL, simulated smallint NOT NULL,
    ok integer NOT NULL, blocked integer NOT NULL, down integer NOT NULL, error integer NOT NULL,
    inconclusive integer NOT NULL,
    PRIMARY KEY (bucket, target_group, t, probe_asn, probe_cc, input, simulated)
  );
  CREATE TABLE rollup_input_methods (
    bucket integer NOT NULL, target_group text NOT NULL, t bigint NOT NULL, probe_asn text NOT NULL,
    probe_cc text NOT NULL, input text NOT NULL, simulated smallint NOT NULL, method text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (bucket, target_group, t, probe_asn, probe_cc, input, simulated, method)
  );
  CREATE TABLE rollup_probes (
    bucket integer NOT NULL, t bigint NOT NULL, target_group text NOT NULL, probe_asn text NOT NULL,
    probe_cc text NOT NULL, simulated smallint NOT NULL, probe_id text NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated, probe_id)
  );
  CREATE TABLE coverage (
    probe_asn text NOT NULL,
    probe_cc text NOT NULL,
    probe_id text NOT NULL,
    network_name text,
    measurements bigint NOT NULL,
    last_seen_ms bigint NOT NULL,
    PRIMARY KEY (probe_asn, probe_cc, probe_id)
  );
  CREATE TABLE events (
    id text PRIMARY KEY,
    key text NOT NULL UNIQUE,
    title text NOT NULL,
    title_locked smallint NOT NULL DEFAULT 0,
    target_group text NOT NULL,
    cc text NOT NULL,
    asns jsonb NOT NULL,
    methods jsonb NOT NULL,
    start_ms bigint NOT NULL,
    end_ms bigint,
    severity text NOT NULL,
    peak_share double precision NOT NULL,
    probes integer NOT NULL,
    status text NOT NULL,
    simulated smallint NOT NULL,
    evidence jsonb NOT NULL
  );
  CREATE INDEX events_start ON events (start_ms);
  CREATE TABLE event_notes (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL,
    at_ms bigint NOT NULL,
    text text NOT NULL
  );
  CREATE INDEX event_notes_event ON event_notes (event_id, id);
  `;

/**
 * Version 3: `measurements` and `verdicts` partitioned by month of the measurement's start (range of keys:
 * a key begins with its start second). The uid uniqueness moves to `measurement_uids` (a unique index on a
 * partitioned table must contain the partition key). `raabta_month_partitions(month)` creates a month's two
 * partitions if missing: as a plain table attached afterwards, which locks the parent only in SHARE UPDATE
 * EXCLUSIVE mode (reads and inserts go on), under an advisory lock so collectors never race. Existing rows
 * are moved into their months.
 */
export const PG_PARTITION_BY_MONTH = `
  ALTER TABLE measurements RENAME TO measurements_v1;
  ALTER TABLE measurements_v1 RENAME CONSTRAINT measurements_pkey TO measurements_v1_pkey;
  ALTER TABLE measurements_v1 RENAME CONSTRAINT measurements_uid_key TO measurements_v1_uid_key;
  DROP INDEX measurements_group, measurements_asn, measurements_input;
  ALTER TABLE verdicts RENAME TO verdicts_v1;
  ALTER TABLE verdicts_v1 RENAME CONSTRAINT verdicts_pkey TO verdicts_v1_pkey;

  CREATE TABLE measurements (
    id bigint PRIMARY KEY,
    uid text NOT NULL,
    start_ms bigint NOT NULL,
    batch_id bigint NOT NULL,
    raw_offset integer NOT NULL,
    raw_length integer NOT NULL,
    probe_id text NOT NULL,
    probe_asn text NOT NULL,
    probe_cc text NOT NULL,
    network_name text,
    test_name text NOT NULL,
    input text,
    target_group text NOT NULL,
    simulated smallint NOT NULL
  ) PARTITION BY RANGE (id);
  CREATE INDEX measurements_group ON measurements (target_group, id);
  CREATE INDEX measurements_asn ON measurements (probe_asn, id);
  CREATE INDEX measurements_input ON measurements (input, id);
  CREATE TABLE verdicts (
    measurement_id bigint NOT NULL,
    source text NOT NULL CHECK (source IN ('probe', 'collector')),
    current smallint NOT NULL,
    analysis_version text NOT NULL,
    status text NOT NULL,
    method text,
    confidence double precision NOT NULL,
    reason text NOT NULL,
    evidence text NOT NULL,
    PRIMARY KEY (measurement_id, source)
  ) PARTITION BY RANGE (measurement_id);
  -- the idempotency check: one row per stored measurement, whatever its month
  CREATE TABLE measurement_uids (uid text PRIMARY KEY, id bigint NOT NULL);

  -- the first day (UTC) of the month a measurement key belongs to
  CREATE FUNCTION raabta_key_month(key bigint) RETURNS date LANGUAGE sql IMMUTABLE AS
    $f$ SELECT date_trunc('month', to_timestamp(key / ${KEY_SPAN}) AT TIME ZONE 'UTC')::date $f$;

  CREATE FUNCTION raabta_month_partitions(month date) RETURNS boolean LANGUAGE plpgsql AS $f$
  DECLARE
    first date := date_trunc('month', month)::date;
    lo bigint := extract(epoch FROM first)::bigint * ${KEY_SPAN};
    hi bigint := extract(epoch FROM (first + interval '1 month'))::bigint * ${KEY_SPAN};
    part text;
    parent text;
    made boolean := false;
  BEGIN
    FOREACH parent IN ARRAY ARRAY['measurements', 'verdicts'] LOOP
      part := parent || '_' || to_char(first, 'YYYY_MM');
      CONTINUE WHEN to_regclass(part) IS NOT NULL;
      PERFORM pg_advisory_xact_lock(${LOCK_PARTITIONS});
      -- made meanwhile by another collector? (a query, not to_regclass: the catalog cache may predate the lock)
      CONTINUE WHEN EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = part AND n.nspname = current_schema());
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING ALL)', part, parent);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', parent, part, lo, hi);
      made := true;
    END LOOP;
    RETURN made;
  END
  $f$;

  SELECT raabta_month_partitions(m) FROM (SELECT DISTINCT raabta_key_month(id) AS m FROM measurements_v1) x;
  INSERT INTO measurements SELECT * FROM measurements_v1;
  INSERT INTO measurement_uids (uid, id) SELECT uid, id FROM measurements_v1;
  INSERT INTO verdicts SELECT * FROM verdicts_v1;
  DROP TABLE measurements_v1, verdicts_v1;
  ANALYZE measurements, verdicts, measurement_uids;
`;
