/** The analysis, shared by the probe and the collector: pure functions from Measurement to Verdict. */
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { analyzeDns } from './dns.ts';
import { analyzeTcp } from './tcp.ts';
import { type AnalysisOptions, analyzeWeb } from './web.ts';

export { bogonRange, DEFAULT_BOGONS } from './bogons.ts';
export { compareResponses } from './http-compare.ts';
export { BASELINE_ANNOTATION, THROTTLE_RATIO } from './throughput-stage.ts';
export type { AnalysisOptions };
export { analyzeDns, analyzeTcp, analyzeWeb };

/** The verdict for a measurement of Raabta's web, tcp or dns test; null for other tests. */
export function analyzeMeasurement(m: Measurement, opts: AnalysisOptions = {}): Verdict | null {
  if (m.test_name === 'web') return analyzeWeb(m, opts);
  if (m.test_name === 'tcp') return analyzeTcp(m, opts);
  if (m.test_name === 'dns') return analyzeDns(m, opts);
  return null;
}
