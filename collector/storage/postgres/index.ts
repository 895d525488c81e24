/**
 * The PostgreSQL storage (`--db postgres://…`): the same contract as the SQLite one (test/collector/
 * storage-contract.ts), built for several collector processes on one database:
 * - ingest is idempotent by measurement uid (UNIQUE; a concurrent insert of the same uid waits, then skips);
 * - rollups and coverage are added with `INSERT … ON CONFLICT DO UPDATE` in one key order (no lost or
 *   doubled increments, no deadlocks between collectors); a deadlock between overlapping batches is retried;
 * - events are upserted by the detector's key under an advisory lock; migrations run under another.
 * Durability: an acknowledged batch has been committed with PostgreSQL's `synchronous_commit` (default on:
 * the WAL is flushed before the commit returns).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type {
  DetectedEvent,
  EventQuery,
  MeasurementQuery,
  PreparedBatch,
  ProbeRecord,
  Storage,
  StorageStats,
  TimelineQuery,
  VerdictRecord,
} from '../types.ts';
import { createEvents } from './events.ts';
import { createIngest } from './ingest.ts';
import { MIGRATIONS, migrate, schemaVersion } from './migrations.ts';
import { createPool, redactUrl } from './pool.ts';
import { RawReader } from './raw.ts';
import { createReads } from './reads.ts';
import { createRescore } from './rescore.ts';
import { KnownProbeRows } from './rollups.ts';
import { createTimeline } from './timeline.ts';
import { verifyRollups } from './verify.ts';

export { isPostgresUrl, redactUrl } from './pool.ts';

export interface PostgresOptions {
  url: string;
  /** pool size (default 8) */
  maxConnections?: number;
  applicationName?: string;
  /**
   * A read-only collector (e.g. on a streaming replica): no migrations, no writes; the schema must already be
   * at exactly this collector's version (an older one would need the writers' migrations first).
   */
  readOnly?: boolean;
}

export type PostgresStorage = Storage & { readonly pool: pg.Pool };

/** A PostgreSQL client program (pg_dump, psql): on PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
export function pgProgram(name: string): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
      const p = join(root, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return name;
}

async function requireSchema(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    const v = await schemaVersion(c);
    if (v !== MIGRATIONS.length)
      throw new Error(
        `read-only: the database schema is at version ${v}, this collector needs ${MIGRATIONS.length} ` +
          '(start a writing collector of this version on the primary first)',
      );
  } finally {
    c.release();
  }
}

export async function openPostgresStorage(o: PostgresOptions): Promise<PostgresStorage> {
  const pool = createPool(o.url, { max: o.maxConnections, applicationName: o.applicationName });
  try {
    if (o.readOnly) await requireSchema(pool);
    else await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const known = new KnownProbeRows();
  const raw = new RawReader(pool);
  const ingest = createIngest(pool, known);
  const reads = createReads(pool, raw);
  const timeline = createTimeline(pool);
  const rescore = createRescore(pool, raw, known);
  const events = createEvents(pool);
  let closed = false;

  return {
    kind: 'postgres',
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
    async registerProbe(p: ProbeRecord) {
      const key = Buffer.from(p.public_key);
      const ins = await pool.query(
        `INSERT INTO probes (probe_id, public_key, software_name, software_version, platform, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING probe_id`,
        [p.probe_id, key, p.software_name, p.software_version, p.platform, p.created_ms],
      );
      if (ins.rows.length) return { probe_id: ins.rows[0].probe_id as string, created: true };
      const r = await pool.query('SELECT probe_id FROM probes WHERE public_key = $1', [key]);
      if (!r.rows.length) throw new Error(`probe id ${p.probe_id} is taken by another key`);
      return { probe_id: r.rows[0].probe_id as string, created: false };
    },
    async probeKey(probeId: string) {
      const r = await pool.query('SELECT public_key FROM probes WHERE probe_id = $1', [probeId]);
      return (r.rows[0]?.public_key as Buffer | undefined) ?? null;
    },
    ingest: (batches: PreparedBatch[]) => ingest(batches),
    listMeasurements: (q: MeasurementQuery) => reads.list(q),
    getMeasurement: (uid: string) => reads.get(uid),
    summariesByUid: (uids: string[]) => reads.summaries(uids),
    timeline: (q: TimelineQuery) => timeline(q),
    coverage: () => reads.coverage(),
    scanRaw: (opts) => rescore.scan(opts),
    replaceCollectorVerdicts: (items: { key: number; verdict: VerdictRecord }[]) => rescore.replace(items),
    upsertEvents: (list: DetectedEvent[]) => events.upsert(list),
    listEvents: (q: EventQuery) => events.list(q),
    getEvent: (id: string) => events.get(id),
    editEvent: (id, edit) => events.edit(id, edit),
    async ping() {
      await pool.query('SELECT 1');
    },
    async replicaLagSeconds() {
      // caught up (all WAL received is replayed): 0; else the age of the last transaction replayed. A standby
      // cut off from its primary receives nothing and reads 0: pg_stat_wal_receiver tells that apart.
      const r = await pool.query(
        `SELECT pg_is_in_recovery() AS standby,
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
             ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::float8 END AS lag`,
      );
      return r.rows[0].standby ? ((r.rows[0].lag as number | null) ?? null) : null;
    },
    async stats(): Promise<StorageStats> {
      const r = await pool.query(
        `SELECT (SELECT coalesce(sum(measurements), 0)::bigint FROM coverage) AS measurements,
           (SELECT count(*) FROM raw_batches) AS batches, (SELECT count(*) FROM probes) AS probes,
           (SELECT count(*) FROM events) AS events, pg_database_size(current_database()) AS bytes`,
      );
      return r.rows[0] as StorageStats;
    },
    async verifyRollups() {
      // one snapshot: ingest by other collectors meanwhile must not show up as a difference
      const c = await pool.connect();
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const out = await verifyRollups(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    /** pg_dump custom format (restore with pg_restore); a consistent snapshot while collectors run. */
    async backup(destination: string) {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          pgProgram('pg_dump'),
          ['--format=custom', '--file', destination, '--dbname', o.url],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.once('error', reject);
        child.once('exit', (code) =>
          code === 0
            ? resolve()
            : reject(new Error(`pg_dump of ${redactUrl(o.url)} failed (${code}): ${err.trim()}`)),
        );
      });
    },
  };
}
