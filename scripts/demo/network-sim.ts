/**
 * Runs a `NetworkScenario` (network-year.ts): every probe, hour by hour, runs every service once (one of
 * its targets) when it is present, online and awake, and each measurement comes out ok, blocked (by a
 * disruption with its share, or by the probe's flaky link), down (a site outage) or error (the probe's own
 * side) — the same outcomes as schedule.ts. Two uses: `networkSeries` counts them straight into the
 * detector's input (hourly buckets per service × network and per service × country, as the collector's
 * rollups give: status counts, blocked by method, distinct probes) without building 20 M measurements;
 * `networkObservations` gives the observations of a time slice, from which build/ makes full measurements
 * for the collector's own ingest.
 */
import type { DetectorBucket, DetectorSeries } from '../../collector/jobs/detect-job.ts';
import type { BlockingMethod } from '../../schemas/src/measurement.ts';
import type { NetworkScenario } from './network-year.ts';
import { hashString, rng } from './rng.ts';
import type { DemoProbe, Observation, Outcome } from './schedule.ts';
import { type DemoTarget, targetsOf } from './targets.ts';

const HOUR = 3600_000;
const MIN = 60_000;
const OUTCOMES: Outcome[] = ['ok', 'blocked', 'down', 'error'];

type Visit = (
  t: number,
  probe: number,
  group: number,
  target: DemoTarget,
  outcome: number,
  method: BlockingMethod | null,
  event: string | null,
  runMs: number,
) => void;

const inside = (t: number, w: { from_ms: number; to_ms: number }) => t >= w.from_ms && t < w.to_ms;

/** Every measurement of [from_ms, to_ms), probe by probe in time order; the same outcomes whatever the range. */
export function walkNetwork(
  sc: NetworkScenario,
  seed: number,
  visit: Visit,
  from_ms = 0,
  to_ms = Infinity,
): void {
  const targets = sc.groups.map((g) => targetsOf(g));
  const asnIndex = new Map(sc.networks.map((n, i) => [n.asn, i]));
  const events = sc.groups.map((g) =>
    sc.events
      .filter((e) => e.target_group === g)
      .map((e) => ({
        ...e,
        from_ms: Date.parse(e.start),
        to_ms: e.end === null ? Infinity : Date.parse(e.end),
        nets: new Set(e.networks.map((a) => asnIndex.get(a))),
      })),
  );
  const outages = sc.groups.map((g) => sc.outages.filter((o) => o.target_group === g));
  const from = Math.max(sc.start_ms, Math.floor(from_ms / HOUR) * HOUR - HOUR);
  const until = Math.min(sc.end_ms, to_ms);
  sc.probes.forEach((p, pi) => {
    const glitches = sc.glitches.filter((g) => g.probe === pi);
    const offline = sc.offline.filter((o) => o.probe === pi);
    for (let hour = from; hour < until; hour += HOUR) {
      // one stream per probe and hour: any slice sees the same measurements as the whole year
      const r = rng(hashString(`${seed}:${pi}:${hour}`));
      if (hour < p.from_ms || hour >= p.to_ms || !r.chance(p.hourly[new Date(hour).getUTCHours()])) continue;
      const runMs = hour + (p.minute + r.int(0, 4)) * MIN + r.int(0, 59) * 1000;
      if (offline.some((o) => inside(runMs, o))) continue;
      let t = runMs;
      for (let g = 0; g < sc.groups.length && t < until; g++, t += r.int(4, 25) * 1000) {
        const target = r.pick(targets[g]);
        let outcome = 0;
        let method: BlockingMethod | null = null;
        let event: string | null = null;
        if (outages[g].some((o) => (!o.input || o.input === target.input) && inside(t, o))) outcome = 2;
        else {
          for (const e of events[g]) {
            if (!e.nets.has(p.network) || !inside(t, e)) continue;
            if (e.method === 'throttle' && !target.throughput) continue;
            if (r.chance(e.share)) [outcome, method, event] = [1, e.method, e.id];
          }
          if (outcome === 0 && glitches.some((x) => x.target_group === sc.groups[g] && inside(t, x))) {
            const udp = /\/udp$/.test(target.input) || target.kind === 'wireguard' || target.kind === 'ikev2';
            [outcome, method] = [1, udp ? 'udp' : 'tcp'];
          } else if (outcome === 0 && r.chance(p.error_rate)) outcome = 3;
        }
        if (t >= from_ms) visit(t, pi, g, target, outcome, method, event, runMs);
      }
    }
  });
}

