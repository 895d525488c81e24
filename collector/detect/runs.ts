/**
 * One series, bucket by bucket in time order: a run (a stretch of blocking) opens at a judged bucket whose
 * share is at least `warnShare` and `minRise` above the baseline, and stays open through buckets that
 * are blocked too or cannot be judged (no data, too few probes: no evidence that it ended); `exitBuckets`
 * judged buckets in a row below the exit level close it (one thin quiet bucket in a partial block does not).
 * The baseline is the median share of the quiet judged buckets of the previous `baselineMs` (0 without any:
 * a series that starts blocked is blocked). A run starts at the first bucket with evidence of it (`onset.ts`),
 * which can be before the bucket that confirmed it.
 */

import type { DetectorSeries } from '../jobs/detect-job.ts';
import { type Judged, judge, median } from './judge.ts';
import { onsetOf } from './onset.ts';
import type { DetectParams } from './params.ts';

export interface Run {
  series: DetectorSeries;
  /** the blocked buckets of the run, in order */
  buckets: Judged[];
  start_ms: number;
  /** end of the last blocked bucket */
  last_end_ms: number;
  /** judged buckets after the run showed it over */
  cleared: boolean;
  baseline: number;
}

export function findRuns(series: DetectorSeries, bucket_ms: number, p: DetectParams): Run[] {
  const runs: Run[] = [];
  const quiet: { t: number; share: number }[] = [];
  let run: Run | null = null;
  /** quiet judged buckets seen inside the open run (it ends after `exitBuckets` of them in a row) */
  let pending: { t: number; share: number }[] = [];
  /** the buckets before the current one, judged or not, of the last `onsetLookbackMs` (outside runs) */
  let recent: Judged[] = [];
  for (const b of series.buckets) {
    const j = judge(b, p);
    if (j.share === null) {
      if (!run) recent.push(j);
      continue;
    }
    while (quiet.length && quiet[0].t < b.t_ms - p.baselineMs) quiet.shift();
    const baseline = median(quiet.map((q) => q.share));
    if (run) {
      if (j.share < Math.max(p.exitShare, run.baseline + p.minRise / 2)) {
        pending.push({ t: b.t_ms, share: j.share });
        if (pending.length >= p.exitBuckets) {
          run.cleared = true;
          runs.push(run);
          run = null;
          quiet.push(...pending);
          pending = [];
          recent = [];
        }
      } else if (j.blockingProbes >= p.minBlockingProbes) {
        run.buckets.push(j);
        run.last_end_ms = b.t_ms + bucket_ms;
        pending = [];
      }
      continue;
    }
    const clean = quiet.length >= p.cleanHistory && baseline <= p.cleanBaseline;
    const enters =
      (j.share >= p.warnShare &&
        j.share >= baseline + p.minRise &&
        j.blockingProbes >= p.minBlockingProbes) ||
      (clean && j.share >= p.exitShare && j.blockingProbes >= p.strongProbes);
    if (enters) {
      const onset = onsetOf(recent, j, baseline, p);
      // buckets now inside the run are not quiet history any more
      while (quiet.length && quiet[quiet.length - 1].t >= onset.start_ms) quiet.pop();
      run = {
        series,
        buckets: [...onset.elevated, j],
        start_ms: onset.start_ms,
        last_end_ms: b.t_ms + bucket_ms,
        cleared: false,
        baseline,
      };
      recent = [];
    } else {
      quiet.push({ t: b.t_ms, share: j.share });
      recent.push(j);
    }
    while (recent.length && recent[0].t_ms < b.t_ms - p.onsetLookbackMs) recent.shift();
  }
  if (run) runs.push(run);
  return runs;
}
