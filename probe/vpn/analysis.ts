/**
 * VPN verdicts (pure): the probe's handshake against the control's (the same handshake from the
 * collector's vantage point) and against plain reachability of the same address in the same run.
 *
 *   ok           the probe's handshake got the protocol's answer
 *   blocked      the control succeeded and the probe's observations say how (ip, tcp, udp, protocol —
 *                see analysis-blocked.ts); without a control, only positive evidence of content filtering
 *   down         the control failed too
 *   inconclusive no control and no independent evidence; a tls-auth target that cannot be probed;
 *                WireGuard silence everywhere while the address is up (the server may not know our key)
 */
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { controlView } from '../analysis/control.ts';
import { type Finding, finding, toVerdict } from '../analysis/verdict.ts';
import { blockedFinding, innocuousPassed } from './analysis-blocked.ts';
import { answered, closedPortText, failed, join, ptrs, reachText } from './analysis-text.ts';
import { controlSide, probeView, type SideView } from './analysis-view.ts';
import { describeInput, parseVpnInput, type VpnProtocol } from './target-input.ts';

export const VPN_ANALYSIS_VERSION = 'vpn-1';
const WG_KEY_NOTE =
  'a WireGuard server silently ignores initiations from keys it does not know: the server may not know the probe key, or server_public_key is wrong';
const TLS_AUTH_NOTE =
  'an OpenVPN server with tls-auth silently drops packets whose HMAC does not verify: the tls-auth key or key direction may be wrong';

/** Protocols where a server that does not accept our key stays silent: silence is not evidence. */
function keyNote(protocol: VpnProtocol, p: SideView): string | null {
  if (p.outcome !== 'silent') return null;
  if (protocol === 'wireguard') return WG_KEY_NOTE;
  if (protocol === 'openvpn' && p.handshake?.item.details.tls_auth === true) return TLS_AUTH_NOTE;
  return null;
}

export function analyzeVpn(m: Measurement, protocol: VpnProtocol): Verdict {
  return toVerdict(vpnFinding(m, protocol), VPN_ANALYSIS_VERSION);
}

function labelOf(m: Measurement, protocol: VpnProtocol, p: SideView): string {
  try {
    const input = parseVpnInput(m.input ?? '', protocol);
    return `${describeInput(input)}${p.handshake ? ` at ${p.handshake.item.address}` : ` (${input.host})`}`;
  } catch {
    return `${protocol} ${m.input ?? ''}`.trim();
  }
}

export function vpnFinding(m: Measurement, protocol: VpnProtocol): Finding {
  const p = probeView(m);
  const cv = controlView(m);
  const c = cv.control ? controlSide(cv.control) : null;
  const label = labelOf(m, protocol, p);
  const cOk = c?.outcome === 'ok';
  if (!p.handshake) {
    if (p.resolveFailed) return resolveFinding(label, m, c);
    return finding(
      'error',
      null,
      0.5,
      `${label}: no handshake was recorded (${m.test_keys.failure ?? 'no failure recorded'})`,
    );
  }
  const h = p.handshake.item;
  if (p.outcome === 'ok') {
    const conf = h.details.verified === true ? 0.99 : h.response === 'cookie_reply' ? 0.8 : 0.95;
    return finding('ok', null, conf, `${label}: the server answered with ${answered(h)}`, ptrs(p.handshake));
  }
  if (p.outcome === 'skipped') {
    return finding(
      'inconclusive',
      null,
      0.9,
      `${label}: cannot be probed without the key — the server uses tls-auth/tls-crypt and drops packets without its HMAC, so no handshake was sent`,
      ptrs(p.handshake, p.reach),
    );
  }
  if (c?.handshake && cOk) return blockedFinding(label, p, c);
  if (c?.handshake) return controlFailed(label, protocol, p, c);
  return noControl(label, protocol, p, cv.reason);
}

function resolveFinding(label: string, m: Measurement, c: SideView | null): Finding {
  const ev = m.test_keys.queries.map((_, i) => `/test_keys/queries/${i}`);
  if (c?.outcome === 'ok') {
    return finding(
      'blocked',
      'dns',
      0.6,
      `${label}: the probe could not resolve the host (${m.test_keys.failure}) while the control resolved it and completed the handshake`,
      [...ev, ...ptrs(c.handshake)],
    );
  }
  if (c?.resolveFailed)
    return finding(
      'down',
      null,
      0.6,
      `${label}: the host does not resolve from the probe (${m.test_keys.failure}) nor from the control`,
      ev,
    );
  return finding(
    'inconclusive',
    null,
    0.3,
    `${label}: the probe could not resolve the host (${m.test_keys.failure}) and no control resolved it`,
    ev,
  );
}

function controlFailed(label: string, protocol: VpnProtocol, p: SideView, c: SideView): Finding {
  const h = p.handshake!.item;
  const ch = c.handshake!.item;
  const ev = ptrs(p.handshake, c.handshake, c.reach, c.closedProbes);
  const note = keyNote(protocol, p);
  if (note && c.outcome === 'silent') {
    if (c.reachState === 'answers' || c.closedPort === 'passes') {
      return finding(
        'inconclusive',
        null,
        0.3,
        join(
          `${label}: no answer from the probe nor from the control`,
          note,
          `the address itself is up from outside (${reachText(c)})`,
          closedPortText(c),
        ),
        ev,
      );
    }
    if (c.reachState === 'unknown')
      return finding(
        'inconclusive',
        null,
        0.3,
        join(`${label}: no answer from the probe nor from the control`, note, 'or the server is down'),
        ev,
      );
  }
  const same = p.outcome === c.outcome;
  // silence from a server whose address is up may also be an HMAC-protected control channel
  const quietButUp = protocol === 'openvpn' && same && p.outcome === 'silent' && c.reachState === 'answers';
  return finding(
    'down',
    null,
    quietButUp ? 0.6 : same ? 0.85 : 0.65,
    join(
      `${label}: the handshake ${failed(h)}, and the control's from outside ${same ? 'failed the same way' : failed(ch)}`,
      `outside: ${reachText(c)}`,
      quietButUp &&
        'a server with tls-auth or tls-crypt would also stay silent to a hard reset without its key',
    ),
    ev,
  );
}

/** Without a control only positive evidence of content filtering makes "blocked". */
function noControl(label: string, protocol: VpnProtocol, p: SideView, why: string): Finding {
  const h = p.handshake!.item;
  const ev = ptrs(p.handshake, p.connect, p.reach, p.innocuousTls, p.closedProbes);
  if (h.transport === 'udp' && p.outcome === 'silent' && p.closedPort === 'content_dropped') {
    return finding(
      'blocked',
      'protocol',
      0.75,
      join(`${label}: the handshake ${failed(h)}`, closedPortText(p), reachText(p), why),
      ev,
    );
  }
  if (
    h.transport === 'tcp' &&
    p.stage === 'exchange' &&
    p.outcome === 'reset' &&
    innocuousPassed(p, null) === true
  ) {
    return finding(
      'blocked',
      'protocol',
      0.6,
      join(
        `${label}: connected, then the handshake ${failed(h)} while a TLS ClientHello on the same port was not reset`,
        why,
      ),
      ev,
    );
  }
  const note = keyNote(protocol, p);
  return finding(
    'inconclusive',
    null,
    0.3,
    join(`${label}: the handshake ${failed(h)}`, reachText(p), closedPortText(p), note, why),
    ev,
  );
}
