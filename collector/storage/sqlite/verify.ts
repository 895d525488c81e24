/** Recounts the rollups from the raw rows and current verdicts and lists every difference (tests, `verify`). */
import type Database from 'better-sqlite3';

const DIMS = 'target_group, probe_asn, probe_cc, input, simulated';
const RECOUNT_BASE = `
  WITH b(bucket) AS (VALUES (600), (3600), (86400)),
  base AS (
    SELECT b.bucket, (m.start_ms / 1000) - ((m.start_ms / 1000) % b.bucket) AS t, m.target_group, m.probe_asn,
      m.probe_cc, coalesce(m.input, '') AS input, m.simulated, m.probe_id,
      coalesce(v.status, 'inconclusive') AS status, coalesce(v.method, '') AS method
    FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1 CROSS JOIN b
  )`;

export function verifyRollups(db: Database.Database): string[] {
  const counts = db
    .prepare(
      `${RECOUNT_BASE},
      recount AS (SELECT bucket, t, ${DIMS}, status, method, count(*) AS n FROM base
        GROUP BY bucket, t, ${DIMS}, status, method),
      stored AS (SELECT bucket, t, ${DIMS}, status, method, n FROM rollups)
      SELECT 'missing from rollups' AS problem, * FROM (SELECT * FROM recount EXCEPT SELECT * FROM stored)
      UNION ALL
      SELECT 'not in recount' AS problem, * FROM (SELECT * FROM stored EXCEPT SELECT * FROM recount)
      LIMIT 50`,
    )
    .all() as Record<string, unknown>[];
  const probes = db
    .prepare(
      `${RECOUNT_BASE},
      recount AS (SELECT DISTINCT bucket, t, ${DIMS}, probe_id FROM base),
      stored AS (SELECT bucket, t, ${DIMS}, probe_id FROM rollup_probes)
      SELECT 'probe missing from rollup_probes' AS problem, * FROM (SELECT * FROM recount EXCEPT SELECT * FROM stored)
      UNION ALL
      SELECT 'probe not in recount' AS problem, * FROM (SELECT * FROM stored EXCEPT SELECT * FROM recount)
      LIMIT 50`,
    )
    .all() as Record<string, unknown>[];
  const current = db
    .prepare(
      `SELECT measurement_id, sum(current) AS c FROM verdicts GROUP BY measurement_id HAVING sum(current) <> 1 LIMIT 50`,
    )
    .all() as Record<string, unknown>[];
  return [
    ...counts,
    ...probes,
    ...current.map((r) => ({ problem: 'not exactly one current verdict', ...r })),
  ].map((r) => JSON.stringify(r));
}
