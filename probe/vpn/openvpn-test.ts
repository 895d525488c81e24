/**
 * OpenVPN: P_CONTROL_HARD_RESET_CLIENT_V2 over UDP (retransmitted) or TCP (length-prefixed); success is
 * the server's P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our packet id and echoing our session id.
 * With params.tls_auth (the static key) packets carry the tls-auth HMAC and the reply's HMAC is verified.
 * Servers with tls-auth/tls-crypt drop packets without the right HMAC: targets marked
 * `params.tls_auth_required` without a key, or with `params.tls_crypt`, are not probed (the result says why).
 */
import { randomBytes } from 'node:crypto';
import type { NetTest, TestContext } from '../context.ts';
import { tcpConnectStep } from '../steps/tcp.ts';
import type { Target } from '../target.ts';
import { analyzeVpn } from './analysis.ts';
import { base64Head, errorText } from './bytes.ts';
import {
  buildHardResetClient,
  checkServerReset,
  describeOpenvpn,
  frameTcp,
  unframeTcp,
} from './openvpn-packet.ts';
import { type TlsAuthKey, tlsAuthFromParams, unwrapTlsAuth, wrapTlsAuth } from './openvpn-tls-auth.ts';
import { hostPort, type VpnInput } from './target-input.ts';
import { tcpExchange } from './tcp-exchange.ts';
import { type Judgement, udpHandshake } from './udp-exchange.ts';
import {
  earlyTcpFailure,
  type HandshakeRun,
  handshakeTimeout,
  measureVpn,
  UDP_ATTEMPTS,
} from './vpn-measure.ts';

export const TLS_AUTH_SKIPPED =
  'unknown_failure: not attempted: the server requires a tls-auth/tls-crypt key';

function cannotProbe(target: Target): boolean {
  const p = target.params;
  return p?.tls_crypt !== undefined || (p?.tls_auth_required === true && p?.tls_auth === undefined);
}

function skipped(ctx: TestContext, ip: string, input: VpnInput): HandshakeRun {
  const t0 = ctx.trace.now();
  const entry = {
    transaction_id: ctx.trace.nextTransaction(),
    t0,
    t: t0,
    protocol: 'openvpn' as const,
    transport: input.transport,
    address: hostPort(ip, input.port),
    sent_bytes: 0,
    received_bytes: 0,
    rtt: null,
    response: null,
    details: { role: 'handshake', stage: 'skipped', reason: 'tls_auth_required' },
    raw_response: null,
    failure: TLS_AUTH_SKIPPED as `unknown_failure: ${string}`,
  };
  ctx.trace.handshakes.push(entry);
  return { entry };
}

/** The client reset for attempt `i` (tls-auth: a fresh replay id each time) and the reply check. */
export function openvpnCodec(
  session: Buffer,
  key: TlsAuthKey | null,
  nowSec = () => Math.floor(Date.now() / 1000),
) {
  const plain = buildHardResetClient(session, 0);
  return {
    packet: (attempt: number) => (key ? wrapTlsAuth(plain, key, attempt + 1, nowSec()) : plain),
    judge(reply: Buffer): Judgement {
      let bytes = reply;
      if (key) {
        try {
          bytes = unwrapTlsAuth(reply, key).plain;
        } catch (err) {
          return { kind: 'bad', failure: 'malformed_response', error: errorText(err) };
        }
      }
      const c = checkServerReset(bytes, session);
      const details = {
        ...(c.packet ? describeOpenvpn(c.packet) : {}),
        ...(key ? { tls_auth_verified: true } : {}),
      };
      return c.ok
        ? { kind: 'match', response: 'hard_reset_server_v2', details }
        : { kind: 'bad', failure: c.failure, error: c.error, details };
    },
  };
}

async function openvpnHandshake(
  ctx: TestContext,
  ip: string,
  input: VpnInput,
  target: Target,
): Promise<HandshakeRun> {
  if (cannotProbe(target)) return skipped(ctx, ip, input);
  const key = tlsAuthFromParams(target.params);
  const session = randomBytes(8);
  const codec = openvpnCodec(session, key);
  const base = {
    role: 'handshake',
    stage: 'exchange',
    session_id: session.toString('hex'),
    tls_auth: key !== null,
  };
  if (input.transport === 'udp') {
    const r = await udpHandshake(ctx, {
      protocol: 'openvpn',
      ip,
      port: input.port,
      tx: ctx.trace.nextTransaction(),
      datagram: codec.packet,
      judge: codec.judge,
      attempts: UDP_ATTEMPTS,
      timeoutMs: handshakeTimeout(ctx),
      details: base,
    });
    return { entry: r.entry, datagram: () => codec.packet(0) };
  }
  const tx = ctx.trace.nextTransaction();
  const t0 = ctx.trace.now();
  const conn = await tcpConnectStep(ctx, ip, input.port, tx);
  if (!conn.socket) {
    const failure = conn.entry.status.failure;
    return {
      entry: earlyTcpFailure(ctx, {
        protocol: 'openvpn',
        ip,
        port: input.port,
        tx,
        t0,
        failure,
        stage: 'connect',
      }),
    };
  }
  let stream = Buffer.alloc(0);
  const hs0 = ctx.trace.now();
  const r = await tcpExchange(
    conn.socket,
    frameTcp(codec.packet(0)),
    (chunk) => {
      stream = Buffer.concat([stream, chunk]);
      const one = unframeTcp(stream);
      if (!one) return { kind: 'more' };
      const j = codec.judge(one.packet);
      return j.kind === 'match' ? { ...j, kind: 'done' } : j;
    },
    handshakeTimeout(ctx),
  );
  const entry = {
    transaction_id: tx,
    t0: hs0,
    t: ctx.trace.now(),
    protocol: 'openvpn' as const,
    transport: 'tcp' as const,
    address: hostPort(ip, input.port),
    sent_bytes: r.sentBytes,
    received_bytes: r.received.length,
    rtt: r.rtt,
    response: r.response,
    details: { ...base, ...r.details, first_event_after: r.firstEventAfter },
    raw_response: base64Head(r.received),
    failure: r.failure,
  };
  ctx.trace.handshakes.push(entry);
  return { entry };
}

export const openvpnTest: NetTest = {
  name: 'openvpn',
  version: '1.0.0',
  measure: (ctx, target) => measureVpn(ctx, target, 'openvpn', openvpnHandshake),
  analyze: (m) => analyzeVpn(m, 'openvpn'),
};
