/** What every NetTest receives: one trace, the guarded dialer, a clock, a logger and the run settings. */
import type { Logger } from 'pino';
import type { Control, Measurement, Verdict } from '../schemas/src/measurement.ts';
import type { Dialer } from './net/dialer.ts';
import type { Target } from './target.ts';
import type { Trace } from './trace.ts';

export interface Clock {
  /** wall clock */
  now(): Date;
  /** monotonic milliseconds, for durations */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => new Date(), monotonic: () => performance.now() };

export interface RunSettings {
  /** DNS server (IP or IP:port) queried directly over UDP besides the system resolver; null = system only */
  resolver: string | null;
  stepTimeoutMs: number;
  /** cap on bytes of each HTTP body kept in the measurement */
  bodyCapBytes: number;
}

export interface TestContext {
  trace: Trace;
  dialer: Dialer;
  clock: Clock;
  log: Logger;
  settings: RunSettings;
}

export interface NetTest {
  readonly name: string;
  readonly version: string;
  /** Performs the steps, appending them to ctx.trace. Network failures are data; throws only if it cannot run. */
  measure(ctx: TestContext, target: Target): Promise<void>;
  /** Pure: measurement (with control, if any) → verdict. */
  analyze(m: Measurement): Verdict;
}

/** Asks a control (the collector) to observe the same target from its own vantage point. */
export type ControlClient = (target: Target) => Promise<Control>;
