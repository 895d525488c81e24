/** Measurement reads: filtered pages (newest first), one measurement with raw bytes and verdicts, coverage. */

import type pg from 'pg';
import { decodeCursor, encodeCursor, keyAtOrAfter } from '../sqlite/keys.ts';
import {
  FROM_CURRENT,
  probeVerdictOf,
  SUMMARY_COLUMNS,
  type SummarySqlRow,
  summaryOf,
  verdictFromRow,
} from '../summary-rows.ts';
import type { CoverageRow, MeasurementDetail, MeasurementQuery, MeasurementSummaryRow } from '../types.ts';
import type { RawReader } from './raw.ts';

export function createReads(pool: pg.Pool, raw: RawReader) {
  return {
    async list(q: MeasurementQuery): Promise<{ rows: MeasurementSummaryRow[]; next_cursor: string | null }> {
      let upper = q.until_ms !== undefined ? keyAtOrAfter(q.until_ms) : Number.MAX_SAFE_INTEGER;
      if (q.cursor) upper = Math.min(upper, decodeCursor(q.cursor));
      const args: (string | number)[] = [q.since_ms !== undefined ? keyAtOrAfter(q.since_ms) : 0, upper];
      const where = ['m.id >= $1', 'm.id < $2'];
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
        args.push(val);
        where.push(`${col} = $${args.length}`);
      }
      args.push(q.limit + 1);
      const r = await pool.query(
        `SELECT ${SUMMARY_COLUMNS} ${FROM_CURRENT} WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT $${args.length}`,
        args,
      );
      const rows = r.rows as SummarySqlRow[];
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      return { rows: page.map(summaryOf), next_cursor: more ? encodeCursor(page[page.length - 1].id) : null };
    },

    async get(uid: string): Promise<MeasurementDetail | null> {
      const r = await pool.query(
        `SELECT ${SUMMARY_COLUMNS}, m.batch_id, m.raw_offset, m.raw_length ${FROM_CURRENT} WHERE m.uid = $1`,
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
      const r = await pool.query(`SELECT ${SUMMARY_COLUMNS} ${FROM_CURRENT} WHERE m.uid = ANY($1::text[])`, [
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
