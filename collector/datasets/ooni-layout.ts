/**
 * OONI-layout export: one measurement per line as OONI consumers expect it. Format v1 is already a superset of
 * OONI's df-000 envelope and df-001…df-008 trace arrays, so the envelope and the OONI-named trace keys stay as
 * they are (entries keep Raabta's extra per-entry fields such as `rcode`, `certificates`, `verified`,
 * `body_sha256`: extra keys, which OONI tools ignore, as they do OONI's own `tags` or `conn_id`). Whatever has
 * no OONI meaning moves under `x_`-prefixed keys, following OONI's own convention for experimental keys:
 *
 * - top-level `raabta` → `x_raabta` (probe verdict, target group, category, suite, probe id);
 * - `test_keys.handshakes` → `test_keys.x_raabta_handshakes`, `test_keys.throughput` →
 *   `test_keys.x_raabta_throughput`, `test_keys.control` → `test_keys.x_raabta_control` (OONI's
 *   web_connectivity `control` has the test helper's different shape; ours must not be mistaken for it);
 * - the collector's verdict, when known, → top-level `x_raabta_collector_verdict`.
 *
 * `fromOoniLayout` is the exact inverse (up to key order).
 */
import type { VerdictLike } from './types.ts';

type Obj = Record<string, unknown>;

const MOVED_TEST_KEYS: Record<string, string> = {
  handshakes: 'x_raabta_handshakes',
  throughput: 'x_raabta_throughput',
  control: 'x_raabta_control',
};

function renameKeys(o: Obj, map: Record<string, string>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) out[map[k] ?? k] = v;
  return out;
}

function invert(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
}

export function toOoniLayout(m: Obj, collector: VerdictLike | null = null): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === 'raabta') continue;
    out[k] = k === 'test_keys' && v && typeof v === 'object' ? renameKeys(v as Obj, MOVED_TEST_KEYS) : v;
  }
  out.x_raabta = m.raabta;
  if (collector) {
    const { status, method, confidence, analysis_version } = collector;
    out.x_raabta_collector_verdict = { status, method, confidence, analysis_version };
  }
  return out;
}

/** Back from the OONI layout to format v1 (the collector verdict, kept apart in v1, is returned beside it). */
export function fromOoniLayout(o: Obj): { measurement: Obj; collector: VerdictLike | null } {
  const measurement: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'x_raabta' || k === 'x_raabta_collector_verdict') continue;
    measurement[k] =
      k === 'test_keys' && v && typeof v === 'object' ? renameKeys(v as Obj, invert(MOVED_TEST_KEYS)) : v;
  }
  measurement.raabta = o.x_raabta;
  const collector = (o.x_raabta_collector_verdict as VerdictLike | undefined) ?? null;
  return { measurement, collector };
}
