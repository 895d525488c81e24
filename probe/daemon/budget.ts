/**
 * Budgets: bytes used per run are recorded in the `runs` table; a scheduled run is skipped (and recorded as
 * skipped) once today's total (UTC day) reaches `daily_bandwidth_mb`.
 */
import type { Statement } from 'better-sqlite3';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Db } from '../outbox/db.ts';

/** Network bytes a measurement cost, estimated from its trace (bodies, transfers, handshakes, the upload). */
export function measurementBytes(m: Measurement): number {
  const k = m.test_keys;
  let n = JSON.stringify(m).length;
  for (const r of k.requests) n += r.response.body_length + 512;
  for (const t of k.throughput) n += t.bytes;
  for (const h of k.handshakes) n += h.sent_bytes + h.received_bytes;
  n += k.tls_handshakes.length * 6000 + k.queries.length * 200 + k.tcp_connect.length * 120;
  return n;
}

export function startOfUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function bytesToday(db: Db, now = Date.now()): number {
  const row = db
    .prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM runs WHERE started_at >= ?')
    .get(startOfUtcDay(now)) as {
    b: number;
  };
  return row.b;
}

export function overDailyBudget(db: Db, dailyMb: number | null, now = Date.now()): boolean {
  if (dailyMb === null) return false;
  return bytesToday(db, now) >= dailyMb * 1024 * 1024;
}

export interface RunRecord {
  id: number;
  suite: string;
  reason: string;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  measurements: number;
  bytes: number;
  error: string | null;
}

export function startRun(db: Db, suite: string, reason: string, now = Date.now()): number {
  return Number(
    db.prepare('INSERT INTO runs (suite, reason, started_at) VALUES (?, ?, ?)').run(suite, reason, now)
      .lastInsertRowid,
  );
}

const progressStatements = new WeakMap<Db, Statement>();

/**
 * Checkpoint: counts so far, so an interrupted run still shows what it did. Runs after every measurement:
 * prepared once per database (a statement prepared per call keeps its SQLite program in native memory until
 * V8 collects the JavaScript object).
 */
export function progressRun(db: Db, id: number, measurements: number, bytes: number): void {
  let st = progressStatements.get(db);
  if (!st) {
    st = db.prepare('UPDATE runs SET measurements = ?, bytes = ? WHERE id = ?');
    progressStatements.set(db, st);
  }
  st.run(measurements, bytes, id);
}

export function finishRun(
  db: Db,
  id: number,
  r: { outcome: string; measurements: number; bytes: number; error?: string | null },
  now = Date.now(),
): void {
  db.prepare(
    'UPDATE runs SET finished_at = ?, outcome = ?, measurements = ?, bytes = ?, error = ? WHERE id = ?',
  ).run(now, r.outcome, r.measurements, r.bytes, r.error ?? null, id);
}

export function lastRuns(db: Db): RunRecord[] {
  return db
    .prepare('SELECT * FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY suite) ORDER BY suite')
    .all() as RunRecord[];
}
