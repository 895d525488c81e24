/**
 * Detector input straight from observations, shaped like the collector's rollups (detectorInput in
 * collector/jobs/detect-job.ts): one series per (group, network) and per (group, country), buckets with
 * counts by status, blocked counts by method and distinct probes. For benchmarks that skip the database;
 * the demo tests check the collector's analysis gives each measurement its observation's verdict.
 */
import type { DetectorBucket, DetectorSeries } from '../../collector/jobs/detect-job.ts';
import type { Observation } from './schedule.ts';

export function observationSeries(
  items: Iterable<Observation>,
  bucket_ms = 3600_000,
  cc = 'PK',
): DetectorSeries[] {
  const series = new Map<
    string,
    { s: DetectorSeries; buckets: Map<number, DetectorBucket & { ids: Set<string> }> }
  >();
  const add = (key: string, group: string, asn: string | null, o: Observation) => {
    let e = series.get(key);
    if (!e) {
      e = {
        s: { target_group: group, scope: { cc, asn }, simulated: true, buckets: [] },
        buckets: new Map(),
      };
      series.set(key, e);
    }
    const t = Math.floor(o.t_ms / bucket_ms) * bucket_ms;
    let b = e.buckets.get(t);
    if (!b) {
      b = {
        t_ms: t,
        ok: 0,
        blocked: 0,
        down: 0,
        error: 0,
        inconclusive: 0,
        probes: 0,
        methods: {},
        ids: new Set(),
      };
      e.buckets.set(t, b);
    }
    b[o.outcome]++;
    if (o.outcome === 'blocked' && o.method) b.methods[o.method] = (b.methods[o.method] ?? 0) + 1;
    b.ids.add(o.probe.probe_id);
    b.probes = b.ids.size;
  };
  for (const o of items) {
    add(`${o.target.group}|${o.probe.network.asn}`, o.target.group, o.probe.network.asn, o);
    add(`${o.target.group}|`, o.target.group, null, o);
  }
  return [...series.values()].map(({ s, buckets }) => ({
    ...s,
    buckets: [...buckets.values()].sort((a, b) => a.t_ms - b.t_ms).map(({ ids: _ids, ...b }) => b),
  }));
}
