/**
 * Runs inside rb-outside for test/e2e/lab-collectors.test.ts: HTTPS on each lab collector address (port
 * 443, certificate by SNI from the test's CA) reverse-proxied to the collector on 127.0.0.1:UPSTREAM with
 * X-Forwarded-For (the collector runs with --trust-proxy 127.0.0.1, as behind nginx), and an HTTP page on
 * the first address, port 80, that tells the caller its address (a body containing the probe's IP).
 *   node --import tsx lab-front.ts CERT KEY UPSTREAM_PORT IP…
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttp, request } from 'node:http';
import { createServer as createHttps } from 'node:https';

const [cert, key, upstream, ...ips] = process.argv.slice(2);
const tls = { cert: readFileSync(cert), key: readFileSync(key) };
let listening = 0;
const ready = () => {
  if (++listening === ips.length + 1) process.stdout.write('ready\n');
};
for (const ip of ips) {
  createHttps(tls, (req, res) => {
    const up = request(
      {
        host: '127.0.0.1',
        port: Number(upstream),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  }).listen(443, ip, ready);
}
createHttp((req, res) => {
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end(
      `<html><head><title>What is my IP</title></head><body>Your address is ${req.socket.remoteAddress}</body></html>`,
    );
}).listen(80, ips[0], ready);
