/**
 * What one vantage point (the probe, or the control) saw of a VPN target, read from a measurement's
 * arrays with JSON pointers: the protocol handshake, its own TCP connect, plain TCP connects to the same
 * address, the innocuous TLS exchange on the protocol's port, and the closed-port UDP probes.
 */
import type { Control, Measurement } from '../../schemas/src/measurement.ts';
import type { Handshake, TcpConnect, TlsHandshake } from '../../schemas/src/steps.ts';

export interface At<T> {
  item: T;
  ptr: string;
}

export type Outcome =
  | 'ok'
  | 'silent'
  | 'refused'
  | 'reset'
  | 'eof'
  | 'garbled'
  | 'tls'
  | 'unreachable'
  | 'skipped'
  | 'other';
export type ClosedPort = 'passes' | 'content_dropped' | 'udp_filtered' | null;
export type Reach = 'answers' | 'refused' | 'silent' | 'unknown';

export interface SideView {
  base: string;
  handshake: At<Handshake> | null;
  outcome: Outcome | null;
  stage: string | null;
  /** the handshake's own TCP connect (TCP protocols) */
  connect: At<TcpConnect> | null;
  /** TCP connects to the same IP other than the handshake's own */
  reach: At<TcpConnect>[];
  reachState: Reach;
  innocuousTls: At<TlsHandshake> | null;
  /** TCP protocols: the connect of the innocuous exchange on the protocol's own port */
  innocuousConnect: At<TcpConnect> | null;
  closedProbes: At<Handshake>[];
  closedPort: ClosedPort;
  resolveFailed: boolean;
}

type Arrays = Pick<Control, 'handshakes' | 'tcp_connect' | 'tls_handshakes' | 'queries'>;

export function outcomeOf(h: Handshake): Outcome {
  const f = h.failure;
  if (f === null) return 'ok';
  if (h.details.stage === 'skipped') return 'skipped';
  if (f === 'udp_no_response' || f === 'generic_timeout_error') return 'silent';
  if (f === 'udp_port_unreachable' || f === 'connection_refused') return 'refused';
  if (f === 'connection_reset') return 'reset';
  if (f === 'eof_error') return 'eof';
  if (f === 'malformed_response' || f === 'protocol_mismatch') return 'garbled';
  if (f.startsWith('ssl_')) return 'tls';
  if (f === 'host_unreachable' || f === 'network_unreachable') return 'unreachable';
  return 'other';
}

function connectReach(list: At<TcpConnect>[]): Reach {
  if (list.length === 0) return 'unknown';
  if (list.some((c) => c.item.status.success)) return 'answers';
  if (list.some((c) => c.item.status.failure === 'connection_refused')) return 'refused';
  return 'silent';
}

const isReached = (h: Handshake) =>
  h.failure === 'udp_port_unreachable' || h.response === 'reply_from_closed_port';

function closedPortState(probes: At<Handshake>[]): ClosedPort {
  const proto = probes.filter((p) => p.item.details.payload === 'protocol');
  const innocuous = probes.filter((p) => p.item.details.payload === 'innocuous');
  if (proto.length === 0) return null;
  if (proto.some((p) => isReached(p.item))) return 'passes';
  if (innocuous.some((p) => isReached(p.item))) return proto.length >= 2 ? 'content_dropped' : 'udp_filtered';
  return 'udp_filtered';
}

export function sideView(arrays: Arrays, base: string, failedOperation: string | null): SideView {
  const hs = arrays.handshakes.map((item, i) => ({ item, ptr: `${base}/handshakes/${i}` }));
  const handshake =
    hs.find((h) => h.item.details.role === 'handshake') ??
    hs.find((h) => h.item.details.role === undefined) ??
    null;
  const tx = handshake?.item.transaction_id ?? -1;
  const ip = handshake ? handshake.item.address.replace(/^\[|\]?:\d+$/g, '') : null;
  const connects = arrays.tcp_connect.map((item, i) => ({ item, ptr: `${base}/tcp_connect/${i}` }));
  const connect = connects.find((c) => c.item.transaction_id === tx) ?? null;
  const reach = connects.filter((c) => c.item.transaction_id !== tx && (ip === null || c.item.ip === ip));
  const tlsList = arrays.tls_handshakes.map((item, i) => ({ item, ptr: `${base}/tls_handshakes/${i}` }));
  const innocuousTls = tlsList.find((t) => t.item.transaction_id !== tx) ?? null;
  const hsPort = handshake ? portOf(handshake.item.address) : -1;
  const innocuousConnect =
    handshake?.item.transport === 'tcp' ? (reach.find((c) => c.item.port === hsPort) ?? null) : null;
  const closedProbes = hs.filter((h) => h.item.details.role === 'closed_port_probe');
  return {
    base,
    handshake,
    outcome: handshake ? outcomeOf(handshake.item) : null,
    stage: handshake ? String(handshake.item.details.stage ?? 'exchange') : null,
    connect,
    reach,
    reachState: connectReach(reach),
    innocuousTls,
    innocuousConnect,
    closedProbes,
    closedPort: closedPortState(closedProbes),
    resolveFailed:
      failedOperation === 'resolve' || (!handshake && arrays.queries.some((q) => q.failure !== null)),
  };
}

export function portOf(address: string): number {
  return Number(/:(\d+)$/.exec(address)?.[1] ?? 0);
}

export function probeView(m: Measurement): SideView {
  return sideView(m.test_keys, '/test_keys', m.test_keys.failed_operation);
}

export function controlSide(c: Control): SideView {
  return sideView(c, '/test_keys/control', null);
}
