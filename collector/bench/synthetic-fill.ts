/**
 * A large synthetic database for the timeline benchmark, written with SQL (no raw bodies: the timeline
 * never reads them). Measurement rows, current verdicts and the rollups exactly as ingest maintains them
 * (the same recount `verifyRollups` uses), so the tables have realistic sizes and shapes.
 */
import { openSqliteStorage } from '../storage/sqlite/index.ts';
import { RECOUNTS, recountInto } from '../storage/sqlite/verify.ts';

export const SYNTHETIC_T0 = Date.UTC(2024, 9, 1);
const PROBES = 200;
const INPUTS = 60;

export function fillSynthetic(path: string, rows: number): void {
  const s = openSqliteStorage({ path, backgroundCheckpoints: false });
  const db = s.db;
  db.pragma('synchronous = OFF');
  const t0s = SYNTHETIC_T0 / 1000;
  // n → probe, input, hour; the start second spreads probes over the hour
  db.exec(`
    CREATE TEMP TABLE gen AS
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    SELECT i, i % ${PROBES} AS probe, (i / ${PROBES}) % ${INPUTS} AS input, i / ${PROBES * INPUTS} AS hour FROM n;
  `);
  db.exec(`
    INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
      network_name, test_name, input, target_group, simulated)
    SELECT ((${t0s} + hour * 3600 + (probe * 37 + input * 11) % 3600) * 2097152) + probe * 64 + input,
      printf('synthetic_%010d', i), (${t0s} + hour * 3600 + (probe * 37 + input * 11) % 3600) * 1000, 0, 0, 0,
      printf('p_%03d', probe), printf('AS%d', 1000 + probe % 10), 'PK', NULL, 'web',
      printf('https://site%02d.example/', input), printf('group%d', input % 8), 0
    FROM gen;
    INSERT INTO verdicts (measurement_id, source, current, analysis_version, status, method, confidence, reason, evidence)
    SELECT id, 'collector', 1, 'synthetic',
      CASE WHEN target_group = 'group0' AND probe_asn IN ('AS1000', 'AS1001') AND (start_ms / 86400000) % 7 < 2
        THEN 'blocked' WHEN (id % 97) = 0 THEN 'error' ELSE 'ok' END,
      CASE WHEN target_group = 'group0' AND probe_asn IN ('AS1000', 'AS1001') AND (start_ms / 86400000) % 7 < 2
        THEN 'tls' ELSE NULL END, 0.9, '', '[]'
    FROM measurements;
    DROP TABLE gen;
  `);
  for (const table of Object.keys(RECOUNTS)) recountInto(db, table);
  db.exec(`INSERT INTO coverage SELECT probe_asn, probe_cc, probe_id, NULL, count(*), max(start_ms) FROM measurements
    GROUP BY probe_asn, probe_cc, probe_id`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  void s.close();
}
