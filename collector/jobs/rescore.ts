/**
 * Re-scoring: runs the current analysis over stored raw measurements and replaces the collector's verdicts
 * (raw data untouched; rollups moved from the old current verdict to the new one, in the same transaction).
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Analyzer } from '../ingest/analyze.ts';
import type { Storage, VerdictRecord } from '../storage/types.ts';

export interface RescoreResult {
  scanned: number;
  rescored: number;
  /** measurements whose current status or method changed */
  changed: number;
  unanalysable: number;
}

export async function rescore(
  storage: Storage,
  o: {
    since_ms: number;
    until_ms?: number;
    analyze: Analyzer;
    pageSize?: number;
    onProgress?: (r: RescoreResult) => void;
  },
): Promise<RescoreResult> {
  const r: RescoreResult = { scanned: 0, rescored: 0, changed: 0, unanalysable: 0 };
  let after: number | null = null;
  for (;;) {
    const rows = await storage.scanRaw({
      after_key: after,
      since_ms: o.since_ms,
      until_ms: o.until_ms,
      limit: o.pageSize ?? 1000,
    });
    if (rows.length === 0) break;
    const items: { key: number; verdict: VerdictRecord }[] = [];
    for (const row of rows) {
      r.scanned++;
      const v = o.analyze(JSON.parse(row.raw.toString('utf8')) as Measurement);
      if (v) items.push({ key: row.key, verdict: v });
      else r.unanalysable++;
    }
    r.changed += await storage.replaceCollectorVerdicts(items);
    r.rescored += items.length;
    after = rows[rows.length - 1].key;
    o.onProgress?.(r);
  }
  return r;
}
