/**
 * The probe's handshake failed while the control's succeeded: which kind of blocking do the probe's own
 * observations point to? (Pure; the thresholds and their evidence are listed in probe/vpn/README.md.)
 */
import { type Finding, finding } from '../analysis/verdict.ts';
import { closedPortText, connectText, failed, join, ptrs, reachText } from './analysis-text.ts';
import type { SideView } from './analysis-view.ts';

/**
 * Did the innocuous TLS exchange on the protocol's port get through? Yes if the far end answered (a TLS
 * handshake, a TLS alert, a close) or it ended exactly as from the control; no if it was reset or could
 * not connect; unknown otherwise.
 */
export function innocuousPassed(probe: SideView, control: SideView | null): boolean | null {
  if (probe.innocuousConnect && !probe.innocuousConnect.item.status.success) return false;
  const tls = probe.innocuousTls?.item;
  if (!tls) return null;
  const f = tls.failure;
  if (f === 'connection_reset') return false;
  if (f === null || f === 'eof_error' || f.startsWith('ssl_')) return true;
  return control?.innocuousTls?.item.failure === f ? true : null;
}

/** Nothing at all gets an answer from the address: plain TCP silent, the handshake silent, no ICMP. */
function nothingReaches(p: SideView): boolean {
  const silentConnect = (f: string | null) =>
    f === 'generic_timeout_error' || f === 'host_unreachable' || f === 'network_unreachable';
  const reachSilent = p.reach.length > 0 && p.reach.every((c) => silentConnect(c.item.status.failure));
  const hsSilent = p.outcome === 'silent' || p.outcome === 'unreachable';
  return reachSilent && hsSilent && p.closedPort !== 'passes' && p.closedPort !== 'content_dropped';
}

export function blockedFinding(label: string, p: SideView, c: SideView): Finding {
  const h = p.handshake!.item;
  const ctl = `the control's handshake from outside succeeded`;
  const ev = ptrs(p.handshake, c.handshake);
  if (nothingReaches(p)) {
    return finding(
      'blocked',
      'ip',
      p.closedPort === 'udp_filtered' || p.connect ? 0.9 : 0.8,
      join(
        `${label}: nothing reaches the address — the handshake ${failed(h)}`,
        reachText(p),
        closedPortText(p),
        ctl,
      ),
      [...ev, ...ptrs(p.connect, p.reach, p.closedProbes)],
    );
  }
  if (h.transport === 'tcp') return tcpBlocked(label, p, c, ctl, ev);
  const evUdp = [...ev, ...ptrs(p.reach, p.closedProbes)];
  const reachOk = p.reachState === 'answers' || p.reachState === 'refused';
  if (p.outcome === 'refused') {
    return finding(
      'blocked',
      'udp',
      0.6,
      join(`${label}: the handshake ${failed(h)} at the probe only`, reachText(p), ctl),
      evUdp,
    );
  }
  if (p.outcome === 'garbled') {
    return finding(
      'blocked',
      'protocol',
      0.6,
      join(`${label}: the handshake ${failed(h)} — a reply the server did not send to the control`, ctl),
      evUdp,
    );
  }
  if (p.outcome !== 'silent') {
    return finding('blocked', null, 0.5, join(`${label}: the handshake ${failed(h)}`, ctl), evUdp);
  }
  if (p.closedPort === 'content_dropped') {
    return finding(
      'blocked',
      'protocol',
      0.9,
      join(`${label}: the handshake ${failed(h)}`, closedPortText(p), reachText(p), ctl),
      evUdp,
    );
  }
  const conf = p.closedPort === 'passes' ? (reachOk ? 0.9 : 0.8) : reachOk ? 0.75 : 0.5;
  return finding(
    'blocked',
    'udp',
    conf,
    join(
      `${label}: the UDP handshake ${failed(h)}`,
      reachText(p),
      closedPortText(p),
      ctl,
      p.closedPort === 'passes' && 'the port, not the protocol, is filtered',
    ),
    evUdp,
  );
}

function tcpBlocked(label: string, p: SideView, c: SideView, ctl: string, ev: string[]): Finding {
  const h = p.handshake!.item;
  const evTcp = [...ev, ...ptrs(p.connect, p.reach, p.innocuousTls, c.connect)];
  if (p.stage === 'connect') {
    const f = p.connect?.item.status.failure ?? h.failure;
    return finding(
      'blocked',
      'tcp',
      p.reachState === 'answers' ? 0.85 : 0.7,
      join(
        `${label}: the TCP connect to the protocol's port failed (${f})`,
        reachText(p),
        `the control connected and completed the handshake`,
      ),
      evTcp,
    );
  }
  const passed = innocuousPassed(p, c);
  const what =
    p.stage === 'tls' ? `the TLS handshake to the OR port ${failed(h)}` : `the handshake ${failed(h)}`;
  const tlsNote = p.innocuousTls
    ? `a TLS ClientHello with an innocuous SNI on the same port ${p.innocuousTls.item.failure === null ? 'completed' : `ended with ${p.innocuousTls.item.failure}`}`
    : p.innocuousConnect
      ? `the innocuous exchange on the same port: ${connectText(p.innocuousConnect.item)}`
      : null;
  if (passed === true) {
    const fast = (h.details.first_event_after as number | null | undefined) ?? null;
    return finding(
      'blocked',
      'protocol',
      h.failure === 'connection_reset' ? 0.9 : 0.8,
      join(
        `${label}: connected, then ${what}${fast !== null ? ` after ${Math.round(fast * 1000)} ms` : ''}${tlsNote ? `, while ${tlsNote} (not reset)` : ''}`,
        ctl,
        'the protocol, not the port, is targeted',
      ),
      evTcp,
    );
  }
  if (passed === false) {
    return finding(
      'blocked',
      'tcp',
      0.7,
      join(
        `${label}: connected, then ${what}`,
        tlsNote,
        'data of any kind on this port is interfered with',
        ctl,
      ),
      evTcp,
    );
  }
  return finding(
    'blocked',
    'protocol',
    0.6,
    join(`${label}: the TCP connect succeeded, then ${what}`, tlsNote, ctl),
    evTcp,
  );
}
