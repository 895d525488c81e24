/**
 * A URL fetched the way a browser would reach it, step by step: resolve → connect (TCP, TLS) → HTTP,
 * following redirects manually (each hop is its own `requests` entry; a new host is resolved again
 * through the DNS steps; at most settings.maxRedirects hops). The first failure is the trace's failure.
 */
import type { HttpRequest } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import type { FailedOperationValue, FailureValue } from '../trace.ts';
import { establish } from './establish.ts';
import { httpRequestStep } from './http.ts';
import { type Resolution, resolveHost } from './resolve.ts';
import { stepSettings } from './settings.ts';

export interface ChainResult {
  /** the last response received (the final one when nothing failed) */
  last: HttpRequest | null;
  finalUrl: URL;
  failure: FailureValue;
  failedOperation: FailedOperationValue;
  resolutions: Map<string, Resolution>;
}

export function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

export async function fetchChain(ctx: TestContext, start: URL): Promise<ChainResult> {
  const { trace } = ctx;
  const settings = stepSettings(ctx.settings);
  const resolutions = new Map<string, Resolution>();
  const result: ChainResult = {
    last: null,
    finalUrl: start,
    failure: null,
    failedOperation: null,
    resolutions,
  };
  const fail = (failure: FailureValue, op: FailedOperationValue): ChainResult => {
    trace.fail(failure, op);
    result.failure = failure;
    result.failedOperation = op;
    return result;
  };
  let url = start;
  for (let hop = 0; ; hop++) {
    result.finalUrl = url;
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return fail('http_unexpected_redirect_url', 'http_transaction');
    const host = hostOf(url);
    let resolution = resolutions.get(host);
    if (!resolution) {
      resolution = await resolveHost(ctx, host, { canary: hop === 0 });
      resolutions.set(host, resolution);
    }
    if (resolution.failure) return fail(resolution.failure, 'resolve');
    const conn = await establish(ctx, {
      addresses: resolution.addresses,
      port: defaultPort(url),
      serverName: url.protocol === 'https:' ? host : null,
    });
    if (!conn.connection) return fail(conn.failure, conn.failedOperation);
    const { connection } = conn;
    const entry = await httpRequestStep(
      ctx,
      { url, address: connection.address, socket: connection.socket },
      connection.tx,
    );
    result.last = entry;
    if (entry.failure) return fail(entry.failure, 'http_transaction');
    const location = entry.response.headers_list.find(([n]) => n.toLowerCase() === 'location')?.[1];
    if (entry.response.code < 300 || entry.response.code > 399 || !location) return result;
    if (hop + 1 > settings.maxRedirects) return fail('too_many_redirects', 'http_transaction');
    try {
      url = new URL(location, url);
    } catch {
      return fail('http_unexpected_redirect_url', 'http_transaction');
    }
  }
}
