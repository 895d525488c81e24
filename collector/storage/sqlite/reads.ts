/** Measurement reads: filtered pages (newest first), one measurement with raw bytes, coverage. */
import type Database from 'better-sqlite3';
import { BatchCache } from '../raw-cache.ts';
import type {
  CoverageRow,
  MeasurementDetail,
  MeasurementQuery,
  MeasurementSummaryRow,
  Status,
  VerdictRecord,
  VerdictSource,
} from '../types.ts';
import { decodeCursor, encodeCursor, keyAtOrAfter } from './keys.ts';

const SUMMARY_COLUMNS = `m.id, m.uid, m.start_ms, m.probe_asn, m.probe_cc, m.network_name, m.test_name, m.input,
  m.target_group, m.simulated, v.source, v.analysis_version, v.status, v.method, v.confidence, v.reason, v.evidence`;
const FROM = 'FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1';

interface SummarySqlRow {
  id: number;
  uid: string;
  start_ms: number;
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  simulated: number;
  source: VerdictSource | null;
  analysis_version: string | null;
  status: Status | null;
  method: string | null;
  confidence: number | null;
  reason: string | null;
  evidence: string | null;
}

export function verdictFromRow(r: {
  source: VerdictSource | null;
  analysis_version: string | null;
  status: Status | null;
  method: string | null;
  confidence: number | null;
  reason: string | null;
  evidence: string | null;
}): VerdictRecord | null {
  if (!r.source || !r.status) return null;
  return {
    source: r.source,
    analysis_version: r.analysis_version ?? '',
    status: r.status,
    method: r.method,
    confidence: r.confidence ?? 0,
    reason: r.reason ?? '',
    evidence: JSON.parse(r.evidence ?? '[]') as string[],
  };
}

/** `raabta.verdict` of a raw measurement, as a verdict record (null when the probe gave none). */
export function probeVerdictOf(raw: Buffer): VerdictRecord | null {
  const v = (
    JSON.parse(raw.toString('utf8')) as { raabta?: { verdict?: Omit<VerdictRecord, 'source'> | null } }
  ).raabta?.verdict;
  if (!v) return null;
  const { analysis_version, status, method, confidence, reason, evidence } = v;
  return { source: 'probe', analysis_version, status, method, confidence, reason, evidence };
}

function summary(r: SummarySqlRow): MeasurementSummaryRow {
  return {
    uid: r.uid,
    start_ms: r.start_ms,
    probe_asn: r.probe_asn,
    probe_cc: r.probe_cc,
    network_name: r.network_name,
    test_name: r.test_name,
    input: r.input,
    target_group: r.target_group,
    simulated: r.simulated === 1,
    verdict: verdictFromRow(r),
  };
}

export function createReads(db: Database.Database) {
  const cache = new BatchCache();
  const byUid = db.prepare(
    `SELECT ${SUMMARY_COLUMNS}, m.batch_id, m.raw_offset, m.raw_length ${FROM} WHERE m.uid = ?`,
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
      const where = ['m.id >= ?', 'm.id < ?'];
      let upper = q.until_ms !== undefined ? keyAtOrAfter(q.until_ms) : Number.MAX_SAFE_INTEGER;
      if (q.cursor) upper = Math.min(upper, decodeCursor(q.cursor));
      const args: (string | number)[] = [q.since_ms !== undefined ? keyAtOrAfter(q.since_ms) : 0, upper];
      const eq: [string, string | number | undefined][] = [
        ['m.test_name', q.test_name],
        ['m.input', q.input],
        ['m.target_group', q.target_group],
        ['m.probe_asn', q.probe_asn],
        ['m.probe_cc', q.probe_cc],
        ['m.probe_id', q.probe_id],
        ['v.status', q.status],
        ['v.method', q.method],
        ['m.simulated', q.simulated === undefined ? undefined : q.simulated ? 1 : 0],
      ];
      for (const [col, val] of eq) {
        if (val === undefined) continue;
        where.push(`${col} = ?`);
        args.push(val);
      }
      const sql = `SELECT ${SUMMARY_COLUMNS} ${FROM} WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ?`;
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (statements.size < 256) statements.set(sql, stmt);
      }
      const rows = stmt.all(...args, q.limit + 1) as SummarySqlRow[];
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      return {
        rows: page.map(summary),
        next_cursor: more ? encodeCursor(page[page.length - 1].id) : null,
      };
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
      return { summary: summary(r), raw, verdicts: vs };
    },
    summaries(uids: string[]): MeasurementSummaryRow[] {
      const out: MeasurementSummaryRow[] = [];
      for (const uid of uids) {
        const r = byUid.get(uid) as SummarySqlRow | undefined;
        if (r) out.push(summary(r));
      }
      return out;
    },
    coverage(): CoverageRow[] {
      return coverage.all() as CoverageRow[];
    },
  };
}