/** The detector's input for the whole scenario, counted directly (what the rollups would hold). */
export function networkSeries(
  sc: NetworkScenario,
  seed: number,
): { series: DetectorSeries[]; measurements: number; blockedByEvent: Map<string, number> } {
  const nb = Math.ceil((sc.end_ms - sc.start_ms) / HOUR);
  const nn = sc.networks.length + 1; // the last one: the country
  const cells = sc.groups.length * nn * nb;
  const counts = OUTCOMES.map(() => new Int32Array(cells));
  const probes = new Int32Array(cells);
  const methods = new Map<string, Int32Array>();
  const lastBucket = new Int32Array(sc.probes.length * sc.groups.length).fill(-1);
  let measurements = 0;
  const blockedByEvent = new Map<string, number>();
  walkNetwork(sc, seed, (t, pi, g, _target, outcome, method, event) => {
    measurements++;
    if (event) blockedByEvent.set(event, (blockedByEvent.get(event) ?? 0) + 1);
    const b = Math.floor((t - sc.start_ms) / HOUR);
    const net = (g * nn + sc.probes[pi].network) * nb + b;
    const country = (g * nn + nn - 1) * nb + b;
    const seen = lastBucket[pi * sc.groups.length + g] === b;
    lastBucket[pi * sc.groups.length + g] = b;
    for (const c of [net, country]) {
      counts[outcome][c]++;
      if (!seen) probes[c]++;
      if (method) {
        const m = methods.get(method) ?? new Int32Array(cells);
        methods.set(method, m);
        m[c]++;
      }
    }
  });
  const series: DetectorSeries[] = [];
  sc.groups.forEach((target_group, g) => {
    for (let n = 0; n < nn; n++) {
      const buckets: DetectorBucket[] = [];
      for (let b = 0; b < nb; b++) {
        const c = (g * nn + n) * nb + b;
        if (probes[c] === 0) continue;
        const m: Record<string, number> = {};
        for (const [k, a] of methods) if (a[c]) m[k] = a[c];
        const [ok, blocked, down, error] = counts.map((a) => a[c]);
        buckets.push({
          t_ms: sc.start_ms + b * HOUR,
          ok,
          blocked,
          down,
          error,
          inconclusive: 0,
          probes: probes[c],
          methods: m,
        });
      }
      const asn = n < sc.networks.length ? sc.networks[n].asn : null;
      if (buckets.length) series.push({ target_group, scope: { cc: sc.cc, asn }, simulated: true, buckets });
    }
  });
  return { series, measurements, blockedByEvent };
}

function demoProbes(sc: NetworkScenario, seed: number): DemoProbe[] {
  return sc.probes.map((p, index) => {
    const h = hashString(`${sc.name}:${seed}:${index}`);
    return {
      index,
      probe_id: `p_${h.toString(16).padStart(8, '0')}${(index % 65536).toString(16).padStart(4, '0')}`,
      network: sc.networks[p.network],
      platform: p.mobile ? 'android' : 'linux',
      link_bps: p.mobile ? 0.6e6 + (h % 2_400_000) : 2e6 + (h % 10_000_000),
    };
  });
}

/** The observations of [from_ms, to_ms): build/ turns them into measurements for the collector's ingest. */
export function networkObservations(
  sc: NetworkScenario,
  seed: number,
  from_ms: number,
  to_ms: number,
): Observation[] {
  const probes = demoProbes(sc, seed);
  const out: Observation[] = [];
  walkNetwork(
    sc,
    seed,
    (t, pi, _g, target, outcome, method, event, runMs) => {
      const glitch = outcome === 1 && event === null;
      out.push({
        t_ms: t,
        run_ms: runMs,
        probe: probes[pi],
        target,
        outcome: OUTCOMES[outcome],
        method,
        event,
        glitch,
      });
    },
    from_ms,
    to_ms,
  );
  return out;
}
