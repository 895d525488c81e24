/** Recounts the rollups from the raw rows and current verdicts and lists every difference (tests, `verify`). */
import type pg from 'pg';

export const RECOUNT_BASE = `
  WITH b(bucket) AS (VALUES (600), (3600), (86400)),
  base AS (
    SELECT b.bucket, (m.start_ms / 1000) - ((m.start_ms / 1000) % b.bucket) AS t, m.target_group, m.probe_asn,
      m.probe_cc, coalesce(m.input, '') AS input, m.simulated, m.probe_id,
      coalesce(v.status, 'inconclusive') AS status, coalesce(v.method, '') AS method
    FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1 CROSS JOIN b
  )`;

const PIVOT = ['ok', 'blocked', 'down', 'error', 'inconclusive']
  .map((s) => `(count(*) FILTER (WHERE status = '${s}'))::int`)
  .join(', ');
const COUNTS = 'ok, blocked, down, error, inconclusive';
const CELL = 'bucket, t, target_group, probe_asn, probe_cc, simulated';

export const RECOUNTS: Record<string, { columns: string; recount: string }> = {
  rollups: {
    columns: `${CELL}, ${COUNTS}, probes`,
    recount: `SELECT ${CELL}, ${PIVOT}, count(DISTINCT probe_id)::int FROM base GROUP BY ${CELL}`,
  },
  rollups_input: {
    columns: `${CELL}, input, ${COUNTS}`,
    recount: `SELECT ${CELL}, input, ${PIVOT} FROM base GROUP BY ${CELL}, input`,
  },
  rollup_methods: {
    columns: `${CELL}, method, n`,
    recount: `SELECT ${CELL}, method, count(*)::int FROM base WHERE method <> '' GROUP BY ${CELL}, method`,
  },
  rollup_input_methods: {
    columns: `${CELL}, input, method, n`,
    recount: `SELECT ${CELL}, input, method, count(*)::int FROM base WHERE method <> '' GROUP BY ${CELL}, input, method`,
  },
  rollup_probes: { columns: `${CELL}, probe_id`, recount: `SELECT DISTINCT ${CELL}, probe_id FROM base` },
};

export async function verifyRollups(c: pg.Pool | pg.ClientBase): Promise<string[]> {
  const problems: Record<string, unknown>[] = [];
  for (const [table, { columns, recount }] of Object.entries(RECOUNTS)) {
    const r = await c.query(
      `${RECOUNT_BASE},
       recount AS (${recount}),
       stored AS (SELECT ${columns} FROM ${table})
       (SELECT '${table}: missing' AS problem, * FROM (SELECT * FROM recount EXCEPT ALL SELECT * FROM stored) x
        UNION ALL
        SELECT '${table}: not in recount' AS problem, * FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM recount) y)
       LIMIT 50`,
    );
    problems.push(...(r.rows as Record<string, unknown>[]));
  }
  const current = await c.query(
    'SELECT measurement_id, sum(current)::int AS c FROM verdicts GROUP BY measurement_id HAVING sum(current) <> 1 LIMIT 50',
  );
  problems.push(...current.rows.map((r) => ({ problem: 'not exactly one current verdict', ...r })));
  return problems.map((r) => JSON.stringify(r));
}
