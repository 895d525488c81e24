/**
 * The guarded dialer: the ONLY place in the probe that opens sockets or asks the system resolver.
 * Every destination is checked against the guard before a packet can leave.
 */

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP, Socket } from 'node:net';
import {
  checkServerIdentity,
  createSecureContext,
  rootCertificates,
  type SecureContext,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import { TimeoutError } from './errors.ts';
import { DestinationNotAllowed, type Guard } from './guard.ts';

export interface DialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TlsOptions extends DialOptions {
  servername: string;
  alpn?: string[];
}

export interface TlsResult {
  socket: TLSSocket;
  /** chain verifies against the trust store AND the certificate matches servername */
  verified: boolean;
  verifyError: string | null;
  verifyCode: string | null;
}

export interface UdpChannel {
  readonly address: string;
  send(payload: Uint8Array): Promise<void>;
  /** Next datagram, or null on timeout. Rejects with ECONNREFUSED when an ICMP port unreachable came back. */
  receive(timeoutMs: number): Promise<Buffer | null>;
  close(): void;
}

export interface Dialer {
  readonly guard: Guard;
  /** PEM certificates trusted for TLS verification (system roots + --ca). */
  readonly ca: string[];
  tcp(ip: string, port: number, opts?: DialOptions): Promise<Socket>;
  /** TLS over an already-connected socket; never rejects for verification: that is recorded instead. */
  tls(socket: Socket, opts: TlsOptions): Promise<TlsResult>;
  udp(ip: string, port: number): Promise<UdpChannel>;
  /** getaddrinfo through the system resolver, refused if /etc/resolv.conf names a resolver outside the guard. */
  lookupSystem(hostname: string): Promise<string[]>;
  systemResolvers(): string[];
}

export interface DialerConfig {
  guard: Guard;
  extraCaPem?: string[];
  defaultTimeoutMs?: number;
  resolvConfPath?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError(`timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1].replace(/%.*$/, ''));
  }
  return out;
}

export function createDialer(cfg: DialerConfig): Dialer {
  const { guard } = cfg;
  const defaultTimeout = cfg.defaultTimeoutMs ?? 10_000;
  const ca = [...rootCertificates, ...(cfg.extraCaPem ?? [])];
  // one context for every handshake: parsing ~150 trusted certificates per connect cost ~20 ms of CPU
  // and ~0.7 MiB each (the probe's main cost before this)
  let secureContext: SecureContext | null = null;
  const context = () => {
    secureContext ??= createSecureContext({ ca });
    return secureContext;
  };
  const resolvConf = cfg.resolvConfPath ?? '/etc/resolv.conf';

  const systemResolvers = (): string[] => {
    try {
      const list = parseResolvConf(readFileSync(resolvConf, 'utf8'));
      return list.length ? list : ['127.0.0.1'];
    } catch {
      return ['127.0.0.1'];
    }
  };

  return {
    guard,
    ca,
    systemResolvers,
    async tcp(ip, port, opts = {}) {
      if (!isIP(ip)) throw new Error(`tcp dial needs an IP address, got "${ip}"`);
      guard.check(ip);
      const socket = new Socket();
      const connected = new Promise<Socket>((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
      const onAbort = () => socket.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      socket.connect({ host: ip, port });
      try {
        return await withTimeout(connected, opts.timeoutMs ?? defaultTimeout, () => socket.destroy());
      } catch (err) {
        socket.destroy();
        throw err;
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
      }
    },
    async tls(socket, opts) {
      const s = tlsConnect({
        socket,
        servername: isIP(opts.servername) ? undefined : opts.servername,
        ALPNProtocols: opts.alpn,
        secureContext: context(),
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
      });
      const done = new Promise<TLSSocket>((resolve, reject) => {
        s.once('secureConnect', () => resolve(s));
        s.once('error', reject);
      });
      try {
        await withTimeout(done, opts.timeoutMs ?? defaultTimeout, () => s.destroy());
      } catch (err) {
        s.destroy();
        throw err;
      } finally {
        s.removeAllListeners('error');
      }
      let verifyError: string | null = null;
      let verifyCode: string | null = null;
      if (!s.authorized) {
        const e = s.authorizationError as unknown as Error & { code?: string };
        verifyCode = typeof e === 'string' ? e : (e?.code ?? String(e));
        verifyError = typeof e === 'string' ? e : (e?.message ?? String(e));
      } else {
        const idErr = checkServerIdentity(opts.servername, s.getPeerCertificate()) as
          | (Error & { code?: string })
          | undefined;
        if (idErr) {
          verifyCode = idErr.code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
          verifyError = idErr.message;
        }
      }
      return { socket: s, verified: verifyError === null, verifyError, verifyCode };
    },
    async udp(ip, port) {
      if (!isIP(ip)) throw new Error(`udp dial needs an IP address, got "${ip}"`);
      guard.check(ip);
      const sock: UdpSocket = createSocket(isIP(ip) === 6 ? 'udp6' : 'udp4');
      const queue: Buffer[] = [];
      let waiter: ((b: Buffer | null, err?: Error) => void) | null = null;
      let pendingError: Error | null = null;
      sock.on('message', (msg) => {
        if (waiter) {
          const w = waiter;
          waiter = null;
          w(msg);
        } else queue.push(msg);
      });
      sock.on('error', (err) => {
        if (waiter) {
          const w = waiter;
          waiter = null;
          w(null, err);
        } else pendingError = err;
      });
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.connect(port, ip, () => {
          sock.removeListener('error', reject);
          resolve();
        });
      });
      return {
        address: `${ip}:${port}`,
        send: (payload) =>
          new Promise<void>((resolve, reject) =>
            sock.send(payload, (err) => (err ? reject(err) : resolve())),
          ),
        receive(timeoutMs) {
          if (pendingError) {
            const e = pendingError;
            pendingError = null;
            return Promise.reject(e);
          }
          const next = queue.shift();
          if (next) return Promise.resolve(next);
          return new Promise<Buffer | null>((resolve, reject) => {
            const timer = setTimeout(() => {
              waiter = null;
              resolve(null);
            }, timeoutMs);
            waiter = (b, err) => {
              clearTimeout(timer);
              if (err) reject(err);
              else resolve(b);
            };
          });
        },
        close() {
          try {
            sock.close();
          } catch {}
        },
      };
    },
    async lookupSystem(hostname) {
      for (const r of systemResolvers()) {
        if (!guard.allows(r)) throw new DestinationNotAllowed(`${r} (system resolver)`);
      }
      const res = await dns.lookup(hostname, { all: true, verbatim: true });
      return res.map((r) => r.address);
    },
  };
}
