/** The SQLite statements of each schema version (listed with PostgreSQL's in ../schema-versions.ts). */

export const SQLITE_INITIAL = `
  CREATE TABLE probes (
    probe_id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL UNIQUE,
    software_name TEXT NOT NULL,
    software_version TEXT NOT NULL,
    platform TEXT,
    created_ms INTEGER NOT NULL
  );
  -- an accepted upload, verbatim: the gzip body as received (and the probe's signature over it)
  CREATE TABLE raw_batches (
    id INTEGER PRIMARY KEY,
    probe_id TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    gzip BLOB NOT NULL,
    signature BLOB
  );
  CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    start_ms INTEGER NOT NULL,
    batch_id INTEGER NOT NULL,
    raw_offset INTEGER NOT NULL,
    raw_length INTEGER NOT NULL,
    probe_id TEXT NOT NULL,
    probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL,
    network_name TEXT,
    test_name TEXT NOT NULL,
    input TEXT,
    target_group TEXT NOT NULL,
    simulated INTEGER NOT NULL
  );
  CREATE INDEX measurements_group ON measurements (target_group, id);
  CREATE INDEX measurements_asn ON measurements (probe_asn, id);
  CREATE INDEX measurements_input ON measurements (input, id);
  CREATE TABLE verdicts (
    measurement_id INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('probe', 'collector')),
    current INTEGER NOT NULL,
    analysis_version TEXT NOT NULL,
    status TEXT NOT NULL,
    method TEXT,
    confidence REAL NOT NULL,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (measurement_id, source)
  ) WITHOUT ROWID;
  -- counts per bucket (600, 3600, 86400 s); input '' = null, method '' = none
  CREATE TABLE rollups (
    bucket INTEGER NOT NULL,
    t INTEGER NOT NULL,
    target_group TEXT NOT NULL,
    probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL,
    input TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    status TEXT NOT NULL,
    method TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, input, simulated, status, method)
  ) WITHOUT ROWID;
  -- which probes contributed to a bucket (distinct-probe counts)
  CREATE TABLE rollup_probes (
    bucket INTEGER NOT NULL,
    t INTEGER NOT NULL,
    target_group TEXT NOT NULL,
    probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL,
    input TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    probe_id TEXT NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, input, simulated, probe_id)
  ) WITHOUT ROWID;
  -- coverage per network: counts only leave the API
  CREATE TABLE coverage (
    probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    network_name TEXT,
    measurements INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (probe_asn, probe_cc, probe_id)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    title_locked INTEGER NOT NULL DEFAULT 0,
    target_group TEXT NOT NULL,
    cc TEXT NOT NULL,
    asns TEXT NOT NULL,
    methods TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    severity TEXT NOT NULL,
    peak_share REAL NOT NULL,
    probes INTEGER NOT NULL,
    status TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    evidence TEXT NOT NULL
  );
  CREATE INDEX events_start ON events (start_ms);
  CREATE TABLE event_notes (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX event_notes_event ON event_notes (event_id, id);`;

// version 2: one row per cell (bucket, service, network, …) with a column per status and its distinct-probe count,
// so a timeline reads one row per bucket and series; blocking methods in their own small tables; a per-input
// copy keyed service first (input timelines are always of one service). Distinct probes are tracked per
// service, network and bucket (a probe runs a service's inputs together).
export const SQLITE_ROLLUP_CELLS = `
  CREATE TABLE rollups_v2 (
    bucket INTEGER NOT NULL, t INTEGER NOT NULL, target_group TEXT NOT NULL, probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL, simulated INTEGER NOT NULL,
    ok INTEGER NOT NULL, blocked INTEGER NOT NULL, down INTEGER NOT NULL, error INTEGER NOT NULL,
    inconclusive INTEGER NOT NULL, probes INTEGER NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_methods (
    bucket INTEGER NOT NULL, t INTEGER NOT NULL, target_group TEXT NOT NULL, probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL, simulated INTEGER NOT NULL, method TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated, method)
  ) WITHOUT ROWID;
  CREATE TABLE rollups_input (
    bucket INTEGER NOT NULL, target_group TEXT NOT NULL, t INTEGER NOT NULL, probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL, input TEXT NOT NULL, simulated INTEGER NOT NULL,
    ok INTEGER NOT NULL, blocked INTEGER NOT NULL, down INTEGER NOT NULL, error INTEGER NOT NULL,
    inconclusive INTEGER NOT NULL,
    PRIMARY KEY (bucket, target_group, t, probe_asn, probe_cc, input, simulated)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_input_methods (
    bucket INTEGER NOT NULL, target_group TEXT NOT NULL, t INTEGER NOT NULL, probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL, input TEXT NOT NULL, simulated INTEGER NOT NULL, method TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, target_group, t, probe_asn, probe_cc, input, simulated, method)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_probes_v2 (
    bucket INTEGER NOT NULL, t INTEGER NOT NULL, target_group TEXT NOT NULL, probe_asn TEXT NOT NULL,
    probe_cc TEXT NOT NULL, simulated INTEGER NOT NULL, probe_id TEXT NOT NULL,
    PRIMARY KEY (bucket, t, target_group, probe_asn, probe_cc, simulated, probe_id)
  ) WITHOUT ROWID;
  INSERT INTO rollup_probes_v2
    SELECT DISTINCT bucket, t, target_group, probe_asn, probe_cc, simulated, probe_id FROM rollup_probes;
  INSERT INTO rollups_input
    SELECT bucket, target_group, t, probe_asn, probe_cc, input, simulated,
      sum(CASE status WHEN 'ok' THEN n ELSE 0 END), sum(CASE status WHEN 'blocked' THEN n ELSE 0 END),
      sum(CASE status WHEN 'down' THEN n ELSE 0 END), sum(CASE status WHEN 'error' THEN n ELSE 0 END),
      sum(CASE status WHEN 'inconclusive' THEN n ELSE 0 END)
    FROM rollups GROUP BY bucket, target_group, t, probe_asn, probe_cc, input, simulated;
  INSERT INTO rollup_input_methods
    SELECT bucket, target_group, t, probe_asn, probe_cc, input, simulated, method, sum(n) FROM rollups
    WHERE method <> '' GROUP BY bucket, target_group, t, probe_asn, probe_cc, input, simulated, method;
  INSERT INTO rollups_v2
    SELECT r.bucket, r.t, r.target_group, r.probe_asn, r.probe_cc, r.simulated, sum(r.ok), sum(r.blocked),
      sum(r.down), sum(r.error), sum(r.inconclusive),
      (SELECT count(*) FROM rollup_probes_v2 p WHERE p.bucket = r.bucket AND p.t = r.t
        AND p.target_group = r.target_group AND p.probe_asn = r.probe_asn AND p.probe_cc = r.probe_cc
        AND p.simulated = r.simulated)
    FROM rollups_input r GROUP BY r.bucket, r.t, r.target_group, r.probe_asn, r.probe_cc, r.simulated;
  INSERT INTO rollup_methods
    SELECT bucket, t, target_group, probe_asn, probe_cc, simulated, method, sum(n) FROM rollup_input_methods
    GROUP BY bucket, t, target_group, probe_asn, probe_cc, simulated, method;
  DROP TABLE rollups;
  DROP TABLE rollup_probes;
  ALTER TABLE rollups_v2 RENAME TO rollups;
  ALTER TABLE rollup_probes_v2 RENAME TO rollup_probes;
  `;
