/**
 * A small real SOCKS5 server on loopback for tests, written against RFC 1928 (CONNECT only) with the
 * username/password method of RFC 1929 when credentials are set. It connects only to loopback destinations
 * (127.0.0.0/8, ::1, "localhost"); anything else gets reply 0x02 (not allowed by ruleset) — a test can never
 * make it reach the internet. Every CONNECT request it receives is recorded.
 */
import { type AddressInfo, connect, createServer, isIPv4, isIPv6, type Socket } from 'node:net';

export interface ProxyRequest {
  host: string;
  port: number;
  /** what the proxy answered: 'ok' or the reason it did not connect */
  result: string;
}

export interface TestProxy {
  port: number;
  /** socks5://127.0.0.1:PORT or http://127.0.0.1:PORT */
  url: string;
  requests: ProxyRequest[];
  close(): Promise<void>;
}

/** true for the destinations a test proxy may connect to */
export function loopbackDestination(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

/** Reads exactly n bytes at a time from a socket (buffering what arrives early). */
function reader(sock: Socket) {
  let buf = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  let closed = false;
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake?.();
  });
  sock.on('close', () => {
    closed = true;
    wake?.();
  });
  return async (n: number): Promise<Buffer> => {
    while (buf.length < n) {
      if (closed) throw new Error('client went away');
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = null;
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
}

const REPLY_CODES: Record<string, number> = { ECONNREFUSED: 0x05, EHOSTUNREACH: 0x04, ENETUNREACH: 0x03 };

function reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

async function serve(client: Socket, requests: ProxyRequest[], creds: { user: string; pass: string } | null) {
  const read = reader(client);
  const [ver, nMethods] = await read(2);
  if (ver !== 0x05) return client.destroy();
  const methods = [...(await read(nMethods))];
  const method = creds ? 0x02 : 0x00;
  if (!methods.includes(method)) return client.end(Buffer.from([0x05, 0xff]));
  client.write(Buffer.from([0x05, method]));
  if (creds) {
    const [, ulen] = await read(2);
    const user = (await read(ulen)).toString();
    const [plen] = await read(1);
    const pass = (await read(plen)).toString();
    const ok = user === creds.user && pass === creds.pass;
    client.write(Buffer.from([0x01, ok ? 0x00 : 0x01]));
    if (!ok) return client.end();
  }
  const [, cmd, , atyp] = await read(4);
  let host: string;
  if (atyp === 0x01) host = [...(await read(4))].join('.');
  else if (atyp === 0x03) host = (await read((await read(1))[0])).toString();
  else if (atyp === 0x04) {
    const b = await read(16);
    host = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':');
    if (host === '0:0:0:0:0:0:0:1') host = '::1';
  } else return client.end(reply(0x08));
  const port = (await read(2)).readUInt16BE(0);
  const req: ProxyRequest = { host, port, result: 'ok' };
  requests.push(req);
  if (cmd !== 0x01) {
    req.result = 'command not supported';
    return client.end(reply(0x07));
  }
  if (!loopbackDestination(host)) {
    req.result = 'not allowed (not loopback)';
    return client.end(reply(0x02));
  }
  const upstream = connect({ host: host === 'localhost' ? '127.0.0.1' : host, port });
  upstream.once('error', (err: NodeJS.ErrnoException) => {
    req.result = err.code ?? err.message;
    client.end(reply(REPLY_CODES[err.code ?? ''] ?? 0x01));
  });
  upstream.once('connect', () => {
    client.removeAllListeners('data');
    client.write(reply(0x00));
    upstream.pipe(client);
    client.pipe(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
}

export async function startSocks5Server(
  o: { user?: string; pass?: string; host?: string } = {},
): Promise<TestProxy> {
  const requests: ProxyRequest[] = [];
  const sockets = new Set<Socket>();
  const creds = o.user !== undefined ? { user: o.user, pass: o.pass ?? '' } : null;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    serve(client, requests, creds).catch(() => client.destroy());
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `socks5://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
