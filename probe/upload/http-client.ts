/**
 * HTTP to the collector through the guarded dialer only: an undici Agent whose `connect` resolves the name
 * (resolve.ts), opens TCP with dialer.tcp (directly, or to a SOCKS5/HTTP proxy such as a local Tor client)
 * and TLS with dialer.tls — and, unlike a measurement, refuses a certificate that does not verify.
 */
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import { Agent, type buildConnector, request } from 'undici';
import type { Dialer } from '../net/dialer.ts';
import { parseHostPort, resolveHost } from './resolve.ts';

export interface HttpClientOptions {
  dialer: Dialer;
  resolver: string | null;
  proxy: string | null;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpClient {
  request(
    url: string,
    init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Buffer | string },
  ): Promise<HttpResponse>;
  close(): Promise<void>;
}

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * An error on the way to or through the proxy, marked so the upload attempt blames the proxy: `proxyStage`
 * 'connect' (the proxy itself could not be reached) or 'handshake' (it answered but would not, or could not,
 * open the tunnel to the collector).
 */
export type ProxyError = Error & { code?: string; proxyStage: 'connect' | 'handshake' };

function proxyError(err: unknown, stage: 'connect' | 'handshake', proxy: string): ProxyError {
  const e = (err instanceof Error ? err : new Error(String(err))) as ProxyError;
  e.message = `proxy ${proxy}: ${e.message}`;
  e.proxyStage = stage;
  return e;
}

export function proxyStageOf(err: unknown): 'connect' | 'handshake' | null {
  return (err as Partial<ProxyError> | null)?.proxyStage ?? null;
}

async function httpConnect(sock: Socket, host: string, port: number, timeoutMs: number): Promise<Socket> {
  sock.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(codedError('proxy CONNECT timed out', 'ETIMEDOUT')), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      sock.off('data', onData);
      const rest = Buffer.from(buf.slice(end + 4), 'latin1');
      if (rest.length) sock.unshift(rest);
      resolve(buf.slice(0, end));
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('end', () => reject(codedError('proxy closed the connection', 'ECONNRESET')));
  });
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  if (status !== '200') throw codedError(`proxy refused CONNECT: ${head.split('\r\n')[0]}`, 'EPROXY');
  return sock;
}

/** A TCP stream to host:port, directly or through the proxy. */
async function openStream(
  o: HttpClientOptions,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Socket> {
  const { dialer } = o;
  if (o.proxy) {
    const p = new URL(o.proxy);
    const scheme = p.protocol.replace(':', '');
    const defaultPort = scheme.startsWith('socks') ? 1080 : scheme === 'https' ? 443 : 8080;
    const { host: ph, port: pp } = parseHostPort(p.host, defaultPort);
    const shown = `${p.protocol}//${p.host}`;
    let sock: Socket;
    let pip = ph;
    try {
      [pip] = await resolveHost(dialer, ph, o.resolver);
      sock = await dialer.tcp(pip, pp, { timeoutMs });
      if (scheme === 'https') {
        // like the collector's, a proxy's certificate must verify: the tunnel is only as private as this hop
        const t = await dialer.tls(sock, { servername: ph, timeoutMs });
        if (!t.verified) {
          t.socket.destroy();
          throw codedError(`certificate for ${ph}: ${t.verifyError}`, t.verifyCode ?? 'TLS');
        }
        sock = t.socket;
      }
    } catch (err) {
      throw proxyError(err, 'connect', shown);
    }
    try {
      if (!scheme.startsWith('socks')) return await httpConnect(sock, host, port, timeoutMs);
      const res = await SocksClient.createConnection({
        proxy: {
          host: pip,
          port: pp,
          type: 5,
          userId: decodeURIComponent(p.username) || undefined,
          password: decodeURIComponent(p.password) || undefined,
        },
        command: 'connect',
        destination: { host, port },
        existing_socket: sock,
        timeout: timeoutMs,
      });
      return res.socket;
    } catch (err) {
      sock.destroy();
      throw proxyError(err, 'handshake', shown);
    }
  }
  let lastErr: unknown = null;
  for (const ip of await resolveHost(dialer, host, o.resolver)) {
    try {
      return await dialer.tcp(ip, port, { timeoutMs });
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr ?? codedError(`no address for ${host}`, 'ENOTFOUND');
}

export function createHttpClient(o: HttpClientOptions): HttpClient {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const connect: buildConnector.connector = (opts, cb) => {
    const https = opts.protocol === 'https:';
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const port = Number(opts.port) || (https ? 443 : 80);
    (async () => {
      const sock = await openStream(o, host, port, timeoutMs);
      if (!https) return sock;
      const servername = opts.servername || host;
      const t = await o.dialer.tls(sock, { servername, alpn: ['http/1.1'], timeoutMs });
      if (!t.verified) {
        t.socket.destroy();
        throw codedError(`collector certificate for ${servername}: ${t.verifyError}`, t.verifyCode ?? 'TLS');
      }
      return t.socket;
    })().then(
      (s) => cb(null, s),
      (err: Error) => cb(err, null),
    );
  };
  const agent = new Agent({ connect, pipelining: 1, connections: 2, keepAliveTimeout: 5_000 });
  return {
    async request(url, init) {
      const res = await request(url, {
        dispatcher: agent,
        method: init.method,
        headers: init.headers,
        body: init.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    },
    close: () => agent.close(),
  };
}
