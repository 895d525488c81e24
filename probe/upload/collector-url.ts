/** Collector URLs: joining API paths, reading `{ error: { code, message } }` bodies, labels for logs. */
import type { HttpResponse } from './http-client.ts';

export function apiUrl(collector: string, path: string): string {
  const base = collector.endsWith('/') ? collector : `${collector}/`;
  return new URL(`api/v1/${path}`, base).toString();
}

export class CollectorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return null;
  }
}

export function collectorError(res: HttpResponse, what: string): CollectorHttpError {
  const body = parseJson(res) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? null;
  const msg = body?.error?.message ?? res.body.toString('utf8').slice(0, 200);
  return new CollectorHttpError(
    res.status,
    code,
    `${what}: HTTP ${res.status}${code ? ` ${code}` : ''}: ${msg}`,
    body,
  );
}

/** The URL without credentials, for logs and status. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Validates a collector URL given on the command line or in the config. */
export function checkCollectorUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid collector URL "${url}" (expected http(s)://host[:port][/path])`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`collector URL "${url}" must start with http:// or https://`);
  }
  return url.replace(/\/+$/, '');
}
