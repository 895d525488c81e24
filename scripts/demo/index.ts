/**
 * The simulated demo dataset and the scenario simulator.
 *
 * - `generateDemo({ now, seed })`: the 2024 Pakistani probe network of `DEMO_SCENARIO` (40 probes on 8
 *   networks; the X block from 17 Feb, WhatsApp media throttled on mobile networks from 20 Jul for three
 *   weeks, the 10 Nov VPN disruption; errors, server outages, single-probe glitches, offline probes),
 *   every measurement annotated `simulated: "true"`, none later than `now`.
 * - `DEMO_EVENTS`: its ground truth. `demoSpan(now)`: the time range it covers.
 * - `simulate(scenario, seed)`: any scenario (e.g. `randomScenario(seed)`) → its ground truth, its
 *   observations (what each measurement was made to show) and its measurements.
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import { buildMeasurement } from './build/index.ts';
import { DEMO_SCENARIO, type Scenario, type ScenarioEvent } from './scenario.ts';
import { type Observation, observations } from './schedule.ts';

export type { DemoNetwork, DenseWindow, Scenario, ScenarioEvent } from './scenario.ts';
export { DEMO_EVENTS, DEMO_SCENARIO, NETWORKS, randomScenario } from './scenario.ts';
export type { DemoProbe, Observation, Outcome } from './schedule.ts';
export { observationSeries } from './series.ts';

export const DEMO_SEED = 20240217;

export interface Simulation {
  scenario: Scenario;
  seed: number;
  /** the ground truth */
  events: readonly ScenarioEvent[];
  /** what each measurement is made to show, probe by probe in time order (cheap: no JSON built) */
  observations(until?: number): Iterable<Observation>;
  /** the measurements themselves, in the same order */
  measurements(until?: number): Iterable<Measurement>;
}

export function simulate(scenario: Scenario, seed: number): Simulation {
  return {
    scenario,
    seed,
    events: scenario.events,
    observations: (until) => observations(scenario, seed, until),
    *measurements(until) {
      for (const o of observations(scenario, seed, until)) yield buildMeasurement(o, seed);
    },
  };
}

/** [start, end) of the demo data as loaded at `now` (nothing after now). */
export function demoSpan(now: Date = new Date()): { start_ms: number; end_ms: number } {
  const start_ms = Date.parse(DEMO_SCENARIO.start);
  return { start_ms, end_ms: Math.max(start_ms, Math.min(Date.parse(DEMO_SCENARIO.end), now.getTime())) };
}

export function generateDemo(opts: { now?: Date; seed?: number } = {}): Iterable<Measurement> {
  const until = (opts.now ?? new Date()).getTime();
  return simulate(DEMO_SCENARIO, opts.seed ?? DEMO_SEED).measurements(until);
}
