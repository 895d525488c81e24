/** Measurement reads: filtered pages (newest first), one measurement with raw bytes and verdicts, coverage. */

import type pg from 'pg';
import { decodeCursor, KEY_SEQ_SPAN } from '../measurement-keys.ts';
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
import type { RawReader } from './raw.ts';

/** By uid: through the idempotency table to the key, so only the key's month partition is read. */
const FROM_UID =
  'FROM measurement_uids u JOIN measurements m ON m.id = u.id LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1';

/**
 * A listing page (newest first, limit + 1 rows). $1 and $2 are the key range: bounding the verdicts by it
 * too lets the planner skip (and not lock) the other months' verdict partitions, as it does for the
 * measurements — a query reading every month holds about 7 relation locks per month.
 */
export function listQuery(q: MeasurementQuery): { text: string; args: (string | number)[] } {
  const { where, args } = listFilter(q, (n) => `$${n}`);
  args.push(q.limit + 1);
  return {
    text: `SELECT ${SUMMARY_COLUMNS} ${FROM_CURRENT} AND v.measurement_id >= $1 AND v.measurement_id < $2
      WHERE ${where} ORDER BY m.id DESC LIMIT $${args.length}`,
    args,
  };
}

const RECENT_MS = 31 * 86_400_000;
/** measurements may start up to this far ahead of the collector's clock (validation) */
const AHEAD_MS = 86_400_000;

/**
 * A listing without `since` would plan (and lock) every month. Most pages fill from the newest weeks, so it
 * is read in two steps: the 31 days below its upper end first (the planner prunes the other months), the
 * older rest only when the page is not full yet. Rows and cursor are those of one query over the whole range.
 */
export function listSteps(q: MeasurementQuery, nowMs: number): MeasurementQuery[] {
  if (q.since_ms !== undefined) return [q];
  const cursorMs = q.cursor ? Math.floor(decodeCursor(q.cursor) / KEY_SEQ_SPAN) * 1000 + 1000 : Infinity;
  const upper = Math.min(q.until_ms ?? nowMs + AHEAD_MS, cursorMs);
  const split = upper - RECENT_MS;
  return [
    { ...q, since_ms: split },
    { ...q, until_ms: split },
  ];
}

export function createReads(pool: pg.Pool, raw: RawReader) {
  return {
    async list(q: MeasurementQuery): Promise<{ rows: MeasurementSummaryRow[]; next_cursor: string | null }> {
      const rows: SummarySqlRow[] = [];
      for (const step of listSteps(q, Date.now())) {
        const { text, args } = listQuery({ ...step, limit: q.limit - rows.length });
        rows.push(...((await pool.query(text, args)).rows as SummarySqlRow[]));
        if (rows.length > q.limit) break;
      }
      return pageOf(rows, q.limit);
    },

    async get(uid: string): Promise<MeasurementDetail | null> {
      const r = await pool.query(
        `SELECT ${SUMMARY_COLUMNS}, m.batch_id, m.raw_offset, m.raw_length ${FROM_UID} WHERE u.uid = $1`,
        [uid],
      );
      const row = r.rows[0] as
        | (SummarySqlRow & { batch_id: number; raw_offset: number; raw_length: number })
        | undefined;
      if (!row) return null;
      const vr = await pool.query(
        `SELECT source, analysis_version, status, method, confidence, reason, evidence FROM verdicts
         WHERE measurement_id = $1 ORDER BY source DESC`,
        [row.id],
      );
      const vs = (vr.rows as Parameters<typeof verdictFromRow>[0][]).map((v) => verdictFromRow(v)!);
      const bytes = await raw.slice(row.batch_id, row.raw_offset, row.raw_length);
      // the probe's verdict is part of the raw measurement; a row holds it only while it is the current one
      if (!vs.some((v) => v.source === 'probe')) {
        const pv = probeVerdictOf(bytes);
        if (pv) vs.push(pv);
      }
      return { summary: summaryOf(row), raw: bytes, verdicts: vs };
    },

    async summaries(uids: string[]): Promise<MeasurementSummaryRow[]> {
      if (!uids.length) return [];
      const r = await pool.query(`SELECT ${SUMMARY_COLUMNS} ${FROM_UID} WHERE u.uid = ANY($1::text[])`, [
        uids,
      ]);
      const by = new Map((r.rows as SummarySqlRow[]).map((x) => [x.uid, x]));
      return uids.flatMap((u) => {
        const x = by.get(u);
        return x ? [summaryOf(x)] : [];
      });
    },

    async coverage(): Promise<CoverageRow[]> {
      const r = await pool.query(
        `SELECT probe_asn, probe_cc, max(network_name) AS network_name, count(*)::int AS probes,
           sum(measurements)::bigint AS measurements, max(last_seen_ms) AS last_seen_ms
         FROM coverage GROUP BY probe_asn, probe_cc ORDER BY probe_cc, probe_asn`,
      );
      return r.rows as CoverageRow[];
    },
  };
}
