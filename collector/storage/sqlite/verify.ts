/** Recounts the rollups from the raw rows and current verdicts and lists every difference (tests, `verify`). */
import type Database from 'better-sqlite3';

const RECOUNT_BASE = `
  WITH b(bucket) AS (VALUES (600), (3600), (86400)),
  base AS (
    SELECT b.bucket, (m.start_ms / 1000) - ((m.start_ms / 1000) % b.bucket) AS t, m.target_group, m.probe_asn,
      m.probe_cc, coalesce(m.input, '') AS input, m.simulated, m.probe_id,
      coalesce(v.status, 'inconclusive') AS status, coalesce(v.method, '') AS method
    FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1 CROSS JOIN b
  )`;

export const PIVOT = `sum(status = 'ok'), sum(status = 'blocked'), sum(status = 'down'), sum(status = 'error'),
  sum(status = 'inconclusive')`;
const COUNTS = 'ok, blocked, down, error, inconclusive';
const CELL = 'bucket, t, target_group, probe_asn, probe_cc, simulated';

/** The rollup tables as recounted from `base` (also used to fill synthetic benchmark databases). */
export const RECOUNTS: Record<string, { columns: string; recount: string }> = {
  rollups: {
    columns: `${CELL}, ${COUNTS}, probes`,
    recount: `SELECT ${CELL}, ${PIVOT}, count(DISTINCT probe_id) FROM base GROUP BY ${CELL}`,
  },
  rollups_input: {
    columns: `${CELL}, input, ${COUNTS}`,
    recount: `SELECT ${CELL}, input, ${PIVOT} FROM base GROUP BY ${CELL}, input`,
  },
  rollup_methods: {
    columns: `${CELL}, method, n`,
    recount: `SELECT ${CELL}, method, count(*) FROM base WHERE method <> '' GROUP BY ${CELL}, method`,
  },
  rollup_input_methods: {
    columns: `${CELL}, input, method, n`,
    recount: `SELECT ${CELL}, input, method, count(*) FROM base WHERE method <> '' GROUP BY ${CELL}, input, method`,
  },
  rollup_probes: { columns: `${CELL}, probe_id`, recount: `SELECT DISTINCT ${CELL}, probe_id FROM base` },
};

export function recountInto(db: Database.Database, table: string): void {
  const r = RECOUNTS[table];
  db.exec(`${RECOUNT_BASE} INSERT INTO ${table} (${r.columns}) ${r.recount}`);
}

export function verifyRollups(db: Database.Database): string[] {
  const problems: Record<string, unknown>[] = [];
  for (const [table, { columns, recount }] of Object.entries(RECOUNTS)) {
    problems.push(
      ...(db
        .prepare(
          `${RECOUNT_BASE},
          recount AS (${recount}),
          stored AS (SELECT ${columns} FROM ${table})
          SELECT '${table}: missing' AS problem, * FROM (SELECT * FROM recount EXCEPT SELECT * FROM stored)
          UNION ALL
          SELECT '${table}: not in recount' AS problem, * FROM (SELECT * FROM stored EXCEPT SELECT * FROM recount)
          LIMIT 50`,
        )
        .all() as Record<string, unknown>[]),
    );
  }
  const current = db
    .prepare(
      'SELECT measurement_id, sum(current) AS c FROM verdicts GROUP BY measurement_id HAVING sum(current) <> 1 LIMIT 50',
    )
    .all() as Record<string, unknown>[];
  problems.push(...current.map((r) => ({ problem: 'not exactly one current verdict', ...r })));
  return problems.map((r) => JSON.stringify(r));
}
