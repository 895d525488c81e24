/**
 * Plain reachability of the target's address, measured in the same run as the handshake:
 *  - TCP connects to other ports of the same IP (default 443 and 80), recorded as tcp_connect steps;
 *  - for TCP protocols, an innocuous exchange on the protocol's own port: a TLS ClientHello with an
 *    innocuous SNI (no verification). A censor doing protocol DPI lets it through; the VPN server then
 *    fails it its own way (EOF, timeout, a TLS alert), which is what the control sees too.
 */
import type { TcpConnect, TlsHandshake } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { stepSettings } from '../steps/settings.ts';
import { tcpConnectStep } from '../steps/tcp.ts';
import { tlsHandshakeStep } from '../steps/tls.ts';
import { paramPorts, paramString } from './target-input.ts';

export const DEFAULT_REACHABILITY_PORTS = [443, 80];
/** Cap for the innocuous exchange: a VPN server may just wait for more bytes of a "packet" it cannot parse. */
const INNOCUOUS_TIMEOUT_MS = 4000;

/** Ports whose plain TCP connect tells "the address answers on TCP" (not the protocol's own TCP port). */
export function reachabilityPorts(
  params: Record<string, unknown> | undefined,
  ownTcpPort: number | null,
): number[] {
  const ports = paramPorts(params, 'reachability_ports') ?? DEFAULT_REACHABILITY_PORTS;
  return [...new Set(ports)].filter((p) => p !== ownTcpPort).slice(0, 4);
}

export async function reachabilityConnects(
  ctx: TestContext,
  ip: string,
  ports: number[],
): Promise<TcpConnect[]> {
  return Promise.all(
    ports.map(async (port) => {
      const r = await tcpConnectStep(ctx, ip, port, ctx.trace.nextTransaction());
      r.socket?.destroy();
      return r.entry;
    }),
  );
}

/** TCP connect + TLS ClientHello with an innocuous SNI on ip:port; both steps recorded, socket closed. */
export async function innocuousTls(
  ctx: TestContext,
  ip: string,
  port: number,
  params: Record<string, unknown> | undefined,
): Promise<{ connect: TcpConnect; tls: TlsHandshake | null }> {
  const settings = stepSettings(ctx.settings);
  const timeout = Math.min(settings.stepTimeoutMs, INNOCUOUS_TIMEOUT_MS);
  const short = { ...ctx, settings: { ...ctx.settings, stepTimeoutMs: timeout } };
  const tx = ctx.trace.nextTransaction();
  const c = await tcpConnectStep(short, ip, port, tx);
  if (!c.socket) return { connect: c.entry, tls: null };
  const serverName = paramString(params, 'innocuous_sni') ?? settings.innocuousSni;
  const r = await tlsHandshakeStep(short, c.socket, { ip, port, serverName, verify: false }, tx);
  r.socket?.destroy();
  c.socket.destroy();
  return { connect: c.entry, tls: r.entry };
}
