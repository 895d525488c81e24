/**
 * The disruption detector (pure): hourly (or any `bucket_ms`) series of verdict counts per service ×
 * network and per service × country in, events out. See README.md for the rule and its parameters.
 */
import type { DetectFn, DetectorSeries } from '../jobs/detect-job.ts';
import type { DetectedEvent } from '../storage/types.ts';
import { clusters, toEvent } from './merge.ts';

export { eventKey } from './merge.ts';

import { DEFAULT_PARAMS, type DetectParams } from './params.ts';
import { findRuns } from './runs.ts';

export { DEFAULT_PARAMS, type DetectParams } from './params.ts';

export const detectEvents: DetectFn = (input) => detectWith(input, DEFAULT_PARAMS);

export function detectWith(
  input: { now: Date; bucket_ms: number; series: DetectorSeries[] },
  params: Partial<DetectParams> = {},
): DetectedEvent[] {
  const p = { ...DEFAULT_PARAMS, ...params };
  const byService = new Map<string, DetectorSeries[]>();
  for (const s of input.series) {
    const k = `${s.target_group}\u0000${s.scope.cc}`;
    byService.set(k, [...(byService.get(k) ?? []), s]);
  }
  const events: DetectedEvent[] = [];
  for (const series of byService.values()) {
    const runs = series.flatMap((s) => findRuns(s, input.bucket_ms, p));
    const networks = series.filter((s) => s.scope.asn !== null);
    for (const group of clusters(runs, input.bucket_ms)) {
      events.push(toEvent(group, networks, { now_ms: input.now.getTime(), bucket_ms: input.bucket_ms, p }));
    }
  }
  return events.sort((a, b) => a.start_ms - b.start_ms || a.target_group.localeCompare(b.target_group));
}
