/**
 * Central re-scoring: the collector runs the probe's own pure analysis (`testFor(kind).analyze`) on every
 * measurement it stores and keeps the result as the `collector` verdict, beside the probe's.
 */

import type { TargetKind } from '../../probe/target.ts';
import { registeredKinds, testFor } from '../../probe/tests/index.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { VerdictRecord } from '../storage/types.ts';

/** test_name → the kind whose analysis applies (Raabta's test names are the kinds). */
export function kindForTest(testName: string): TargetKind | null {
  const kinds = registeredKinds();
  return (kinds as string[]).includes(testName) ? (testName as TargetKind) : null;
}

export type Analyzer = (m: Measurement) => VerdictRecord | null;

/** null when no analysis exists for this test or it failed (the failure is reported through `onError`). */
export function createAnalyzer(onError?: (testName: string, err: Error) => void): Analyzer {
  return (m) => {
    const kind = kindForTest(m.test_name);
    if (!kind) return null;
    try {
      const v = testFor(kind).analyze(m);
      return {
        source: 'collector',
        analysis_version: v.analysis_version,
        status: v.status,
        method: v.method,
        confidence: v.confidence,
        reason: v.reason,
        evidence: v.evidence,
      };
    } catch (err) {
      onError?.(m.test_name, err as Error);
      return null;
    }
  };
}
