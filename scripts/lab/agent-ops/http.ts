/**
 * HTTP(S) GET with Node's http/https. Options: ca (path), host (Host header / SNI override),
 * ip (connect to this address instead of resolving), maxBody (bytes of body returned as text).
 * Always reads the whole body and reports its size and the transfer rate (for throttle checks).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type AgentRequest, num, str, timeoutError } from './types.ts';

export function httpOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const url = new URL(str(req.url));
  const ms = num(req.timeoutMs, 5000);
  const maxBody = num(req.maxBody, 65536);
  const ip = typeof req.ip === 'string' ? req.ip : undefined;
  const lookup: LookupFunction | undefined = ip
    ? (_h, opts, cb) => (opts.all ? cb(null, [{ address: ip, family: 4 }]) : cb(null, ip, 4))
    : undefined;
  const isHttps = url.protocol === 'https:';
  const hostHeader = typeof req.host === 'string' ? req.host : undefined;
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { 'user-agent': 'raabta-lab-agent', ...(hostHeader ? { host: hostHeader } : {}) },
    lookup,
    agent: false,
    ...(isHttps
      ? {
          ca: typeof req.ca === 'string' ? readFileSync(req.ca) : undefined,
          servername: typeof req.servername === 'string' ? req.servername : (hostHeader ?? url.hostname),
          rejectUnauthorized: req.rejectUnauthorized !== false,
        }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const r = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let firstByteMs = -1;
      res.on('data', (d: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - t0;
        bytes += d.length;
        if (bytes - d.length < maxBody) chunks.push(d);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const totalMs = performance.now() - t0;
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
          bytes,
          totalMs: Math.round(totalMs),
          bytesPerSec: Math.round(bytes / (totalMs / 1000)),
        });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      r.destroy(timeoutError('http', ms));
    }, ms);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    r.end();
  });
}
