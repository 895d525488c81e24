/**
 * The durable outbox. A measurement enters as `pending` before any upload is tried; it becomes `uploaded`
 * only when a collector acknowledged its measurement_uid (accepted or duplicate), and `failed`
 * (quarantined, kept with the reason) when a collector rejected it as invalid. Nothing is dropped silently:
 * the disk budget drops oldest first, logs each drop and records it in `drops`.
 */
import type { Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { type Db, openDb } from './db.ts';

export interface OutboxItem {
  seq: number;
  uid: string;
  body: string;
  attempts: number;
}

export interface OutboxCounts {
  pending: number;
  uploaded: number;
  failed: number;
  dropped: number;
  pendingBytes: number;
  oldestPending: number | null;
}

export interface OutboxOptions {
  maxBytes: number;
  log?: Logger;
}

export class Outbox {
  readonly db: Db;
  private readonly log?: Logger;
  private maxBytes: number;
  // Prepared once: these run for every measurement, and a statement prepared per call holds its SQLite
  // program in native memory until V8 happens to collect the JavaScript object (a full GC, in a long run).
  private readonly insert: Statement;
  private readonly held: Statement;

  constructor(file: string, opts: OutboxOptions) {
    this.db = openDb(file);
    this.log = opts.log;
    this.maxBytes = opts.maxBytes;
    this.insert = this.db.prepare(
      `INSERT INTO measurements (uid, created_at, suite, test_name, input, body, bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO NOTHING`,
    );
    this.held = this.db.prepare(
      "SELECT COALESCE(SUM(bytes), 0) AS b FROM measurements WHERE state != 'uploaded'",
    );
  }

  /** Writes the measurement durably (synchronous=FULL) and enforces the disk budget. */
  add(m: Measurement, now = Date.now()): void {
    const body = JSON.stringify(m);
    this.insert.run(
      m.measurement_uid,
      now,
      m.raabta.suite,
      m.test_name,
      m.input,
      body,
      Buffer.byteLength(body),
    );
    this.enforceBudget(now);
  }

  /** Bytes held by measurements not yet acknowledged (pending + quarantined). */
  heldBytes(): number {
    return (this.held.get() as { b: number }).b;
  }

  /** Over budget: drop the oldest unacknowledged measurements first, logging and recording each drop. */
  enforceBudget(now = Date.now()): number {
    let held = this.heldBytes();
    if (held <= this.maxBytes) return 0;
    const oldest = this.db.prepare(
      "SELECT seq, uid, state, bytes FROM measurements WHERE state != 'uploaded' ORDER BY seq LIMIT 100",
    );
    let dropped = 0;
    const drop = this.db.transaction((row: { seq: number; uid: string; state: string; bytes: number }) => {
      this.db.prepare('DELETE FROM measurements WHERE seq = ?').run(row.seq);
      this.db
        .prepare('INSERT INTO drops (at, uid, state, bytes, reason) VALUES (?, ?, ?, ?, ?)')
        .run(now, row.uid, row.state, row.bytes, `outbox over its budget of ${this.maxBytes} bytes`);
    });
    while (held > this.maxBytes) {
      const rows = oldest.all() as { seq: number; uid: string; state: string; bytes: number }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (held <= this.maxBytes) break;
        drop(row);
        held -= row.bytes;
        dropped++;
        this.log?.warn(
          { uid: row.uid, bytes: row.bytes, state: row.state, budget: this.maxBytes },
          'outbox over budget: dropped the oldest measurement',
        );
      }
    }
    return dropped;
  }

  /** The oldest pending measurements, in order. */
  nextBatch(limit: number): OutboxItem[] {
    return this.db
      .prepare(
        "SELECT seq, uid, body, attempts FROM measurements WHERE state = 'pending' ORDER BY seq LIMIT ?",
      )
      .all(limit) as OutboxItem[];
  }

  markAttempted(uids: string[]): void {
    const st = this.db.prepare('UPDATE measurements SET attempts = attempts + 1 WHERE uid = ?');
    this.db.transaction(() => {
      for (const uid of uids) st.run(uid);
    })();
  }

  /** The collector acknowledged these (accepted or duplicate): keep the row for status, drop the body. */
  markUploaded(acks: { uid: string; status: string }[], collector: string, now = Date.now()): void {
    const st = this.db.prepare(
      `UPDATE measurements SET state = 'uploaded', body = NULL, acked_at = ?, acked_by = ?, ack_status = ?,
       last_error = NULL WHERE uid = ? AND state = 'pending'`,
    );
    this.db.transaction(() => {
      for (const a of acks) st.run(now, collector, a.status, a.uid);
    })();
  }

  /** Rejected as invalid by a collector: kept with the reason, never retried automatically. */
  quarantine(items: { uid: string; reason: string }[]): void {
    const st = this.db.prepare(
      "UPDATE measurements SET state = 'failed', last_error = ? WHERE uid = ? AND state = 'pending'",
    );
    this.db.transaction(() => {
      for (const i of items) st.run(i.reason, i.uid);
    })();
  }

  /** Puts quarantined measurements back in the queue (e.g. after a collector fix): `raabta probe upload --retry-failed`. */
  retryFailed(): number {
    return this.db.prepare("UPDATE measurements SET state = 'pending' WHERE state = 'failed'").run().changes;
  }

  /** Removes the rows of acknowledged measurements older than the retention period. */
  prune(retentionDays: number, now = Date.now()): number {
    return this.db
      .prepare("DELETE FROM measurements WHERE state = 'uploaded' AND acked_at < ?")
      .run(now - retentionDays * 86_400_000).changes;
  }

  counts(): OutboxCounts {
    const c = { pending: 0, uploaded: 0, failed: 0 } as Record<string, number>;
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM measurements GROUP BY state').all() as {
      state: string;
      n: number;
    }[])
      c[r.state] = r.n;
    const p = this.db
      .prepare(
        "SELECT COALESCE(SUM(bytes), 0) AS b, MIN(created_at) AS oldest FROM measurements WHERE state = 'pending'",
      )
      .get() as { b: number; oldest: number | null };
    const d = this.db.prepare('SELECT COUNT(*) AS n FROM drops').get() as { n: number };
    return {
      pending: c.pending,
      uploaded: c.uploaded,
      failed: c.failed,
      dropped: d.n,
      pendingBytes: p.b,
      oldestPending: p.oldest,
    };
  }

  failedItems(limit = 20): { uid: string; last_error: string | null }[] {
    return this.db
      .prepare("SELECT uid, last_error FROM measurements WHERE state = 'failed' ORDER BY seq LIMIT ?")
      .all(limit) as { uid: string; last_error: string | null }[];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
