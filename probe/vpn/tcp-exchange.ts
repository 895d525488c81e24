/**
 * Write a handshake on a connected (TCP or TLS) socket and read until the protocol's parser is
 * satisfied. Resets, EOF and timeouts become failure names; the socket is always destroyed.
 */
import type { Socket } from 'node:net';
import type { FailureName } from '../../schemas/src/failures.ts';
import { failureOf } from '../net/errors.ts';
import { errorText } from './bytes.ts';

export type Feed =
  | { kind: 'more' }
  | { kind: 'done'; response: string; details?: Record<string, unknown> }
  | {
      kind: 'bad';
      failure: 'malformed_response' | 'protocol_mismatch';
      error: string;
      details?: Record<string, unknown>;
    };

export interface TcpExchangeResult {
  ok: boolean;
  response: string | null;
  failure: FailureName | `unknown_failure: ${string}` | null;
  details: Record<string, unknown>;
  sentBytes: number;
  received: Buffer;
  /** seconds from the write to the reply that completed the exchange */
  rtt: number | null;
  /** seconds from the write to the first byte or the failure (a reset right after our bytes is fast) */
  firstEventAfter: number | null;
}

const MAX_KEEP = 65536;

export function tcpExchange(
  socket: Socket,
  payload: Buffer,
  feed: (chunk: Buffer) => Feed,
  timeoutMs: number,
): Promise<TcpExchangeResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let started = 0;
    let firstEventAfter: number | null = null;
    let settled = false;
    const mark = () => {
      firstEventAfter ??= Math.round(performance.now() - started) / 1000;
    };
    const finish = (r: Partial<TcpExchangeResult> & Pick<TcpExchangeResult, 'ok' | 'failure'>) => {
      if (settled) return;
      settled = true;
      mark();
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.destroy();
      resolve({
        response: null,
        details: {},
        sentBytes: payload.length,
        received: Buffer.concat(chunks),
        rtt: null,
        firstEventAfter,
        ...r,
      });
    };
    const timer = setTimeout(() => finish({ ok: false, failure: 'generic_timeout_error' }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      mark();
      if (kept < MAX_KEEP) {
        chunks.push(chunk);
        kept += chunk.length;
      }
      let f: Feed;
      try {
        f = feed(chunk);
      } catch (err) {
        f = { kind: 'bad', failure: 'malformed_response', error: errorText(err) };
      }
      if (f.kind === 'done') {
        finish({
          ok: true,
          failure: null,
          response: f.response,
          details: f.details ?? {},
          rtt: Math.round(performance.now() - started) / 1000,
        });
      } else if (f.kind === 'bad') {
        finish({
          ok: false,
          failure: f.failure,
          response: 'unrecognized',
          details: { error: f.error, ...f.details },
        });
      }
    });
    socket.on('error', (err) => finish({ ok: false, failure: failureOf(err) }));
    socket.on('end', () => finish({ ok: false, failure: 'eof_error' }));
    socket.on('close', () => finish({ ok: false, failure: 'eof_error' }));
    started = performance.now();
    socket.write(payload, (err) => {
      if (err) finish({ ok: false, failure: failureOf(err) });
    });
  });
}
