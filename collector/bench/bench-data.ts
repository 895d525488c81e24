/** Deterministic, varied measurements for benchmarks: 50 inputs, 8 target groups, 5 networks, mixed verdicts. */
import type { Measurement } from '../../schemas/src/measurement.ts';
import { sampleMeasurement } from '../testing/sample-measurement.ts';

const ASNS = ['AS17557', 'AS38193', 'AS45595', 'AS9541', 'AS59257'];
const START = Date.UTC(2024, 10, 1);

export function benchMeasurements(batch: number, n: number, probeId: string | null): Measurement[] {
  return Array.from({ length: n }, (_, i) => {
    const k = batch * n + i;
    return sampleMeasurement({
      start: new Date(START + k * 1000),
      probe_id: probeId,
      input: `https://site${i % 50}.example/`,
      target_group: `group${i % 8}`,
      probe_asn: ASNS[batch % ASNS.length],
      verdict: i % 3 ? { status: 'ok', method: null } : { status: 'blocked', method: 'tls' },
    });
  });
}
