/**
 * Tor: TCP connect to the OR port, TLS without verification (relays use self-signed certificates; the
 * SNI is a random www.<x>.com name as tor clients send), then a VERSIONS cell offering link protocols
 * 3, 4, 5. Success is the relay's VERSIONS reply; CERTS, AUTH_CHALLENGE and NETINFO seen are recorded.
 */
import { randomBytes } from 'node:crypto';
import type { NetTest, TestContext } from '../context.ts';
import { tcpConnectStep } from '../steps/tcp.ts';
import { tlsHandshakeStep } from '../steps/tls.ts';
import { analyzeVpn } from './analysis.ts';
import { base64Head, errorText } from './bytes.ts';
import { hostPort, type VpnInput } from './target-input.ts';
import { tcpExchange } from './tcp-exchange.ts';
import { buildVersionsCell, feedTor, newTorState } from './tor-cells.ts';
import { earlyTcpFailure, type HandshakeRun, handshakeTimeout, measureVpn } from './vpn-measure.ts';

export function torLikeServerName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const n = 8 + (randomBytes(1)[0] % 12);
  const name = [...randomBytes(n)].map((b) => letters[b % 26]).join('');
  return `www.${name}.com`;
}

async function torHandshake(ctx: TestContext, ip: string, input: VpnInput): Promise<HandshakeRun> {
  const tx = ctx.trace.nextTransaction();
  const t0 = ctx.trace.now();
  const fail = (stage: 'connect' | 'tls', failure: Parameters<typeof earlyTcpFailure>[1]['failure']) => ({
    entry: earlyTcpFailure(ctx, { protocol: 'tor', ip, port: input.port, tx, t0, failure, stage }),
  });
  const conn = await tcpConnectStep(ctx, ip, input.port, tx);
  if (!conn.socket) return fail('connect', conn.entry.status.failure);
  const tls = await tlsHandshakeStep(
    ctx,
    conn.socket,
    { ip, port: input.port, serverName: torLikeServerName(), alpn: [], verify: false },
    tx,
  );
  if (!tls.socket) return fail('tls', tls.entry.failure);
  const state = newTorState();
  const cell = buildVersionsCell();
  const hs0 = ctx.trace.now();
  const r = await tcpExchange(
    tls.socket,
    cell,
    (chunk) => {
      try {
        return feedTor(state, chunk) ? { kind: 'done', response: 'versions' } : { kind: 'more' };
      } catch (err) {
        return { kind: 'bad', failure: 'malformed_response', error: errorText(err) };
      }
    },
    handshakeTimeout(ctx),
  );
  // the relay's VERSIONS is the success criterion; NETINFO not arriving in time does not undo it
  const gotVersions = state.versions !== null && r.failure !== 'malformed_response';
  const entry = {
    transaction_id: tx,
    t0: hs0,
    t: ctx.trace.now(),
    protocol: 'tor' as const,
    transport: 'tcp' as const,
    address: hostPort(ip, input.port),
    sent_bytes: cell.length,
    received_bytes: r.received.length,
    rtt: r.rtt ?? (gotVersions ? r.firstEventAfter : null),
    response: gotVersions ? 'versions' : r.response,
    details: {
      role: 'handshake',
      stage: 'exchange',
      ...r.details,
      versions: state.versions,
      link_protocol: state.linkProtocol,
      cells: state.cells,
      certs: state.cells.includes('CERTS'),
      auth_challenge: state.cells.includes('AUTH_CHALLENGE'),
      netinfo: state.cells.includes('NETINFO'),
      tls_version: tls.entry.tls_version,
      first_event_after: r.firstEventAfter,
      ...(gotVersions && r.failure ? { after_versions: r.failure } : {}),
    },
    raw_response: base64Head(r.received, 512),
    failure: gotVersions ? null : r.failure,
  };
  ctx.trace.handshakes.push(entry);
  return { entry };
}

export const torTest: NetTest = {
  name: 'tor',
  version: '1.0.0',
  measure: (ctx, target) => measureVpn(ctx, target, 'tor', torHandshake),
  analyze: (m) => analyzeVpn(m, 'tor'),
};
