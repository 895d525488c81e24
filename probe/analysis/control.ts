/**
 * What the control can tell. `control: null` = none was asked; a control whose `failure` is set and
 * which holds no observation at all = the control service could not be reached (run-test records it
 * that way). A control WITH observations is used even when its `failure` is set: that failure is the
 * control's own measurement failing (e.g. the server is down from outside too).
 */
import type { Control, Measurement } from '../../schemas/src/measurement.ts';

export interface ControlView {
  state: 'none' | 'unavailable' | 'ok';
  control: Control | null;
  /** a phrase for reasons when the control is missing */
  reason: string;
}

export function hasObservations(c: Control): boolean {
  return (
    c.queries.length +
      c.tcp_connect.length +
      c.tls_handshakes.length +
      c.requests.length +
      c.handshakes.length +
      c.throughput.length >
    0
  );
}

export function controlView(m: Measurement): ControlView {
  const c = m.test_keys.control;
  if (!c) return { state: 'none', control: null, reason: 'no control measurement was available' };
  if (!hasObservations(c)) {
    return {
      state: 'unavailable',
      control: null,
      reason: `the control could not be obtained (${c.failure ?? 'no observations'})`,
    };
  }
  return { state: 'ok', control: c, reason: '' };
}
