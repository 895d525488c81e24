/**
 * Where a run starts. The bucket that confirms a block is often not its first: a block that begins at
 * 17:40 shows in a fifth of the 17:00 bucket's measurements (below `warnShare`), and on a small network the
 * first blocked measurements come in buckets too thin to judge alone (two measurements, both blocked). So
 * the start goes back from the confirming bucket, over the buckets of the last `onsetLookbackMs` that were
 * not judged quiet, to the earliest one with evidence of the block:
 * - a judged bucket at or above the level that keeps a run open (max(`exitShare`, baseline + `minRise` / 2);
 *   a judged bucket that high rests on ≥ `minBlockingProbes` probes, see judge.ts);
 * - a bucket too thin to judge whose ok + blocked measurements are at least `warnShare` blocked.
 * A judged bucket below that level stops the walk (the block was not there yet); a thin bucket without
 * that evidence (two measurements, both ok, in a partial block) is passed over without moving the start.
 */
import type { Judged } from './judge.ts';
import type { DetectParams } from './params.ts';

export function onsetOf(
  recent: readonly Judged[],
  confirming: Judged,
  baseline: number,
  p: DetectParams,
): { start_ms: number; elevated: Judged[] } {
  const level = Math.max(p.exitShare, baseline + p.minRise / 2);
  let start = confirming.t_ms;
  let from = recent.length;
  for (let i = recent.length - 1; i >= 0; i--) {
    const j = recent[i];
    if (confirming.t_ms - j.t_ms > p.onsetLookbackMs) break;
    if (j.share !== null) {
      if (j.share < level) break;
      start = j.t_ms;
      from = i;
      continue;
    }
    const n = j.bucket.ok + j.bucket.blocked;
    if (j.bucket.blocked > 0 && j.bucket.blocked / n >= p.warnShare) {
      start = j.t_ms;
      from = i;
    }
  }
  // the judged elevated buckets count for the event's peak, methods and probes like its other buckets
  const elevated = recent.slice(from).filter((j) => j.share !== null && j.share >= level);
  return { start_ms: start, elevated };
}
