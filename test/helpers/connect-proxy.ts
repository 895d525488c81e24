/**
 * A small real HTTP CONNECT proxy on loopback for tests (node:http's 'connect' event), or an HTTPS one with
 * `tls` (a certificate for 127.0.0.1): it tunnels only to loopback destinations (anything else gets 403) and
 * records every CONNECT it receives.
 */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { loopbackDestination, type ProxyRequest, type TestProxy } from './socks5-server.ts';

export async function startConnectProxy(o: { tls?: { cert: string; key: string } } = {}): Promise<TestProxy> {
  const requests: ProxyRequest[] = [];
  const sockets = new Set<Socket>();
  const refuse = (_req: unknown, res: { writeHead(n: number): { end(s: string): void } }) => {
    res.writeHead(405).end('CONNECT only');
  };
  const server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, refuse) : createServer(refuse);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const r: ProxyRequest = { host: m?.[1] ?? String(req.url), port: Number(m?.[2] ?? 0), result: 'ok' };
    requests.push(r);
    if (!m || !loopbackDestination(r.host)) {
      r.result = 'not allowed (not loopback)';
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect({ host: r.host === 'localhost' ? '127.0.0.1' : r.host, port: r.port });
    sockets.add(upstream);
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      r.result = err.code ?? err.message;
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
