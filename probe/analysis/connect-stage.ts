/** TCP stage: every connect to the host failed. Blocked only if the control reaches the server. */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { ControlView } from './control.ts';
import { at, CONTROL, failingHop, list, PROBE } from './trace-view.ts';
import { capForControl, type Finding, finding } from './verdict.ts';

const CONFIDENCE: Record<string, number> = {
  connection_reset: 0.85,
  connection_refused: 0.8,
  generic_timeout_error: 0.85,
  host_unreachable: 0.6,
  network_unreachable: 0.6,
};

export function connectStage(m: Measurement, host: string, control: ControlView): Finding {
  const probe = failingHop(at(m.test_keys.tcp_connect, `${PROBE}/tcp_connect`), m);
  const failed = probe.filter((e) => !e.item.status.success);
  const port = failed[0]?.item.port ?? 0;
  const what = failed.map((e) => `${e.item.ip}:${e.item.port} (${e.item.status.failure})`);
  const evidence = failed.map((e) => e.ptr);
  const first = failed[0]?.item.status.failure ?? 'unknown';
  if (first === 'destination_not_allowed') {
    return finding(
      'error',
      null,
      0.95,
      `the probe's own destination guard refused ${list(what)}: never evidence of blocking`,
      evidence,
    );
  }
  if (control.state !== 'ok' || !control.control) {
    return capForControl(
      finding('inconclusive', null, 0.3, `TCP connect to ${host} failed: ${list(what)}`, evidence),
      control,
    );
  }
  const ctl = at(control.control.tcp_connect, `${CONTROL}/tcp_connect`).filter((e) => e.item.port === port);
  const ok = ctl.filter((e) => e.item.status.success);
  const failedIps = new Set(failed.map((e) => e.item.ip));
  const same = ok.filter((e) => failedIps.has(e.item.ip));
  if (ok.length > 0) {
    const reached = (same.length ? same : ok).map((e) => `${e.item.ip}:${e.item.port}`);
    const conf = (CONFIDENCE[first] ?? 0.6) - (same.length ? 0 : 0.1);
    const where = same.length ? 'the same address' : 'another address of the site';
    return finding(
      'blocked',
      'tcp',
      conf,
      `TCP connect to ${host} failed from the probe: ${list(what)}; the control connected to ${where} (${list(reached)})`,
      [...evidence, ...(same.length ? same : ok).map((e) => e.ptr)],
    );
  }
  if (ctl.length > 0) {
    const ctlWhat = ctl.map((e) => `${e.item.ip}:${e.item.port} (${e.item.status.failure})`);
    return finding(
      'down',
      null,
      0.85,
      `TCP connect to ${host} failed from the probe (${list(what)}) and from the control too (${list(ctlWhat)}): the server is unreachable, not blocked`,
      [...evidence, ...ctl.map((e) => e.ptr)],
    );
  }
  const why = control.control.failure ? ` (the control stopped earlier: ${control.control.failure})` : '';
  return finding(
    'inconclusive',
    null,
    0.3,
    `TCP connect to ${host} failed: ${list(what)}; the control made no TCP observation to compare${why}`,
    evidence,
  );
}
