/** Re-scoring support: read raw rows in key order; replace collector verdicts and move their rollup counts. */
import type Database from 'better-sqlite3';
import { keyAtOrAfter } from '../measurement-keys.ts';
import { dimsOf, RollupDelta, statusKey } from '../rollup-keys.ts';
import { verdictFromRow } from '../summary-rows.ts';
import type { RawRow, VerdictRecord } from '../types.ts';
import { createVerdictWriter } from './ingest.ts';
import { createRollupWriter } from './rollup-writer.ts';

type VerdictSql = Parameters<typeof verdictFromRow>[0];

export function createRescore(
  db: Database.Database,
  rawOf: (batch: number, off: number, len: number) => Buffer,
) {
  const scan = db.prepare(
    `SELECT m.id, m.uid, m.start_ms, m.batch_id, m.raw_offset, m.raw_length, v.source, v.analysis_version, v.status, v.method,
       v.confidence, v.reason, v.evidence
     FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1
     WHERE m.id > ? AND m.id >= ? AND m.id < ? ORDER BY m.id LIMIT ?`,
  );
  const row = db.prepare(
    `SELECT m.start_ms, m.target_group, m.probe_asn, m.probe_cc, m.input, m.simulated, v.source, v.analysis_version,
       v.status, v.method, v.confidence, v.reason, v.evidence
     FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1 WHERE m.id = ?`,
  );
  const dropProbeRow = db.prepare("DELETE FROM verdicts WHERE measurement_id = ? AND source = 'probe'");
  const writeVerdict = createVerdictWriter(db);
  const rollups = createRollupWriter(db);

  const replace = db.transaction((items: { key: number; verdict: VerdictRecord }[]): number => {
    const delta = new RollupDelta();
    let changed = 0;
    for (const { key, verdict } of items) {
      const r = row.get(key) as
        | (VerdictSql & {
            start_ms: number;
            target_group: string;
            probe_asn: string;
            probe_cc: string;
            input: string | null;
            simulated: number;
          })
        | undefined;
      if (!r) continue;
      const old = verdictFromRow(r);
      dropProbeRow.run(key);
      writeVerdict(key, { ...verdict, source: 'collector' }, true);
      const before = statusKey(old);
      const after = statusKey(verdict);
      if (before.status !== after.status || before.method !== after.method) {
        const d = dimsOf({ ...r, simulated: r.simulated === 1 });
        delta.add(r.start_ms, d, before, -1);
        delta.add(r.start_ms, d, after, 1);
        changed++;
      }
    }
    rollups.write(delta);
    return changed;
  });

  return {
    scan(o: { after_key: number | null; since_ms: number; until_ms?: number; limit: number }): RawRow[] {
      const upper = o.until_ms !== undefined ? keyAtOrAfter(o.until_ms) : Number.MAX_SAFE_INTEGER;
      const rows = scan.all(o.after_key ?? -1, keyAtOrAfter(o.since_ms), upper, o.limit) as (VerdictSql & {
        id: number;
        uid: string;
        start_ms: number;
        batch_id: number;
        raw_offset: number;
        raw_length: number;
      })[];
      return rows.map((r) => ({
        key: r.id,
        uid: r.uid,
        start_ms: r.start_ms,
        raw: rawOf(r.batch_id, r.raw_offset, r.raw_length),
        current: verdictFromRow(r),
      }));
    },
    replace: (items: { key: number; verdict: VerdictRecord }[]) => replace.immediate(items),
  };
}
