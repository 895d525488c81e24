/**
 * What one ingest transaction's accepted measurements add, for every storage implementation: the rollup delta
 * (rollup-keys.ts) and the coverage rows (per network and probe: count and last start), each row once for the
 * whole transaction. Coverage rows come in key order (PostgreSQL locks shared rows in that order).
 */
import { currentVerdict, dimsOf, RollupDelta, statusKey } from './rollup-keys.ts';
import type { PreparedMeasurement } from './types.ts';

export interface CoverageRow {
  asn: string;
  cc: string;
  probe: string;
  name: string | null;
  n: number;
  last: number;
}

export function ingestDelta(batches: { probe_id: string; accepted: PreparedMeasurement[] }[]): {
  delta: RollupDelta;
  coverage: CoverageRow[];
} {
  const delta = new RollupDelta();
  const cov = new Map<string, CoverageRow>();
  for (const b of batches) {
    for (const m of b.accepted) {
      delta.add(m.start_ms, dimsOf(m), statusKey(currentVerdict(m)), 1, b.probe_id);
      const k = `${m.probe_asn}\u0000${m.probe_cc}\u0000${b.probe_id}`;
      const x = cov.get(k);
      if (x) {
        x.n++;
        x.last = Math.max(x.last, m.start_ms);
        x.name = m.network_name ?? x.name;
      } else {
        cov.set(k, {
          asn: m.probe_asn,
          cc: m.probe_cc,
          probe: b.probe_id,
          name: m.network_name,
          n: 1,
          last: m.start_ms,
        });
      }
    }
  }
  const coverage = [...cov.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  return { delta, coverage };
}
