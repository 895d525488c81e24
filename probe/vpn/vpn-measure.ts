/**
 * The shape every VPN test shares: parse the input, resolve the host, then — at the same time — the
 * protocol handshake, TCP connects to other ports of the same address and (TCP protocols) an innocuous
 * TLS exchange on the protocol's port; after a silent UDP handshake, the closed-port probe.
 */
import type { Handshake } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { resolveHost } from '../steps/resolve.ts';
import { stepSettings } from '../steps/settings.ts';
import type { Target } from '../target.ts';
import { closedPortProbe, DEFAULT_CLOSED_UDP_PORT } from './closed-port.ts';
import { innocuousTls, reachabilityConnects, reachabilityPorts } from './reachability.ts';
import { hostPort, paramPort, parseVpnInput, type VpnInput, type VpnProtocol } from './target-input.ts';

export interface HandshakeRun {
  entry: Handshake;
  /** the protocol bytes, for the closed-port probe (UDP only) */
  datagram?: () => Buffer;
}

export type HandshakeFn = (
  ctx: TestContext,
  ip: string,
  input: VpnInput,
  target: Target,
) => Promise<HandshakeRun>;

export const UDP_ATTEMPTS = 3;

export function handshakeTimeout(ctx: TestContext): number {
  return stepSettings(ctx.settings).stepTimeoutMs;
}

export async function measureVpn(
  ctx: TestContext,
  target: Target,
  protocol: VpnProtocol,
  handshake: HandshakeFn,
): Promise<void> {
  const input = parseVpnInput(target.input, protocol);
  const resolution = await resolveHost(ctx, input.host);
  if (resolution.failure || resolution.addresses.length === 0) {
    ctx.trace.fail(resolution.failure ?? 'dns_no_answer', 'resolve');
    return;
  }
  const ip = resolution.addresses[0];
  const ownTcp = input.transport === 'tcp' ? input.port : null;
  const [run] = await Promise.all([
    handshake(ctx, ip, input, target),
    reachabilityConnects(ctx, ip, reachabilityPorts(target.params, ownTcp)),
    ownTcp !== null ? innocuousTls(ctx, ip, ownTcp, target.params) : Promise.resolve(null),
  ]);
  const h = run.entry;
  if (h.failure === null) return;
  if (h.details.stage === 'skipped') {
    ctx.trace.fail(h.failure, 'top_level');
    return;
  }
  if (input.transport === 'udp') {
    ctx.trace.fail(h.failure, 'udp_handshake');
    if (h.failure === 'udp_no_response' && run.datagram) {
      const closed = paramPort(target.params, 'closed_udp_port') ?? DEFAULT_CLOSED_UDP_PORT;
      if (closed !== input.port) {
        await closedPortProbe(ctx, {
          protocol: h.protocol,
          ip,
          port: closed,
          datagram: run.datagram,
          innocuousName: stepSettings(ctx.settings).innocuousSni,
        });
      }
    }
  } else {
    const stage = h.details.stage;
    ctx.trace.fail(
      h.failure,
      stage === 'connect' ? 'connect' : stage === 'tls' ? 'tls_handshake' : 'top_level',
    );
  }
}

/** A Handshake entry for a TCP protocol whose connect (or TLS) failed before our bytes were sent. */
export function earlyTcpFailure(
  ctx: TestContext,
  o: {
    protocol: Handshake['protocol'];
    ip: string;
    port: number;
    tx: number;
    t0: number;
    failure: Handshake['failure'];
    stage: 'connect' | 'tls';
    details?: Record<string, unknown>;
  },
): Handshake {
  const entry: Handshake = {
    transaction_id: o.tx,
    t0: o.t0,
    t: ctx.trace.now(),
    protocol: o.protocol,
    transport: 'tcp',
    address: hostPort(o.ip, o.port),
    sent_bytes: 0,
    received_bytes: 0,
    rtt: null,
    response: null,
    details: { role: 'handshake', stage: o.stage, ...o.details },
    raw_response: null,
    failure: o.failure,
  };
  ctx.trace.handshakes.push(entry);
  return entry;
}
