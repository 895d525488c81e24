/** The ingest transaction: batch blob, measurement rows, verdicts, rollups and coverage, all or nothing. */
import type Database from 'better-sqlite3';
import { ingestDelta } from '../ingest-delta.ts';
import { KEY_SEQ_SPAN } from '../measurement-keys.ts';
import { currentVerdict } from '../rollup-keys.ts';
import type {
  IngestItemStatus,
  IngestOutcome,
  PreparedBatch,
  PreparedMeasurement,
  VerdictRecord,
} from '../types.ts';
import { INSERT_MEASUREMENT, measurementRow } from './measurement-row.ts';
import { createRollupWriter } from './rollup-writer.ts';

export function createVerdictWriter(db: Database.Database) {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO verdicts
       (measurement_id, source, current, analysis_version, status, method, confidence, reason, evidence)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (id: number, v: VerdictRecord, current: boolean): void => {
    insert.run(
      id,
      v.source,
      current ? 1 : 0,
      v.analysis_version,
      v.status,
      v.method,
      v.confidence,
      v.reason,
      JSON.stringify(v.evidence),
    );
  };
}

/**
 * Stores batches in ONE transaction (group commit: one WAL commit for everything that arrived together),
 * each batch inside its own savepoint so a failing batch is rolled back alone. The rollups and coverage of
 * every batch that succeeded are then written once for the whole transaction (as the PostgreSQL ingest
 * does): batches that arrive together share most hourly and daily cells, so each cell is upserted once, not
 * once per batch. A failure there fails the whole transaction (every batch of it reports the error).
 */
export function createIngest(db: Database.Database): (batches: PreparedBatch[]) => IngestOutcome[] {
  const insertBatch = db.prepare(
    'INSERT INTO raw_batches (probe_id, received_ms, gzip, signature) VALUES (?, ?, ?, ?)',
  );
  const deleteBatch = db.prepare('DELETE FROM raw_batches WHERE id = ?');
  const maxKey = db.prepare('SELECT max(id) FROM measurements WHERE id >= ? AND id < ?').pluck();
  const insertMeasurement = db.prepare(`${INSERT_MEASUREMENT} ON CONFLICT (uid) DO NOTHING`);
  const upsertCoverage = db.prepare(
    `INSERT INTO coverage (probe_asn, probe_cc, probe_id, network_name, measurements, last_seen_ms)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET measurements = measurements + excluded.measurements,
       network_name = coalesce(excluded.network_name, network_name),
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
  );
  const writeVerdict = createVerdictWriter(db);
  const rollups = createRollupWriter(db);

  /** One batch's rows; returns its statuses and the measurements it added (for rollups and coverage). */
  const one = db.transaction(
    (batch: PreparedBatch): { statuses: IngestItemStatus[]; accepted: PreparedMeasurement[] } => {
      const statuses: IngestItemStatus[] = [];
      const accepted: PreparedMeasurement[] = [];
      const batchId = Number(
        insertBatch.run(batch.probe_id, batch.received_ms, batch.gzip, batch.signature).lastInsertRowid,
      );
      const nextSeq = new Map<number, number>();
      const seen = new Set<string>();
      for (const m of batch.measurements) {
        if (seen.has(m.uid)) {
          statuses.push('duplicate');
          continue;
        }
        seen.add(m.uid);
        const base = Math.floor(m.start_ms / 1000) * KEY_SEQ_SPAN;
        let seq = nextSeq.get(base);
        if (seq === undefined) {
          const max = maxKey.get(base, base + KEY_SEQ_SPAN) as number | null;
          seq = max === null ? 0 : max - base + 1;
        }
        if (seq >= KEY_SEQ_SPAN) throw new Error('more than 2^21 measurements started in one second');
        const id = base + seq;
        const inserted = insertMeasurement.run(...measurementRow(id, batchId, batch.probe_id, m));
        if (inserted.changes === 0) {
          // measurement_uid already stored (an earlier batch): idempotent
          statuses.push('duplicate');
          continue;
        }
        nextSeq.set(base, seq + 1);
        // only the current verdict gets a row: the probe's is in the raw measurement anyway
        const current = currentVerdict(m);
        if (current) writeVerdict(id, current, true);
        accepted.push(m);
        statuses.push('accepted');
      }
      // nothing new: keep no copy of a batch of duplicates
      if (accepted.length === 0) deleteBatch.run(batchId);
      return { statuses, accepted };
    },
  );

  const many = db.transaction((batches: PreparedBatch[]): IngestOutcome[] => {
    const good: { probe_id: string; accepted: PreparedMeasurement[] }[] = [];
    const outcomes = batches.map((b): IngestOutcome => {
      try {
        const r = one(b);
        good.push({ probe_id: b.probe_id, accepted: r.accepted });
        return { statuses: r.statuses };
      } catch (err) {
        return { error: (err as Error).message };
      }
    });
    const { delta, coverage } = ingestDelta(good);
    rollups.write(delta);
    for (const c of coverage) upsertCoverage.run(c.asn, c.cc, c.probe, c.name, c.n, c.last);
    return outcomes;
  });
  return (batches) => {
    try {
      const out = many.immediate(batches);
      rollups.committed();
      return out;
    } catch (err) {
      rollups.abandoned();
      throw err;
    }
  };
}
