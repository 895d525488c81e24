/**
 * One bucket of one series, judged on its own evidence: how much of what could be measured was blocked,
 * and how many distinct probes that blocking must have come from. `down` (the server failing for the
 * control too), `error` (the probe's own problem) and `inconclusive` are not evidence either way.
 */
import type { DetectorBucket } from '../jobs/detect-job.ts';
import type { DetectParams } from './params.ts';

export interface Judged {
  t_ms: number;
  /** blocked / (ok + blocked), null when there is too little to judge */
  share: number | null;
  /** lower estimate of the distinct probes that saw blocking */
  blockingProbes: number;
  bucket: DetectorBucket;
}

/**
 * The rollups count distinct probes per bucket, not per status. A bucket where P probes made N
 * measurements holds about N / P per probe, so B blocked measurements come from at least B / (N / P)
 * probes if every probe measured equally — one probe's glitch (its own B of N) estimates as one.
 */
export function estimateBlockingProbes(b: DetectorBucket): number {
  const total = b.ok + b.blocked + b.down + b.error + b.inconclusive;
  if (b.blocked === 0 || total === 0 || b.probes === 0) return 0;
  const perProbe = total / b.probes;
  return Math.min(b.probes, Math.floor(b.blocked / perProbe + 1e-9));
}

export function judge(b: DetectorBucket, p: DetectParams): Judged {
  const n = b.ok + b.blocked;
  const blockingProbes = estimateBlockingProbes(b);
  if (n < p.minMeasurements) return { t_ms: b.t_ms, share: null, blockingProbes, bucket: b };
  const share = b.blocked / n;
  // a bucket whose blocked share is high but rests on one probe cannot say "blocked"; it can say "quiet"
  if (share >= p.exitShare && blockingProbes < p.minBlockingProbes)
    return { t_ms: b.t_ms, share: null, blockingProbes, bucket: b };
  return { t_ms: b.t_ms, share, blockingProbes, bucket: b };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
