/**
 * The control: the same steps, run from another vantage point (the collector). The collector's
 * `/api/v1/control` route calls `observeControl`; the probe's `ControlClient` posts to that route.
 */
import type { Logger } from 'pino';
import type { Control } from '../schemas/src/measurement.ts';
import type { Clock, RunSettings } from './context.ts';
import type { Dialer } from './net/dialer.ts';
import type { Target } from './target.ts';
import { testFor } from './tests/index.ts';
import { Trace } from './trace.ts';

export interface ControlEnv {
  dialer: Dialer;
  clock: Clock;
  log: Logger;
  settings: RunSettings;
  /** how this control names itself in `control.source` */
  source: string;
}

export async function observeControl(target: Target, env: ControlEnv): Promise<Control> {
  const trace = new Trace(env.clock.monotonic);
  await testFor(target.kind).measure(
    { trace, dialer: env.dialer, clock: env.clock, log: env.log, settings: env.settings },
    target,
  );
  return trace.asControl(env.source);
}
