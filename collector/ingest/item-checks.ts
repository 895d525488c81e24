/** Checks beyond the JSON Schema: the batch envelope and per-measurement consistency. */
import type { Measurement } from '../../schemas/src/measurement.ts';

const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** a probe's clock may run ahead; beyond this a start time is refused */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

export function checkBatchShape(
  value: unknown,
  probeId: string,
): { ok: false; status: 400; code: string; message: string } | null {
  const bad = (code: string, message: string) => ({
    ok: false as const,
    status: 400 as const,
    code,
    message,
  });
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return bad('invalid_batch', '/: the batch must be a JSON object { probe_id, measurements }');
  }
  const b = value as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (k !== 'probe_id' && k !== 'measurements') return bad('invalid_batch', `/: unknown field "${k}"`);
  }
  if (typeof b.probe_id !== 'string') return bad('invalid_batch', '/probe_id: missing or not a string');
  if (!Array.isArray(b.measurements)) return bad('invalid_batch', '/measurements: missing or not an array');
  if (b.measurements.length < 1 || b.measurements.length > 1000) {
    return bad('invalid_batch', '/measurements: must hold 1 to 1000 measurements');
  }
  if (b.probe_id !== probeId) {
    return bad(
      'probe_id_mismatch',
      '/probe_id: differs from the X-Raabta-Probe-Id header (a batch is only accepted from the probe it names)',
    );
  }
  return null;
}

/** A reason naming the field, or null when the (schema-valid) measurement is acceptable. */
export function checkItem(m: Measurement, probeId: string, nowMs: number): string | null {
  if (m.raabta.probe_id !== null && m.raabta.probe_id !== probeId) {
    return "/raabta/probe_id: differs from the batch's probe_id";
  }
  const t = m.measurement_start_time;
  const ms = Date.parse(`${t.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19).replace('T', ' ') !== t) {
    return '/measurement_start_time: not a valid date and time';
  }
  if (ms < EARLIEST_MS) return '/measurement_start_time: before 2000-01-01';
  if (ms > nowMs + MAX_FUTURE_MS) return '/measurement_start_time: more than 24 hours in the future';
  return null;
}
