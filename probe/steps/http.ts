/**
 * One HTTP request over a connection the dialer already opened (and the TLS step already secured): undici
 * gets the socket through its `connect` option, so it never opens sockets or resolves names itself, and the
 * TCP, TLS and HTTP phases are timed apart. Redirects are not followed here (see fetch-chain.ts).
 */
import type { Socket } from 'node:net';
import { Client } from 'undici';
import type { HttpRequest } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { decodeText, extractTitle, readCapped, sha256Hex } from './body.ts';
import { stepSettings } from './settings.ts';

export interface HttpStepOptions {
  url: URL;
  address: string;
  socket: Socket;
  method?: string;
}

type HeaderList = [string, string][];

/** undici's header object → OONI's ordered [name, value] list (repeated headers expanded). */
export function headerList(headers: Record<string, string | string[] | undefined>): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (out.length < 200) out.push([name.slice(0, 8192), String(v).slice(0, 8192)]);
    }
  }
  return out;
}

/** A client whose only connection is `socket`; a second connection attempt fails instead of dialing. */
export function clientOver(url: URL, socket: Socket, timeoutMs: number): Client {
  let handed = false;
  return new Client(url.origin, {
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: (_opts, cb) => {
      // undici ignores a resume that happens inside its own connect call: always answer asynchronously
      if (handed || socket.destroyed) {
        const err = Object.assign(new Error('connection already used'), { code: 'ECONNRESET' });
        process.nextTick(() => cb(err, null));
        return;
      }
      handed = true;
      process.nextTick(() => cb(null, socket));
    },
  });
}

function httpFailure(err: unknown): HttpRequest['failure'] {
  const msg = String((err as Error)?.message ?? '');
  if (/other side closed/i.test(msg)) return 'eof_error';
  return failureOf(err);
}

export async function httpRequestStep(
  ctx: TestContext,
  opts: HttpStepOptions,
  tx: number,
): Promise<HttpRequest> {
  const { trace } = ctx;
  const settings = stepSettings(ctx.settings);
  const { url } = opts;
  const path = `${url.pathname || '/'}${url.search}`;
  const requestHeaders: HeaderList = [
    ['Host', url.host],
    ['User-Agent', settings.userAgent],
    ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Accept-Language', 'en-US;q=0.8,en;q=0.5'],
  ];
  const t0 = trace.now();
  const entry: HttpRequest = {
    transaction_id: tx,
    t0,
    t: t0,
    network: 'tcp',
    address: opts.address,
    alpn: (opts.socket as Socket & { alpnProtocol?: string | false }).alpnProtocol || null,
    failure: null,
    request: {
      method: opts.method ?? 'GET',
      url: url.href.slice(0, 4096),
      headers_list: requestHeaders,
      body: null,
      body_is_truncated: false,
    },
    response: {
      code: 0,
      headers_list: [],
      body: null,
      body_is_truncated: false,
      body_length: 0,
      body_sha256: null,
      title: null,
    },
  };
  const client = clientOver(url, opts.socket, settings.stepTimeoutMs);
  try {
    const res = await client.request({
      path,
      method: (opts.method ?? 'GET') as 'GET',
      headers: Object.fromEntries(requestHeaders.filter(([n]) => n !== 'Host')),
    });
    entry.response.code = res.statusCode;
    entry.response.headers_list = headerList(res.headers);
    const body = await readCapped(res.body, settings.bodyCapBytes);
    const text = decodeText(body.bytes);
    entry.response.body = text;
    entry.response.body_is_truncated = body.truncated;
    entry.response.body_length = body.bytes.length;
    entry.response.body_sha256 = sha256Hex(body.bytes);
    entry.response.title = extractTitle(text);
  } catch (err) {
    entry.failure = httpFailure(err);
  } finally {
    client.destroy().catch(() => {});
    opts.socket.destroy();
  }
  entry.t = trace.now();
  trace.requests.push(entry);
  return entry;
}
