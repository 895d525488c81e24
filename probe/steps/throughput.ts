/**
 * A bounded transfer (at most maxBytes, at most maxSeconds) over a connection from the dialer: bytes,
 * duration, bytes/s, time to first byte and whether the whole body (up to the byte cap) arrived.
 * Nothing of the body is kept.
 */
import type { Socket } from 'node:net';
import type { Throughput } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { clientOver } from './http.ts';
import { stepSettings } from './settings.ts';

export interface ThroughputOptions {
  url: URL;
  address: string;
  socket: Socket;
  maxBytes: number;
  maxSeconds: number;
}

export const THROUGHPUT_DEFAULTS = { path: '/media/1mb.bin', maxBytes: 1024 * 1024, maxSeconds: 8 };

export async function throughputStep(
  ctx: TestContext,
  opts: ThroughputOptions,
  tx: number,
): Promise<Throughput> {
  const { trace } = ctx;
  const settings = stepSettings(ctx.settings);
  const maxBytes = Math.max(1, Math.floor(opts.maxBytes));
  const maxMs = Math.max(100, opts.maxSeconds * 1000);
  const t0 = trace.now();
  const started = performance.now();
  const entry: Throughput = {
    transaction_id: tx,
    t0,
    t: t0,
    url: opts.url.href.slice(0, 4096),
    address: opts.address,
    bytes: 0,
    duration: 0,
    bytes_per_second: 0,
    ttfb: null,
    complete: false,
    failure: null,
  };
  const client = clientOver(opts.url, opts.socket, Math.min(settings.stepTimeoutMs, maxMs));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), maxMs);
  try {
    const res = await client.request({
      path: `${opts.url.pathname}${opts.url.search}`,
      method: 'GET',
      headers: { 'user-agent': settings.userAgent, accept: '*/*' },
      signal: abort.signal,
    });
    entry.ttfb = Math.round(performance.now() - started) / 1000;
    if (res.statusCode !== 200) {
      entry.failure = 'http_unexpected_status_code';
      res.body.destroy();
    } else {
      for await (const chunk of res.body) {
        entry.bytes += (chunk as Buffer).length;
        if (entry.bytes >= maxBytes) {
          entry.bytes = Math.min(entry.bytes, maxBytes);
          entry.complete = true;
          res.body.destroy();
          break;
        }
      }
      if (!entry.complete) entry.complete = true; // the body ended before the byte cap: all of it arrived
    }
  } catch (err) {
    // the time cap is not a failure: the transfer was just slow (complete stays false)
    if (!abort.signal.aborted) entry.failure = failureOf(err);
  } finally {
    clearTimeout(timer);
    client.destroy().catch(() => {});
    opts.socket.destroy();
  }
  const seconds = Math.max((performance.now() - started) / 1000, 1e-6);
  entry.duration = Math.round(seconds * 1e6) / 1e6;
  entry.bytes_per_second = Math.round(entry.bytes / seconds);
  entry.t = trace.now();
  trace.throughput.push(entry);
  return entry;
}
