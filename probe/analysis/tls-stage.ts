/**
 * TLS stage: every handshake with the target's SNI failed. A reset / EOF / timeout right after the
 * ClientHello while the control completes the handshake is SNI filtering — more certain when the
 * same IP completed a handshake with an innocuous SNI. A certificate that does not verify where the
 * control's does is interception (tls_mitm). The control failing the same way means the server is down.
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { TlsHandshake } from '../../schemas/src/steps.ts';
import { isClientHelloStageFailure } from '../steps/tls.ts';
import type { ControlView } from './control.ts';
import { type At, at, CONTROL, failingHop, list, PROBE, sameHost } from './trace-view.ts';
import { capForControl, type Finding, finding } from './verdict.ts';

const VERIFY_FAILURES = new Set(['ssl_unknown_authority', 'ssl_invalid_hostname', 'ssl_invalid_certificate']);

function bytesBeforeFailure(m: Measurement, h: TlsHandshake): number | null {
  const ev = m.test_keys.network_events.find(
    (e) =>
      e.operation === 'tls_handshake_read' &&
      e.transaction_id === h.transaction_id &&
      e.address === h.address,
  );
  return ev?.num_bytes ?? null;
}

function describe(m: Measurement, e: At<TlsHandshake>): string {
  const bytes = bytesBeforeFailure(m, e.item);
  const after = bytes === 0 ? ' right after the ClientHello, before any byte from the server' : '';
  const verb =
    e.item.failure === 'generic_timeout_error'
      ? 'timed out'
      : e.item.failure === 'eof_error'
        ? 'was closed'
        : 'was reset';
  return `TLS handshake to ${e.item.address} with SNI ${e.item.server_name} ${verb}${after} (${e.item.failure})`;
}

export function tlsStage(m: Measurement, host: string, control: ControlView): Finding {
  const hop = failingHop(at(m.test_keys.tls_handshakes, `${PROBE}/tls_handshakes`), m);
  const failed = hop.filter((e) => sameHost(e.item.server_name, host) && e.item.failure !== null);
  const innocuous = hop.filter((e) => !sameHost(e.item.server_name, host) && e.item.no_tls_verify);
  const first = failed[0];
  if (!first)
    return finding(
      'inconclusive',
      null,
      0.3,
      `the TLS failure for ${host} could not be located in the trace`,
      [],
    );
  const evidence = failed.map((e) => e.ptr);
  const ctlAll = control.control ? at(control.control.tls_handshakes, `${CONTROL}/tls_handshakes`) : [];
  const ctl = ctlAll.filter((e) => sameHost(e.item.server_name, host));
  const ctlOk = ctl.filter((e) => e.item.failure === null);
  const f = first.item.failure ?? 'unknown';

  if (VERIFY_FAILURES.has(f)) {
    const cert = first.item.certificates[0];
    const seen = cert ? `certificate for "${cert.subject}" issued by "${cert.issuer}"` : 'certificate';
    const base = `the ${seen} presented at ${first.item.address} for ${host} does not verify (${f}: ${first.item.verify_error ?? ''})`;
    if (control.state !== 'ok')
      return capForControl(finding('inconclusive', null, 0.3, base, evidence), control);
    if (ctlOk.length > 0) {
      const ccert = ctlOk[0].item.certificates[0];
      const cseen = ccert ? ` (issued by "${ccert.issuer}")` : '';
      return finding(
        'blocked',
        'tls_mitm',
        0.9,
        `${base}; the control's handshake with the same SNI verified${cseen}`,
        [...evidence, ctlOk[0].ptr],
      );
    }
    if (ctl.length > 0) {
      return finding(
        'down',
        null,
        0.7,
        `${base}; the control's certificate does not verify either (${ctl[0].item.failure}): the site's own certificate problem, not interference`,
        [...evidence, ctl[0].ptr],
      );
    }
    return finding(
      'inconclusive',
      null,
      0.3,
      `${base}; the control made no TLS observation to compare`,
      evidence,
    );
  }

  const helloStage = isClientHelloStageFailure(first.item.failure);
  const what = failed.map((e) => describe(m, e));
  const sameIp = innocuous.filter((e) => e.item.address === first.item.address);
  const innocuousOk = sameIp.filter((e) => e.item.failure === null);
  let confirm = '';
  let conf = helloStage ? 0.8 : 0.6;
  if (helloStage && innocuousOk.length) {
    confirm = `; the same IP completed a handshake with SNI ${innocuousOk[0].item.server_name}, so the name, not the address, is targeted`;
    conf = f === 'generic_timeout_error' ? 0.9 : 0.95;
  } else if (helloStage && sameIp.length) {
    confirm = `; a handshake to the same IP with SNI ${sameIp[0].item.server_name} failed too (${sameIp[0].item.failure}): the address itself may be blocked, or blocking lingered after the first attempt`;
    conf = 0.75;
  }
  const probeEvidence = [...evidence, ...sameIp.map((e) => e.ptr)];
  if (control.state !== 'ok') {
    return capForControl(
      finding('inconclusive', null, 0.3, `${list(what)}${confirm}`, probeEvidence),
      control,
    );
  }
  if (ctlOk.length > 0) {
    const sameAddr = ctlOk.find((e) => e.item.address === first.item.address) ?? ctlOk[0];
    return finding(
      'blocked',
      'tls',
      conf,
      `${list(what)}${confirm}; the control completed the handshake with SNI ${host} (${sameAddr.item.address})`,
      [...probeEvidence, sameAddr.ptr],
    );
  }
  if (ctl.length > 0) {
    return finding(
      'down',
      null,
      0.8,
      `${list(what)}; the control's handshake with SNI ${host} failed too (${ctl[0].item.failure}): the server is not completing handshakes, not blocked`,
      [...probeEvidence, ctl[0].ptr],
    );
  }
  return finding(
    'inconclusive',
    null,
    0.3,
    `${list(what)}${confirm}; the control made no TLS observation to compare`,
    probeEvidence,
  );
}
