/** Measurement reads: filtered pages (newest first), one measurement with raw bytes, coverage. */
import type Database from 'better-sqlite3';
import { BatchCache } from '../raw-cache.ts';
import {
  FROM_CURRENT,
  listFilter,
  pageOf,
  probeVerdictOf,
  SUMMARY_COLUMNS,
  type SummarySqlRow,
  summaryOf,
  verdictFromRow,
} from '../summary-rows.ts';
import type { CoverageRow, MeasurementDetail, MeasurementQuery, MeasurementSummaryRow } from '../types.ts';

export function createReads(db: Database.Database) {
  const cache = new BatchCache();
  const byUid = db.prepare(
    `SELECT ${SUMMARY_COLUMNS}, m.batch_id, m.raw_offset, m.raw_length ${FROM_CURRENT} WHERE m.uid = ?`,
  );
  const batchGzip = db.prepare('SELECT gzip FROM raw_batches WHERE id = ?').pluck();
  const verdicts = db.prepare(
    `SELECT source, analysis_version, status, method, confidence, reason, evidence FROM verdicts
     WHERE measurement_id = ? ORDER BY source DESC`,
  );
  const coverage = db.prepare(
    `SELECT probe_asn, probe_cc, max(network_name) AS network_name, count(*) AS probes,
       sum(measurements) AS measurements, max(last_seen_ms) AS last_seen_ms
     FROM coverage GROUP BY probe_asn, probe_cc ORDER BY probe_cc, probe_asn`,
  );
  const statements = new Map<string, Database.Statement>();

  function rawOf(batchId: number, offset: number, length: number): Buffer {
    return cache.slice(batchId, () => batchGzip.get(batchId) as Buffer, offset, length);
  }

  return {
    rawOf,
    list(q: MeasurementQuery): { rows: MeasurementSummaryRow[]; next_cursor: string | null } {
      const { where, args } = listFilter(q, () => '?');
      const sql = `SELECT ${SUMMARY_COLUMNS} ${FROM_CURRENT} WHERE ${where} ORDER BY m.id DESC LIMIT ?`;
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (statements.size < 256) statements.set(sql, stmt);
      }
      return pageOf(stmt.all(...args, q.limit + 1) as SummarySqlRow[], q.limit);
    },
    get(uid: string): MeasurementDetail | null {
      const r = byUid.get(uid) as
        | (SummarySqlRow & { batch_id: number; raw_offset: number; raw_length: number })
        | undefined;
      if (!r) return null;
      const vs = (verdicts.all(r.id) as Parameters<typeof verdictFromRow>[0][]).map(
        (v) => verdictFromRow(v)!,
      );
      const raw = rawOf(r.batch_id, r.raw_offset, r.raw_length);
      // the probe's verdict is part of the raw measurement; a row holds it only while it is the current one
      if (!vs.some((v) => v.source === 'probe')) {
        const pv = probeVerdictOf(raw);
        if (pv) vs.push(pv);
      }
      return { summary: summaryOf(r), raw, verdicts: vs };
    },
    summaries(uids: string[]): MeasurementSummaryRow[] {
      const out: MeasurementSummaryRow[] = [];
      for (const uid of uids) {
        const r = byUid.get(uid) as SummarySqlRow | undefined;
        if (r) out.push(summaryOf(r));
      }
      return out;
    },
    coverage(): CoverageRow[] {
      return coverage.all() as CoverageRow[];
    },
  };
}
