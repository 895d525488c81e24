/**
 * A connection to one host: TCP connect to every resolved address (in parallel, bounded), then for TLS
 * targets a handshake with the target's SNI on each connected address in turn until one completes.
 * When a handshake dies right after the ClientHello (reset, EOF, timeout), a second handshake to the SAME
 * IP with an innocuous SNI tells whether the name, not the IP, is targeted. It has its own transaction id,
 * its `server_name` is the innocuous name and `no_tls_verify` is true, and a network event with operation
 * `innocuous_sni_check` and the same transaction id marks it (same `address` as the handshake it checks).
 */
import type { Socket } from 'node:net';
import type { TestContext } from '../context.ts';
import type { FailedOperationValue, FailureValue } from '../trace.ts';
import { hostPort, stepSettings } from './settings.ts';
import { tcpConnectStep } from './tcp.ts';
import { isClientHelloStageFailure, tlsHandshakeStep } from './tls.ts';

export interface Connection {
  socket: Socket;
  ip: string;
  address: string;
  tx: number;
}

export interface Establish {
  connection: Connection | null;
  failure: FailureValue;
  failedOperation: FailedOperationValue;
}

export interface EstablishOptions {
  addresses: string[];
  port: number;
  /** SNI for TLS; null for plain TCP */
  serverName: string | null;
  /** do the innocuous-SNI check when a handshake fails right after the ClientHello (default true) */
  sniCheck?: boolean;
}

export async function innocuousSniCheck(ctx: TestContext, ip: string, port: number): Promise<void> {
  const { trace } = ctx;
  const sni = stepSettings(ctx.settings).innocuousSni;
  const tx = trace.nextTransaction();
  trace.network_events.push({
    transaction_id: tx,
    t0: trace.now(),
    t: trace.now(),
    operation: 'innocuous_sni_check',
    address: hostPort(ip, port),
    proto: 'tcp',
    failure: null,
  });
  const tcp = await tcpConnectStep(ctx, ip, port, tx);
  if (!tcp.socket) return;
  const tls = await tlsHandshakeStep(ctx, tcp.socket, { ip, port, serverName: sni, verify: false }, tx);
  tls.socket?.destroy();
}

export async function establish(ctx: TestContext, opts: EstablishOptions): Promise<Establish> {
  const { trace } = ctx;
  const addresses = opts.addresses.slice(0, stepSettings(ctx.settings).maxAddresses);
  const attempts = await Promise.all(
    addresses.map(async (ip) => {
      const tx = trace.nextTransaction();
      return { ip, tx, ...(await tcpConnectStep(ctx, ip, opts.port, tx)) };
    }),
  );
  const connected = attempts.filter((a) => a.socket);
  if (connected.length === 0) {
    return {
      connection: null,
      failure: attempts[0]?.entry.status.failure ?? 'unknown_failure: no address',
      failedOperation: 'connect',
    };
  }
  if (opts.serverName === null) {
    const [first, ...rest] = connected;
    for (const r of rest) r.socket?.destroy();
    const address = hostPort(first.ip, opts.port);
    return {
      connection: { socket: first.socket!, ip: first.ip, address, tx: first.tx },
      failure: null,
      failedOperation: null,
    };
  }
  let firstFailure: FailureValue = null;
  let winner: Connection | null = null;
  for (const a of connected) {
    if (winner) {
      a.socket?.destroy();
      continue;
    }
    const tls = await tlsHandshakeStep(
      ctx,
      a.socket!,
      { ip: a.ip, port: opts.port, serverName: opts.serverName },
      a.tx,
    );
    if (tls.socket && tls.entry.failure === null) {
      winner = { socket: tls.socket, ip: a.ip, address: hostPort(a.ip, opts.port), tx: a.tx };
      continue;
    }
    tls.socket?.destroy();
    firstFailure ??= tls.entry.failure;
    if ((opts.sniCheck ?? true) && isClientHelloStageFailure(tls.entry.failure)) {
      await innocuousSniCheck(ctx, a.ip, opts.port);
    }
  }
  if (winner) return { connection: winner, failure: null, failedOperation: null };
  return { connection: null, failure: firstFailure, failedOperation: 'tls_handshake' };
}
