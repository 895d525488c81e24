/**
 * Realistic measurements for the benchmarks: the full traces recorded in the censor lab (web incl. X, news,
 * WhatsApp text and media with throughput transfers, DNS, plain TCP; 3–24 KB each, controls attached) and the
 * documented example, cycled, each copy with its own uid, start time, probe and network. Deterministic.
 */

import { documentedExample, ooniTime } from '../../collector/testing/sample-measurement.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { recorded, recordedNames } from '../../test/fixtures/web/recorded.ts';

export const BENCH_START_MS = Date.UTC(2024, 10, 1);
const ASNS: [string, string][] = [
  ['AS17557', 'PTCL'],
  ['AS38193', 'Transworld'],
  ['AS45595', 'Jazz'],
  ['AS9541', 'Cybernet'],
  ['AS59257', 'Zong'],
];

let templates: Measurement[] | undefined;

/** The templates: every recorded lab measurement plus the documented example. */
export function templatesOf(): Measurement[] {
  templates ??= [...recordedNames().map(recorded), documentedExample()];
  return templates;
}

/**
 * Measurement number `k` (0, 1, 2, …): template k mod T, started `stepMs` × k after BENCH_START_MS,
 * on network k mod 5 (or `asnIndex`), uid unique per k and `tag`.
 */
export function benchMeasurement(
  k: number,
  o: { probeId?: string | null; tag?: string; stepMs?: number; asnIndex?: number } = {},
): Measurement {
  const t = templatesOf();
  const m = structuredClone(t[k % t.length]);
  const start = new Date(BENCH_START_MS + k * (o.stepMs ?? 1000));
  const [asn, name] = ASNS[(o.asnIndex ?? k) % ASNS.length];
  m.measurement_uid = `${start.toISOString().replace(/[-:.]/g, '')}_PK_${m.test_name}_${o.tag ?? 'b'}${k.toString(16).padStart(10, '0')}`;
  m.measurement_start_time = ooniTime(start);
  m.test_start_time = ooniTime(start);
  m.probe_asn = asn;
  m.probe_cc = 'PK';
  m.probe_network_name = name;
  m.probe_ip = '127.0.0.1';
  m.raabta.probe_id = o.probeId ?? null;
  return m;
}

/** Mean compact JSON size of the templates, bytes. */
export function meanTemplateBytes(): number {
  const t = templatesOf();
  return Math.round(t.reduce((s, m) => s + JSON.stringify(m).length, 0) / t.length);
}
