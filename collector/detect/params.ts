/** The detector's parameters (README.md explains each); `detectEvents(input, params)` overrides them. */
export interface DetectParams {
  /** a bucket is judged only with at least this many probes estimated to have seen blocking … */
  minBlockingProbes: number;
  /** … and at least this many ok + blocked measurements */
  minMeasurements: number;
  /** entering an event: blocked share at least this (warning level) … */
  warnShare: number;
  /** … and at least this much above the series' own baseline */
  minRise: number;
  /**
   * … or, on a clean series (baseline ≤ `cleanBaseline` over ≥ `cleanHistory` quiet judged buckets), at
   * `exitShare` when at least `strongProbes` probes (estimated) saw blocking: a block lasting part of an hour
   */
  strongProbes: number;
  cleanBaseline: number;
  cleanHistory: number;
  /** critical level: severity "high" */
  critShare: number;
  /** inside an event, `exitBuckets` judged buckets in a row below this share (and below baseline + minRise / 2) end it */
  exitShare: number;
  exitBuckets: number;
  /** the baseline is the median share of the judged, quiet buckets of this long before the bucket */
  baselineMs: number;
  /** an event whose last blocked bucket ended more than this before `now` is closed at that bucket */
  openWithinMs: number;
  /** how far before the confirming bucket a run's start can go back to the first evidence of it (onset.ts) */
  onsetLookbackMs: number;
  /** methods with at least this fraction of an event's blocked measurements are listed */
  methodShare: number;
}

export const DEFAULT_PARAMS: DetectParams = {
  minBlockingProbes: 2,
  minMeasurements: 3,
  warnShare: 0.3,
  minRise: 0.25,
  strongProbes: 3,
  cleanBaseline: 0.05,
  cleanHistory: 24,
  critShare: 0.6,
  exitShare: 0.15,
  exitBuckets: 2,
  baselineMs: 7 * 86400_000,
  openWithinMs: 2 * 86400_000,
  onsetLookbackMs: 12 * 3600_000,
  methodShare: 0.1,
};
