/** The tcp verdict (e.g. WhatsApp chat endpoints on 5222/443): DNS → TCP connect (→ TLS when asked). */
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { connectStage } from './connect-stage.ts';
import { type ControlView, controlView } from './control.ts';
import { dnsStage } from './dns-stage.ts';
import { tlsStage } from './tls-stage.ts';
import { at, CONTROL, inputHost, PROBE } from './trace-view.ts';
import { type Finding, finding, toVerdict } from './verdict.ts';
import { type AnalysisOptions, probeOwnProblem } from './web.ts';

export const TCP_ANALYSIS_VERSION = 'tcp-1';

export function analyzeTcpFinding(
  m: Measurement,
  opts: AnalysisOptions = {},
  control: ControlView = controlView(m),
): Finding {
  const own = probeOwnProblem(m);
  if (own) return own;
  const host = inputHost(m);
  if (!host) return finding('error', null, 0.9, `the input "${m.input}" is not host:port`, []);
  const dns = dnsStage(m, { host, probeCc: m.probe_cc, bogons: opts.bogons }, control);
  if (dns.kind === 'final') return dns.finding;
  if (m.test_keys.failed_operation === 'connect') return connectStage(m, host, control);
  if (m.test_keys.failed_operation === 'tls_handshake') {
    const primary = m.test_keys.tls_handshakes.find((h) => !h.no_tls_verify);
    return tlsStage(m, primary?.server_name ?? host, control);
  }
  if (m.test_keys.failure) {
    return finding(
      'inconclusive',
      null,
      0.3,
      `the measurement failed at ${m.test_keys.failed_operation} (${m.test_keys.failure})`,
      [],
    );
  }
  const ok = at(m.test_keys.tcp_connect, `${PROBE}/tcp_connect`).filter((e) => e.item.status.success);
  const tls = at(m.test_keys.tls_handshakes, `${PROBE}/tls_handshakes`).filter(
    (e) => !e.item.no_tls_verify && !e.item.failure,
  );
  const what = ok[0]
    ? `TCP connect to ${ok[0].item.ip}:${ok[0].item.port} succeeded${tls[0] ? ' and the TLS handshake completed' : ''}`
    : 'the connection succeeded';
  const evidence = [...ok.slice(0, 1).map((e) => e.ptr), ...tls.slice(0, 1).map((e) => e.ptr)];
  if (control.state !== 'ok') return finding('ok', null, 0.6, `${what}; ${control.reason}`, evidence);
  const dnsNote = dns.kind === 'weak' ? `; note: ${dns.reason}` : '';
  const ctlOk = control.control
    ? at(control.control.tcp_connect, `${CONTROL}/tcp_connect`).find((e) => e.item.status.success)
    : undefined;
  return finding(
    'ok',
    null,
    dns.kind === 'weak' ? 0.7 : 0.9,
    `${what}${ctlOk ? '; so did the control' : ''}${dnsNote}`,
    [...evidence, ...(ctlOk ? [ctlOk.ptr] : [])],
  );
}

export function analyzeTcp(m: Measurement, opts: AnalysisOptions = {}): Verdict {
  return toVerdict(analyzeTcpFinding(m, opts), TCP_ANALYSIS_VERSION);
}
