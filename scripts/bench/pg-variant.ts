/**
 * The PostgreSQL variants of the ingest and timeline benchmarks: a throw-away PostgreSQL 127.0.0.1 server with
 * durable commits (collector/storage/postgres/server.ts),
 * one fresh database, two collector processes on it. Skipped, with the reason printed, when no server can be
 * started here (binaries absent, or not root).
 */
import pg from 'pg';
import { KEY_SEQ_SPAN } from '../../collector/storage/measurement-keys.ts';
import {
  BENCH_SETTINGS,
  type PgServer,
  startThrowawayPostgres,
  throwawayUnavailable,
} from '../../collector/storage/postgres/server.ts';
import { createTestDatabase, type TestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { RECOUNT_BASE, RECOUNTS } from '../../collector/storage/postgres/verify.ts';
import { type CollectorProc, startCollector } from './procs.ts';

export interface PgBench {
  server: PgServer;
  db: TestDatabase;
  /** the collectors, all on `db` */
  collectors: CollectorProc[];
  /** one SQL statement on the database (own connection) */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export const PG_DESCRIPTION =
  'PostgreSQL on this machine (loopback), fsync and synchronous_commit on, shared_buffers 256MB';

/** Why the PostgreSQL variant cannot run here, or null. */
export function pgVariantUnavailable(): string | null {
  return throwawayUnavailable();
}

/**
 * A server and a fresh database; `fill` runs on it before `collectors` collector processes start
 * (`raabta collector start --db postgres://…`, extra CLI arguments as given).
 */
export async function startPgBench(
  o: { collectors: number; extra?: string[]; fill?: (url: string) => Promise<void> } = { collectors: 2 },
): Promise<PgBench> {
  const server = await startThrowawayPostgres(BENCH_SETTINGS);
  const collectors: CollectorProc[] = [];
  let db: TestDatabase | undefined;
  const close = async () => {
    for (const c of collectors) await c.stop();
    await db?.drop();
    server.stop();
  };
  try {
    db = await createTestDatabase(server.url, 'bench');
    await o.fill?.(db.url);
    // one after the other: the first migrates an empty database, the others find it current
    for (let i = 0; i < o.collectors; i++) collectors.push(await startCollector(db.url, o.extra ?? []));
    const url = db.url;
    return {
      server,
      db,
      collectors,
      async query<T>(sql: string) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return (await c.query(sql)).rows as T[];
        } finally {
          await c.end();
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The timeline benchmark's synthetic data (scripts/bench/timeline.ts fillTimelineDb: same rows, same keys,
 * same verdict rule) generated in PostgreSQL, the rollups recounted with the storage's own recount queries
 * (collector/storage/postgres/verify.ts), coverage from the rows.
 */
export async function fillTimelinePg(
  url: string,
  rows: number,
  g: { t0Ms: number; spanDays: number; probes: number; inputs: number; dayMs: number },
): Promise<void> {
  const { openPostgresStorage } = await import('../../collector/storage/postgres/index.ts');
  await (await openPostgresStorage({ url, maxConnections: 1 })).close(); // migrate the empty database
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rounds = Math.ceil(rows / (g.probes * g.inputs));
    const roundSeconds = Math.floor((g.spanDays * 86_400) / rounds);
    const start = `(${g.t0Ms / 1000}::bigint + round * ${roundSeconds} + (probe * 37 + input * 11) % ${Math.min(3600, roundSeconds)})`;
    const blocked = `target_group = 'group0' AND probe_asn IN ('AS1000', 'AS1001') AND (start_ms / ${g.dayMs}) % 7 < 2`;
    await c.query('SET synchronous_commit = off');
    // the months the rows fall in get their partitions first (as ingest does)
    await c.query(`SELECT raabta_month_partitions(d::date) FROM generate_series(
      date_trunc('month', to_timestamp(${g.t0Ms / 1000}) AT TIME ZONE 'UTC'),
      to_timestamp(${g.t0Ms / 1000 + g.spanDays * 86_400 + 3600}) AT TIME ZONE 'UTC', interval '1 month') d`);
    await c.query(`
      INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
        network_name, test_name, input, target_group, simulated)
      SELECT ${start} * ${KEY_SEQ_SPAN} + probe * 64 + input, 'bench_' || lpad(i::text, 10, '0'), ${start} * 1000,
        0, 0, 0, 'p_' || lpad(probe::text, 3, '0'), 'AS' || (1000 + probe % 10), 'PK', NULL, 'web',
        'https://site' || lpad(input::text, 2, '0') || '.example/', 'group' || (input % 8), 0
      FROM (SELECT i, i % ${g.probes} AS probe, (i / ${g.probes}) % ${g.inputs} AS input,
              i / ${g.probes * g.inputs} AS round
            FROM generate_series(0::bigint, ${rows - 1}) AS i) gen`);
    await c.query('INSERT INTO measurement_uids (uid, id) SELECT uid, id FROM measurements');
    await c.query(`
      INSERT INTO verdicts (measurement_id, source, current, analysis_version, status, method, confidence, reason,
        evidence)
      SELECT id, 'collector', 1, 'synthetic',
        CASE WHEN ${blocked} THEN 'blocked' WHEN (id % 97) = 0 THEN 'error' ELSE 'ok' END,
        CASE WHEN ${blocked} THEN 'tls' ELSE NULL END, 0.9, '', '[]'
      FROM measurements`);
    for (const [table, { columns, recount }] of Object.entries(RECOUNTS)) {
      await c.query(`INSERT INTO ${table} (${columns}) ${RECOUNT_BASE} ${recount}`);
    }
    await c.query(`INSERT INTO coverage (probe_asn, probe_cc, probe_id, network_name, measurements, last_seen_ms)
      SELECT probe_asn, probe_cc, probe_id, NULL, count(*), max(start_ms) FROM measurements
      GROUP BY probe_asn, probe_cc, probe_id`);
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
}
