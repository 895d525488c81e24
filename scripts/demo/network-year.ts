/**
 * A probe network at scale for the detection benchmark (issue 9): by default a year of 500 probes on 12
 * networks, every online probe running every service about once an hour, with the noise a real network
 * has — probes joining and leaving, offline for days, a diurnal rhythm (phones at night), probe-side
 * errors, flaky sites (servers down for everyone), single probes' flaky links — and randomly placed
 * disruptions (a service, some or all networks, a method, a start, 20 minutes to four weeks, partial or
 * total) as ground truth. Seeded: the same seed and size give the same network. `network-sim.ts` runs it.
 */
import { type Rng, rng } from './rng.ts';
import { type DemoNetwork, METHODS, NETWORKS, type ScenarioEvent } from './scenario.ts';
import { GROUPS } from './targets.ts';

export interface NetworkSize {
  probes: number;
  networks: number;
  days: number;
  /** disruptions placed at random */
  events: number;
}

export const NETWORK_FULL: NetworkSize = { probes: 500, networks: 12, days: 365, events: 48 };
export const NETWORK_QUICK: NetworkSize = { probes: 60, networks: 6, days: 30, events: 6 };

export interface SimProbe {
  network: number;
  mobile: boolean;
  /** present (installed, not yet removed) within [from_ms, to_ms) */
  from_ms: number;
  to_ms: number;
  /** minute of the hour its hourly run starts at (plus a few minutes of jitter) */
  minute: number;
  /** probability it runs, by UTC hour of day (the diurnal rhythm) */
  hourly: number[];
  error_rate: number;
}

export interface Window {
  from_ms: number;
  to_ms: number;
}

export interface NetworkScenario {
  name: string;
  cc: string;
  start_ms: number;
  end_ms: number;
  networks: DemoNetwork[];
  groups: string[];
  probes: SimProbe[];
  /** the ground truth */
  events: ScenarioEvent[];
  /** a site (one input, or a whole service) down for everyone: the control fails too → `down` */
  outages: (Window & { target_group: string; input?: string })[];
  /** one probe's flaky link for one service: its measurements come out blocked (tcp/udp), not censorship */
  glitches: (Window & { probe: number; target_group: string })[];
  offline: (Window & { probe: number })[];
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MIN_EVENT = 20 * 60_000;
const MAX_EVENT = 28 * DAY;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** documentation ASNs (RFC 5398) for networks beyond the demo's eight */
const EXTRA = ['AS64496', 'AS64497', 'AS64498', 'AS64499', 'AS64500', 'AS64501', 'AS64502', 'AS64503'];

function networksOf(n: number, probes: number): DemoNetwork[] {
  // a few large networks and a long tail, as real probe networks have: weight 1 / (rank + 1)
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(3, Math.floor((w / sum) * probes)));
  counts[0] += probes - counts.reduce((a, b) => a + b, 0);
  return counts.map((c, i) => {
    const base = NETWORKS[i] ?? {
      asn: EXTRA[i - NETWORKS.length],
      name: `Simulated regional ISP ${i + 1}`,
      kind: i % 3 === 0 ? ('mobile' as const) : ('fixed' as const),
      probes: 0,
    };
    return { ...base, probes: c };
  });
}

function probeOf(r: Rng, network: number, mobile: boolean, start: number, end: number): SimProbe {
  const span = end - start;
  const joins = r.chance(0.2) ? start + r.range(0, 0.8) * span : start;
  const leaves = r.chance(0.2) ? joins + r.range(0.1, 1) * (end - joins) : end;
  // Pakistan is UTC+5: local night 0–7 h is 19–2 h UTC; phones and some home machines sleep then
  const night = mobile ? r.range(0.2, 0.5) : r.chance(0.3) ? r.range(0.1, 0.4) : r.range(0.8, 0.95);
  const day = mobile ? r.range(0.7, 0.95) : r.range(0.85, 0.98);
  const hourly = Array.from({ length: 24 }, (_, h) => ((h + 5) % 24 < 7 ? night : day));
  return {
    network,
    mobile,
    from_ms: joins,
    to_ms: leaves,
    minute: r.int(0, 55),
    hourly,
    error_rate: r.range(0.005, 0.05),
  };
}

