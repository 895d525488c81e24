/** One observation → one measurement, with the probe's own verdict (the probe's pure analysis, as a probe does). */
import type { TargetKind } from '../../../probe/target.ts';
import { testFor } from '../../../probe/tests/index.ts';
import type { Measurement } from '../../../schemas/src/measurement.ts';
import { rng } from '../rng.ts';
import type { Observation } from '../schedule.ts';
import { buildVpn } from './vpn.ts';
import { buildWebLike } from './web.ts';

export function buildMeasurement(o: Observation, seed: number): Measurement {
  const r = rng(seed).fork(`m:${o.probe.probe_id}:${o.t_ms}:${o.target.input}`);
  const m = o.target.kind === 'web' || o.target.kind === 'tcp' ? buildWebLike(o, r) : buildVpn(o, r);
  m.raabta.verdict = testFor(o.target.kind as TargetKind).analyze(m);
  return m;
}
