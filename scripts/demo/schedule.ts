/**
 * From a scenario to observations: which probe measured which target when, and what it was meant to
 * see (ok, blocked with a method, down, error). Measurements are built from these (build/*.ts); the
 * detection benchmark can use them directly (series.ts). Yielded probe by probe, in time order.
 */
import type { BlockingMethod } from '../../schemas/src/measurement.ts';
import { hashString, type Rng, rng } from './rng.ts';
import type { DemoNetwork, Scenario } from './scenario.ts';
import { type DemoTarget, targetsOf } from './targets.ts';

export type Outcome = 'ok' | 'blocked' | 'down' | 'error';

export interface DemoProbe {
  index: number;
  probe_id: string;
  network: DemoNetwork;
  platform: 'linux' | 'android';
  /** the probe's usual transfer speed, bytes/s */
  link_bps: number;
}

export interface Observation {
  t_ms: number;
  /** start of the run this measurement belongs to */
  run_ms: number;
  probe: DemoProbe;
  target: DemoTarget;
  outcome: Outcome;
  method: BlockingMethod | null;
  /** the scenario event that caused a blocked outcome */
  event: string | null;
  /** a single probe's own flaky link (not censorship) */
  glitch: boolean;
}

const HOUR = 3600_000;
const MIN = 60_000;

export function probesOf(s: Scenario, seed: number): DemoProbe[] {
  const out: DemoProbe[] = [];
  const r = rng(seed).fork(`probes:${s.name}`);
  for (const network of s.networks) {
    for (let i = 0; i < network.probes; i++) {
      const mobile = network.kind === 'mobile';
      const index = out.length;
      out.push({
        index,
        probe_id: `p_${(hashString(`${s.name}:${seed}:${network.asn}:${i}`).toString(16) + r.hex(12)).slice(0, 12)}`,
        network,
        platform: mobile || r.chance(0.2) ? 'android' : 'linux',
        link_bps: Math.round(mobile ? r.range(0.6e6, 3e6) : r.range(2e6, 12e6)),
      });
    }
  }
  return out;
}

const within = (t: number, w: { from: string; to: string }) =>
  t >= Date.parse(w.from) && t < Date.parse(w.to);

/** Run start times of one probe: base slots and dense windows, sorted, capped at `until`. */
function runTimes(
  s: Scenario,
  p: DemoProbe,
  nProbes: number,
  r: Rng,
  until: number,
): { t: number; groups: string[] }[] {
  const runs: { t: number; groups: string[] }[] = [];
  const start = Date.parse(s.start);
  const end = Math.min(Date.parse(s.end), until);
  for (let slot = start; slot < end; slot += s.base_every_hours * HOUR) {
    const t = slot + r.int(0, 45) * MIN + r.int(0, 59) * 1000;
    if (r.chance(s.run_probability) && t < end) runs.push({ t, groups: s.groups });
  }
  for (const w of s.dense) {
    const every = w.every_min * MIN;
    const offset = Math.floor(((p.index * 7) % nProbes) * (every / nProbes));
    for (let t = Date.parse(w.from) + offset; t < Math.min(Date.parse(w.to), end); t += every) {
      if (r.chance(0.95)) runs.push({ t: t + r.int(0, 20) * 1000, groups: w.groups });
    }
  }
  return runs.sort((a, b) => a.t - b.t);
}

function outcomeOf(
  s: Scenario,
  p: DemoProbe,
  target: DemoTarget,
  t: number,
  r: Rng,
): Pick<Observation, 'outcome' | 'method' | 'event' | 'glitch'> {
  const none = { method: null, event: null, glitch: false };
  for (const o of s.noise.outages) {
    if (o.target_group === target.group && (!o.input || o.input === target.input) && within(t, o))
      return { outcome: 'down', ...none };
  }
  for (const e of s.events) {
    if (e.target_group !== target.group || !e.networks.includes(p.network.asn)) continue;
    if (t < Date.parse(e.start) || (e.end !== null && t >= Date.parse(e.end))) continue;
    if (e.method === 'throttle' && !target.throughput) continue;
    if (r.chance(e.share)) return { outcome: 'blocked', method: e.method, event: e.id, glitch: false };
  }
  for (const g of s.noise.glitches) {
    if (g.probe === p.index && g.target_group === target.group && within(t, g)) {
      const udp = /\/udp$/.test(target.input) || target.kind === 'wireguard' || target.kind === 'ikev2';
      return { outcome: 'blocked', method: udp ? 'udp' : 'tcp', event: null, glitch: true };
    }
  }
  if (r.chance(s.noise.error_rate)) return { outcome: 'error', ...none };
  return { outcome: 'ok', ...none };
}

/** Every observation of a scenario, probe by probe, each probe's in time order. */
export function* observations(
  s: Scenario,
  seed: number,
  until = Number.POSITIVE_INFINITY,
): Generator<Observation> {
  const probes = probesOf(s, seed);
  for (const p of probes) {
    const r = rng(seed).fork(`runs:${s.name}:${p.index}`);
    for (const run of runTimes(s, p, probes.length, r, until)) {
      if (s.noise.offline.some((o) => o.probe === p.index && within(run.t, o))) continue;
      let t = run.t;
      for (const group of run.groups) {
        const target = r.pick(targetsOf(group));
        if (t >= until) break;
        yield { t_ms: t, run_ms: run.t, probe: p, target, ...outcomeOf(s, p, target, t, r) };
        t += r.int(4, 25) * 1000;
      }
    }
  }
}
