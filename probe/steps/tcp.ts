/** TCP connect through the guarded dialer, recorded as an OONI df-005 entry. */
import type { Socket } from 'node:net';
import type { TcpConnect } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { stepSettings } from './settings.ts';

export interface TcpResult {
  socket: Socket | null;
  entry: TcpConnect;
}

export async function tcpConnectStep(
  ctx: TestContext,
  ip: string,
  port: number,
  tx: number,
): Promise<TcpResult> {
  const { trace } = ctx;
  const t0 = trace.now();
  let socket: Socket | null = null;
  let failure: TcpConnect['status']['failure'] = null;
  try {
    socket = await ctx.dialer.tcp(ip, port, { timeoutMs: stepSettings(ctx.settings).stepTimeoutMs });
    // a failure after the connect (RST, EOF) is reported by the step that reads; never crash on it here
    socket.on('error', () => {});
  } catch (err) {
    failure = failureOf(err);
  }
  const entry: TcpConnect = {
    transaction_id: tx,
    t0,
    t: trace.now(),
    ip,
    port,
    status: { success: socket !== null, failure },
  };
  trace.tcp_connect.push(entry);
  return { socket, entry };
}