/** A duration from 20 minutes to four weeks, log-uniform: as many short blips as long blocks. */
const duration = (r: Rng) => Math.round(Math.exp(r.range(Math.log(MIN_EVENT), Math.log(MAX_EVENT))));

function eventsOf(r: Rng, n: number, networks: DemoNetwork[], start: number, end: number): ScenarioEvent[] {
  const out: ScenarioEvent[] = [];
  const taken: { group: string; from: number; to: number }[] = [];
  for (let tries = 0; out.length < n && tries < n * 50; tries++) {
    const group = r.pick(GROUPS);
    // a week of history first (the detector's baseline); minute resolution, not on the hour
    const s = start + 8 * DAY + Math.floor(r.range(0, end - start - 9 * DAY) / 60_000) * 60_000;
    const e = s + duration(r);
    // one disruption of a service at a time, two days apart: overlapping truths would be one event to anyone
    if (taken.some((x) => x.group === group && s < x.to + 2 * DAY && e > x.from - 2 * DAY)) continue;
    taken.push({ group, from: s, to: e });
    const all = r.chance(0.4);
    const asns = networks.map((x) => x.asn).filter(() => all || r.chance(0.3));
    if (asns.length === 0) asns.push(r.pick(networks).asn);
    const total = r.chance(0.5);
    out.push({
      id: `ev${out.length}`,
      title: `${group} ${total ? 'blocked' : 'partly blocked'} on ${asns.length} network(s)`,
      target_group: group,
      networks: asns,
      start: iso(s),
      end: e >= end ? null : iso(e),
      method: r.pick(METHODS[group]),
      share: total ? r.range(0.95, 1) : r.range(0.4, 0.8),
    });
  }
  return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

export function networkScenario(seed: number, size: NetworkSize = NETWORK_FULL): NetworkScenario {
  const r = rng(seed).fork('network-year');
  const start = Date.UTC(2024, 0, 1);
  const end = start + size.days * DAY;
  const networks = networksOf(size.networks, size.probes);
  const probes = networks.flatMap((n, i) =>
    Array.from({ length: n.probes }, () => probeOf(r, i, n.kind === 'mobile' || r.chance(0.2), start, end)),
  );
  const perYear = (k: number) => Math.max(1, Math.round((k * size.days) / 365));
  const window = (minMs: number, maxMs: number) => {
    const from_ms = start + Math.floor(r.range(0, end - start));
    return { from_ms, to_ms: Math.min(end, from_ms + Math.exp(r.range(Math.log(minMs), Math.log(maxMs)))) };
  };
  const inputs: Record<string, string | undefined> = { news: 'https://geo.tv/', x: 'https://t.co/' };
  return {
    name: `network-${seed}`,
    cc: 'PK',
    start_ms: start,
    end_ms: end,
    networks,
    groups: GROUPS,
    probes,
    events: eventsOf(r, size.events, networks, start, end),
    outages: Array.from({ length: perYear(60) }, () => {
      const target_group = r.pick(GROUPS);
      const input = r.chance(0.7) ? inputs[target_group] : undefined;
      return { target_group, ...(input ? { input } : {}), ...window(10 * 60_000, 3 * DAY) };
    }),
    glitches: Array.from({ length: perYear(size.probes) }, () => ({
      probe: r.int(0, probes.length - 1),
      target_group: r.pick(GROUPS),
      ...window(HOUR, 10 * DAY),
    })),
    offline: Array.from({ length: perYear(size.probes) }, () => ({
      probe: r.int(0, probes.length - 1),
      ...window(6 * HOUR, 14 * DAY),
    })),
  };
}
