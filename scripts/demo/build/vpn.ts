/**
 * Simulated VPN measurements (openvpn, wireguard, ikev2) in the shapes of probe/vpn/vpn-measure.ts: the
 * protocol handshake, plain TCP connects to other ports of the address, the innocuous TLS exchange on a
 * TCP protocol's port, the closed-port probes after a silent UDP handshake, and the control's handshake.
 */
import type { Measurement } from '../../../schemas/src/measurement.ts';
import type { Handshake } from '../../../schemas/src/steps.ts';
import type { Rng } from '../rng.ts';
import type { Observation } from '../schedule.ts';
import { addressOf } from '../targets.ts';
import {
  Clock,
  connect,
  emptyControl,
  emptyKeys,
  envelope,
  INNOCUOUS,
  lookup,
  resolverOf,
  tlsHandshake,
} from './common.ts';

type Proto = 'openvpn' | 'wireguard' | 'ikev2';

const SENT: Record<Proto, number> = { openvpn: 42, wireguard: 148, ikev2: 456 };
const RECEIVED: Record<Proto, number> = { openvpn: 54, wireguard: 92, ikev2: 312 };
const RESPONSE: Record<Proto, string> = {
  openvpn: 'hard_reset_server_v2',
  wireguard: 'handshake_response',
  ikev2: 'ike_sa_init',
};
const CLOSED_PORT = 33434;

function details(p: Proto, ok: boolean): Record<string, unknown> {
  if (!ok) return {};
  if (p === 'openvpn') return { opcode: 'P_CONTROL_HARD_RESET_SERVER_V2', key_id: 0 };
  if (p === 'wireguard') return { verified: true, message_type: 2 };
  return {
    payloads: ['SA', 'KE', 'Nr', 'N', 'N'],
    notifies: ['NAT_DETECTION_SOURCE_IP', 'NAT_DETECTION_DESTINATION_IP'],
    chosen_proposal: 'AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048',
  };
}

function handshake(
  c: Clock,
  r: Rng,
  p: Proto,
  transport: 'udp' | 'tcp',
  address: string,
  failure: Handshake['failure'],
  stage = 'exchange',
): Handshake {
  const ok = failure === null;
  const silent = failure === 'udp_no_response';
  const when = c.step(silent ? 9 : 0.03, silent ? 9.01 : 0.25);
  const sent = stage === 'connect' ? 0 : SENT[p] + (transport === 'tcp' ? 2 : 0);
  return {
    transaction_id: 2,
    ...when,
    protocol: p,
    transport,
    address,
    sent_bytes: silent ? sent * 3 : sent,
    received_bytes: ok ? RECEIVED[p] : 0,
    rtt: ok ? Math.round((when.t - when.t0) * 1e6) / 1e6 : null,
    response: ok ? RESPONSE[p] : failure === 'udp_port_unreachable' ? 'icmp_port_unreachable' : null,
    details: {
      role: 'handshake',
      stage,
      attempts: silent ? 3 : 1,
      ...(transport === 'tcp' && stage === 'exchange'
        ? { first_event_after: Math.round(r.range(0.02, 0.09) * 1000) / 1000 }
        : {}),
      ...details(p, ok),
    },
    raw_response: null,
    failure,
  };
}

function closedProbe(
  c: Clock,
  tx: number,
  p: Proto,
  ip: string,
  payload: 'protocol' | 'innocuous',
  reached: boolean,
): Handshake {
  return {
    transaction_id: tx,
    ...c.step(reached ? 0.03 : 2, reached ? 0.2 : 2.01),
    protocol: payload === 'innocuous' ? 'dns' : p,
    transport: 'udp',
    address: `${ip}:${CLOSED_PORT}`,
    sent_bytes: payload === 'innocuous' ? 29 : SENT[p],
    received_bytes: 0,
    rtt: null,
    response: reached ? 'icmp_port_unreachable' : null,
    details: { role: 'closed_port_probe', payload, attempts: 1 },
    raw_response: null,
    failure: reached ? 'udp_port_unreachable' : 'udp_no_response',
  };
}

export function buildVpn(o: Observation, r: Rng): Measurement {
  const t = o.target;
  const p = t.kind as Proto;
  const transport: 'udp' | 'tcp' = /\/tcp$/.test(t.input) ? 'tcp' : 'udp';
  const ip = addressOf(t.host);
  const address = `${ip}:${t.port}`;
  const reachPorts = transport === 'tcp' ? [80] : [443, 80];
  const c = new Clock(r);
  const k = emptyKeys();
  const down = o.outcome === 'down';

  const cc = new Clock(r);
  const ctl = emptyControl();
  ctl.queries = lookup(cc, t.host, ip, '8.8.8.8', null, false);
  if (transport === 'tcp') ctl.tcp_connect = [connect(cc, 2, ip, t.port, down ? 'connection_refused' : null)];
  ctl.handshakes = [
    down
      ? handshake(
          cc,
          r,
          p,
          transport,
          address,
          transport === 'udp' ? 'udp_port_unreachable' : 'connection_refused',
          transport === 'udp' ? 'exchange' : 'connect',
        )
      : handshake(cc, r, p, transport, address, null),
  ];
  if (down) ctl.failure = ctl.handshakes[0].failure;
  k.control = ctl;

  k.queries = lookup(c, t.host, ip, resolverOf(o.probe.network.asn));
  if (o.outcome === 'error') {
    k.failure = 'network_unreachable';
    k.failed_operation = 'top_level';
    return envelope(o, r, p, k, c.t + 0.1);
  }
  const reach = () => reachPorts.map((port, i) => connect(c, 3 + i, ip, port));
  const blocked = o.outcome === 'blocked';
  if (transport === 'udp') {
    const failure = down ? 'udp_port_unreachable' : blocked ? 'udp_no_response' : null;
    k.handshakes = [handshake(c, r, p, 'udp', address, failure)];
    k.tcp_connect = reach();
    if (failure === 'udp_no_response') {
      const dpi = o.method === 'protocol';
      k.handshakes.push(
        closedProbe(c, 5, p, ip, 'protocol', false),
        closedProbe(c, 6, p, ip, 'innocuous', dpi),
        closedProbe(c, 7, p, ip, 'protocol', false),
      );
    }
    if (failure) {
      k.failure = failure;
      k.failed_operation = 'udp_handshake';
    }
    return envelope(o, r, p, k, c.t + 0.05);
  }
  // TCP: the handshake's own connect, the reachability connects and the innocuous TLS on the same port
  const connectFailure = down
    ? 'connection_refused'
    : blocked && o.method === 'tcp'
      ? 'generic_timeout_error'
      : null;
  k.tcp_connect = [connect(c, 2, ip, t.port, connectFailure)];
  if (connectFailure) {
    k.handshakes = [handshake(c, r, p, 'tcp', address, connectFailure, 'connect')];
  } else {
    k.handshakes = [handshake(c, r, p, 'tcp', address, blocked ? 'connection_reset' : null)];
  }
  k.tcp_connect.push(...reach(), connect(c, 6, ip, t.port, down ? 'connection_refused' : null));
  if (!down)
    k.tls_handshakes = [tlsHandshake(c, 6, address, INNOCUOUS, { failure: 'eof_error', innocuous: true })];
  const f = k.handshakes[0].failure;
  if (f) {
    k.failure = f;
    k.failed_operation = connectFailure ? 'connect' : 'top_level';
  }
  return envelope(o, r, p, k, c.t + 0.05);
}
