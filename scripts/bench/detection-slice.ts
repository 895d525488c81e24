/**
 * The detection benchmark's check that the simulated counts are what the collector would hold: a slice of
 * the simulated network is built into full measurements (scripts/demo/build), goes through the collector's
 * own ingest (validation, central re-analysis, rollups) into a fresh SQLite file, and the detection job's
 * input built from those rollups (`detectorInput`) is compared cell by cell with the simulator's counts.
 */
import { join } from 'node:path';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { ingestMeasurements } from '../../collector/ingest/local-ingest.ts';
import { type DetectorBucket, type DetectorSeries, detectorInput } from '../../collector/jobs/detect-job.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { buildMeasurement } from '../demo/build/index.ts';
import { networkObservations } from '../demo/network-sim.ts';
import type { NetworkScenario } from '../demo/network-year.ts';

export interface SliceCheck {
  measurements: number;
  ingest_per_s: number;
  /** (service, network or country, hour) cells in either the rollups or the simulator's counts */
  cells: number;
  /** cells whose counts (by status, blocked by method, distinct probes) differ, or that only one side has */
  cells_different: number;
}

const key = (s: DetectorSeries, b: DetectorBucket) => `${s.target_group}|${s.scope.asn ?? ''}|${b.t_ms}`;
const sig = (b: DetectorBucket) =>
  JSON.stringify([
    b.ok,
    b.blocked,
    b.down,
    b.error,
    b.inconclusive,
    b.probes,
    Object.entries(b.methods).sort(),
  ]);

function cellsOf(series: DetectorSeries[], from: number, to: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of series)
    for (const b of s.buckets) if (b.t_ms >= from && b.t_ms < to) out.set(key(s, b), sig(b));
  return out;
}

export async function checkSlice(
  sc: NetworkScenario,
  seed: number,
  simulated: DetectorSeries[],
  from_ms: number,
  to_ms: number,
  dir: string,
): Promise<SliceCheck> {
  const observations = networkObservations(sc, seed, from_ms, to_ms);
  const storage = openSqliteStorage({ path: join(dir, 'slice.db'), backgroundCheckpoints: false });
  try {
    const t = performance.now();
    const r = await ingestMeasurements(
      storage,
      (function* () {
        for (const o of observations) yield buildMeasurement(o, seed);
      })(),
      { analyze: createAnalyzer(), nowMs: () => to_ms },
    );
    const seconds = (performance.now() - t) / 1000;
    if (r.invalid)
      throw new Error(`simulator made ${r.invalid} invalid measurements: ${r.firstInvalidReason}`);
    const stored = cellsOf(await detectorInput(storage, from_ms, to_ms), from_ms, to_ms);
    const counted = cellsOf(simulated, from_ms, to_ms);
    const keys = new Set([...stored.keys(), ...counted.keys()]);
    let different = 0;
    for (const k of keys) if (stored.get(k) !== counted.get(k)) different++;
    return {
      measurements: r.accepted,
      ingest_per_s: r.accepted / seconds,
      cells: keys.size,
      cells_different: different,
    };
  } finally {
    await storage.close();
  }
}
