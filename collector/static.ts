/**
 * The dashboard's built files (dashboard/dist) at `/`, with a strict Content-Security-Policy on every
 * response: scripts, styles, fonts and data only from this origin, no inline scripts, no plugins.
 * Without a build, `/` explains how to make one.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.ts';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const NOT_BUILT_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Raabta — dashboard not built</title></head><body>
<h1>Raabta collector is running</h1>
<p>The dashboard has not been built yet. Build it with:</p>
<pre>npm run build:dashboard</pre>
<p>then reload this page. The API is available meanwhile: <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}

async function serveFile(dir: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const root = resolve(dir);
  const path = decodeURIComponent(req.url.split('?')[0]);
  const wanted = path === '/' || !extname(path) ? '/index.html' : path;
  const file = resolve(root, `.${wanted}`);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
  const body = await readFile(file);
  reply
    .code(200)
    .type(TYPES[extname(file)] ?? 'application/octet-stream')
    .header('cache-control', wanted === '/index.html' ? 'no-cache' : 'public, max-age=300');
  await reply.send(req.method === 'HEAD' ? '' : body);
  return true;
}

export function installNotFound(app: FastifyInstance, dashboardDir: string | null): void {
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0];
    const isApi = path.startsWith('/api/') || path === '/api';
    if (!isApi && (req.method === 'GET' || req.method === 'HEAD') && dashboardDir) {
      try {
        if (await serveFile(dashboardDir, req, reply)) return reply;
      } catch {
        // a malformed path (bad percent-encoding) is simply not found
      }
      const built = existsSync(resolve(dashboardDir, 'index.html'));
      if (!built && (path === '/' || path === '/index.html')) {
        return reply.code(200).type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
      }
    }
    return reply.code(404).send(errorBody('not_found', `${req.method} ${path}: no such resource`));
  });
}
