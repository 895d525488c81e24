/** Synthetic detector input and matching of detected events against a ground truth. */
import type { DetectorBucket, DetectorSeries } from '../../collector/jobs/detect-job.ts';
import type { DetectedEvent } from '../../collector/storage/types.ts';
import type { ScenarioEvent } from '../../scripts/demo/index.ts';

export const HOUR = 3600_000;
export const T0 = Date.UTC(2024, 4, 1);

export function bucket(h: number, o: Partial<DetectorBucket> = {}): DetectorBucket {
  return {
    t_ms: T0 + h * HOUR,
    ok: 0,
    blocked: 0,
    down: 0,
    error: 0,
    inconclusive: 0,
    probes: 0,
    methods: {},
    ...o,
  };
}

/** `hours` buckets of `probes` probes measuring once each; `f(h)` says how many of them saw what. */
export function series(
  asn: string | null,
  hours: number,
  probes: number,
  f: (
    h: number,
  ) => Partial<Pick<DetectorBucket, 'blocked' | 'down' | 'error'>> & { method?: string } = () => ({}),
  group = 'x',
): DetectorSeries {
  const buckets: DetectorBucket[] = [];
  for (let h = 0; h < hours; h++) {
    const { blocked = 0, down = 0, error = 0, method = 'tls' } = f(h);
    buckets.push(
      bucket(h, {
        ok: probes - blocked - down - error,
        blocked,
        down,
        error,
        probes,
        methods: blocked ? { [method]: blocked } : {},
      }),
    );
  }
  return { target_group: group, scope: { cc: 'PK', asn }, simulated: false, buckets };
}

/** The country's series: the sum of the networks' (distinct probes add up: one probe is on one network). */
export function countryOf(list: DetectorSeries[]): DetectorSeries {
  const byT = new Map<number, DetectorBucket>();
  for (const s of list) {
    for (const b of s.buckets) {
      const c = byT.get(b.t_ms) ?? bucket(0, { t_ms: b.t_ms });
      for (const k of ['ok', 'blocked', 'down', 'error', 'inconclusive', 'probes'] as const) c[k] += b[k];
      for (const [m, n] of Object.entries(b.methods)) c.methods[m] = (c.methods[m] ?? 0) + n;
      byT.set(b.t_ms, c);
    }
  }
  const buckets = [...byT.values()].sort((a, b) => a.t_ms - b.t_ms);
  return { ...list[0], scope: { cc: 'PK', asn: null }, buckets };
}

const floor = (ms: number, b: number) => Math.floor(ms / b) * b;

/** Detected start within ±1 bucket of the truth's; end likewise (the truth's end bucket = the bucket holding its end). */
export function matches(e: DetectedEvent, truth: ScenarioEvent, bucket_ms = HOUR): boolean {
  if (e.target_group !== truth.target_group) return false;
  const start = floor(Date.parse(truth.start), bucket_ms);
  if (Math.abs(e.start_ms - start) > bucket_ms) return false;
  if (truth.end === null) return e.end_ms === null;
  if (e.end_ms === null) return false;
  const end = floor(Date.parse(truth.end) - 1, bucket_ms) + bucket_ms;
  return Math.abs(e.end_ms - end) <= bucket_ms;
}

/** Overlap in time and the same service: how the benchmark pairs detections with the truth. */
export function overlaps(
  e: DetectedEvent,
  truth: ScenarioEvent,
  data_end_ms: number,
  bucket_ms = HOUR,
): boolean {
  if (e.target_group !== truth.target_group) return false;
  const ts = Date.parse(truth.start);
  const te = truth.end === null ? data_end_ms : Date.parse(truth.end);
  const es = e.start_ms;
  const ee = e.end_ms ?? data_end_ms;
  return es < te + bucket_ms && ts < ee + bucket_ms;
}
