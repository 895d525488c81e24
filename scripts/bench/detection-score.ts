/**
 * Scoring detected events against a simulation's ground truth, in hourly buckets, and the threshold
 * detector that is the detection benchmark's baseline.
 */
import type { DetectorSeries } from '../../collector/jobs/detect-job.ts';
import type { DetectedEvent } from '../../collector/storage/types.ts';
import type { ScenarioEvent } from '../demo/index.ts';
import { percentile } from './machine.ts';

const HOUR = 3600_000;

/** Only what scoring needs from a detected event. */
export type Found = Pick<DetectedEvent, 'target_group' | 'asns' | 'start_ms' | 'end_ms'>;

/** The baseline: threshold per (service, network) hourly bucket, runs merged across gaps of ≤ maxGapH hours. */
export function thresholdDetector(series: DetectorSeries[], maxGapH: number): Found[] {
  const out: Found[] = [];
  for (const s of series) {
    if (s.scope.asn === null) continue;
    let open: Found | null = null;
    let last = 0;
    for (const b of s.buckets) {
      const n = b.ok + b.blocked;
      if (n < 2) continue;
      if (b.blocked / n >= 0.5) {
        if (open && b.t_ms - last <= maxGapH * HOUR) open.end_ms = b.t_ms + HOUR;
        else {
          if (open) out.push(open);
          open = {
            target_group: s.target_group,
            asns: [s.scope.asn],
            start_ms: b.t_ms,
            end_ms: b.t_ms + HOUR,
          };
        }
        last = b.t_ms;
      } else if (open) {
        out.push(open);
        open = null;
      }
    }
    if (open) out.push(open);
  }
  return out;
}

const floorH = (ms: number) => Math.floor(ms / HOUR) * HOUR;

/** The truth's buckets: from the bucket holding its start to the end of the bucket holding its end. */
function span(e: ScenarioEvent, dataEnd: number): { from: number; to: number } {
  return { from: floorH(Date.parse(e.start)), to: e.end ? floorH(Date.parse(e.end) - 1) + HOUR : dataEnd };
}

/** Same service, a network in common, and buckets that overlap or touch. */
export function overlaps(d: Found, e: ScenarioEvent, dataEnd: number): boolean {
  const s = span(e, dataEnd);
  const net = d.asns.length === 0 || d.asns.some((a) => e.networks.includes(a));
  return d.target_group === e.target_group && net && d.start_ms <= s.to && (d.end_ms ?? dataEnd) >= s.from;
}

export interface Scored {
  recall: number;
  precision: number;
  f1: number;
  false_events: number;
  false_events_per_year: number;
  /** true events found by more than one detected event */
  split_events: number;
  onset_error_buckets_p50?: number;
  onset_error_buckets_max?: number;
  /** found events whose start is before the truth's bucket */
  onset_early: number;
  end_error_buckets_p50?: number;
  end_error_buckets_max?: number;
  /** ended truths reported open, or ongoing truths reported ended */
  status_wrong: number;
  [k: string]: number | undefined;
}

/** Recall by kind: under an hour, an hour to a day, a day or more; partial (share < 0.9) and total. */
const KINDS: Record<string, (e: ScenarioEvent, dataEnd: number) => boolean> = {
  under_1h: (e, end) => (e.end ? Date.parse(e.end) : end) - Date.parse(e.start) < HOUR,
  '1h_to_1d': (e, end) => {
    const d = (e.end ? Date.parse(e.end) : end) - Date.parse(e.start);
    return d >= HOUR && d < 24 * HOUR;
  },
  over_1d: (e, end) => (e.end ? Date.parse(e.end) : end) - Date.parse(e.start) >= 24 * HOUR,
  partial: (e) => e.share < 0.9,
  total: (e) => e.share >= 0.9,
};

export function score(
  found: Found[],
  truth: readonly ScenarioEvent[],
  dataEnd: number,
  days: number,
): Scored {
  const onset: number[] = [];
  const ends: number[] = [];
  let hits = 0;
  let split = 0;
  let early = 0;
  let statusWrong = 0;
  const kinds: Record<string, number> = {};
  for (const e of truth) {
    const m = found.filter((d) => overlaps(d, e, dataEnd));
    for (const [k, is] of Object.entries(KINDS))
      if (is(e, dataEnd)) kinds[`n_${k}`] = (kinds[`n_${k}`] ?? 0) + 1;
    if (m.length === 0) continue;
    hits++;
    for (const [k, is] of Object.entries(KINDS))
      if (is(e, dataEnd)) kinds[`found_${k}`] = (kinds[`found_${k}`] ?? 0) + 1;
    if (m.length > 1) split++;
    const s = span(e, dataEnd);
    const first = m.reduce((a, b) => (Math.abs(b.start_ms - s.from) < Math.abs(a.start_ms - s.from) ? b : a));
    onset.push(Math.abs(first.start_ms - s.from) / HOUR);
    if (first.start_ms < s.from) early++;
    const last = m.reduce((a, b) => ((b.end_ms ?? dataEnd) > (a.end_ms ?? dataEnd) ? b : a));
    if ((e.end === null) !== (last.end_ms === null)) statusWrong++;
    else if (e.end !== null && last.end_ms !== null) ends.push(Math.abs(last.end_ms - s.to) / HOUR);
  }
  const correct = found.filter((d) => truth.some((e) => overlaps(d, e, dataEnd))).length;
  const recall = truth.length ? hits / truth.length : 1;
  const precision = found.length ? correct / found.length : 1;
  const out: Scored = {
    recall,
    precision,
    f1: recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : 0,
    false_events: found.length - correct,
    false_events_per_year: ((found.length - correct) * 365) / days,
    split_events: split,
    onset_early: early,
    status_wrong: statusWrong,
  };
  if (onset.length) {
    out.onset_error_buckets_p50 = percentile(onset, 50);
    out.onset_error_buckets_max = Math.max(...onset);
  }
  if (ends.length) {
    out.end_error_buckets_p50 = percentile(ends, 50);
    out.end_error_buckets_max = Math.max(...ends);
  }
  for (const k of Object.keys(KINDS)) {
    const n = kinds[`n_${k}`] ?? 0;
    out[`events_${k}`] = n;
    if (n) out[`recall_${k}`] = (kinds[`found_${k}`] ?? 0) / n;
  }
  return out;
}
