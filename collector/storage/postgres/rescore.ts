/**
 * Re-scoring: raw rows in key order, and collector verdicts replaced with their rollup counts moved. The
 * measurement rows are locked (key order) before their current verdicts are read, so two re-scorers on the
 * same rows — two collectors, or a re-score beside the CLI — move each count once.
 */

import type pg from 'pg';
import { keyAtOrAfter } from '../measurement-keys.ts';
import { dimsOf, RollupDelta, statusKey } from '../rollup-keys.ts';
import { verdictFromRow } from '../summary-rows.ts';
import type { RawRow, VerdictRecord } from '../types.ts';
import { transaction } from './pool.ts';
import type { RawReader } from './raw.ts';
import { type KnownProbeRows, writeRollups } from './rollups.ts';

type VerdictSql = Parameters<typeof verdictFromRow>[0];

export function createRescore(pool: pg.Pool, raw: RawReader, known: KnownProbeRows) {
  return {
    async scan(o: {
      after_key: number | null;
      since_ms: number;
      until_ms?: number;
      limit: number;
    }): Promise<RawRow[]> {
      const upper = o.until_ms !== undefined ? keyAtOrAfter(o.until_ms) : Number.MAX_SAFE_INTEGER;
      const r = await pool.query(
        `SELECT m.id, m.uid, m.start_ms, m.batch_id, m.raw_offset, m.raw_length, v.source, v.analysis_version,
           v.status, v.method, v.confidence, v.reason, v.evidence
         FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1
           AND v.measurement_id >= $2 AND v.measurement_id < $3
         WHERE m.id > $1 AND m.id >= $2 AND m.id < $3 ORDER BY m.id LIMIT $4`,
        [o.after_key ?? -1, keyAtOrAfter(o.since_ms), upper, o.limit],
      );
      const rows = r.rows as (VerdictSql & {
        id: number;
        uid: string;
        start_ms: number;
        batch_id: number;
        raw_offset: number;
        raw_length: number;
      })[];
      await raw.load(rows.map((x) => x.batch_id));
      const out: RawRow[] = [];
      for (const x of rows) {
        out.push({
          key: x.id,
          uid: x.uid,
          start_ms: x.start_ms,
          raw: await raw.slice(x.batch_id, x.raw_offset, x.raw_length),
          current: verdictFromRow(x),
        });
      }
      return out;
    },

    async replace(items: { key: number; verdict: VerdictRecord }[]): Promise<number> {
      if (!items.length) return 0;
      return transaction(pool, async (c) => {
        const keys = [...new Set(items.map((i) => i.key))].sort((a, b) => a - b);
        await c.query('SELECT id FROM measurements WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [
          keys,
        ]);
        // read after the lock: a statement that starts now sees what a concurrent re-scorer committed
        const r = await c.query(
          `SELECT m.id, m.start_ms, m.target_group, m.probe_asn, m.probe_cc, m.input, m.simulated, v.source,
             v.analysis_version, v.status, v.method, v.confidence, v.reason, v.evidence
           FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1
           WHERE m.id = ANY($1::bigint[])`,
          [keys],
        );
        const rows = new Map(
          (
            r.rows as (VerdictSql & {
              id: number;
              start_ms: number;
              target_group: string;
              probe_asn: string;
              probe_cc: string;
              input: string | null;
              simulated: number;
            })[]
          ).map((x) => [x.id, x]),
        );
        const current = new Map<number, VerdictRecord | null>();
        const final = new Map<number, VerdictRecord>();
        const delta = new RollupDelta();
        let changed = 0;
        for (const { key, verdict } of items) {
          const row = rows.get(key);
          if (!row) continue;
          const old = current.has(key) ? current.get(key)! : verdictFromRow(row);
          const next = { ...verdict, source: 'collector' as const };
          current.set(key, next);
          final.set(key, next);
          const before = statusKey(old);
          const after = statusKey(next);
          if (before.status !== after.status || before.method !== after.method) {
            const d = dimsOf({ ...row, simulated: row.simulated === 1 });
            delta.add(row.start_ms, d, before, -1);
            delta.add(row.start_ms, d, after, 1);
            changed++;
          }
        }
        if (!final.size) return 0;
        const ids = [...final.keys()].sort((a, b) => a - b);
        await c.query("DELETE FROM verdicts WHERE measurement_id = ANY($1::bigint[]) AND source = 'probe'", [
          ids,
        ]);
        const vs = ids.map((id) => final.get(id)!);
        await c.query(
          `INSERT INTO verdicts AS v (measurement_id, source, current, analysis_version, status, method, confidence,
             reason, evidence)
           SELECT id, 'collector', 1, av, st, me, co, re, ev
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])
             AS x(id, av, st, me, co, re, ev)
           ON CONFLICT (measurement_id, source) DO UPDATE SET current = 1,
             analysis_version = excluded.analysis_version, status = excluded.status, method = excluded.method,
             confidence = excluded.confidence, reason = excluded.reason, evidence = excluded.evidence`,
          [
            ids,
            vs.map((v) => v.analysis_version),
            vs.map((v) => v.status),
            vs.map((v) => v.method),
            vs.map((v) => v.confidence),
            vs.map((v) => v.reason),
            vs.map((v) => JSON.stringify(v.evidence)),
          ],
        );
        await writeRollups(c, delta, known);
        return changed;
      });
    },
  };
}
