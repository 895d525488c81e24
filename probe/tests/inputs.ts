/** Parsing of test inputs: a URL for web, `host:port` for tcp, a host name for dns. Throws on bad input. */
import { isIP } from 'node:net';

export function parseWebInput(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`web input must be an http(s) URL, got "${input}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`web input must be http(s), got "${input}"`);
  if (url.username || url.password) throw new Error(`web input must not carry credentials: "${input}"`);
  return url;
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

export function isHostName(s: string): boolean {
  return HOSTNAME.test(s) || isIP(s) !== 0;
}

export function parseHostPort(input: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(input) ?? /^([^:[\]]+):(\d{1,5})$/.exec(input);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !isHostName(m[1]) || port < 1 || port > 65535)
    throw new Error(`tcp input must be host:port, got "${input}"`);
  return { host: m[1].toLowerCase(), port };
}

export function parseDnsInput(input: string): string {
  const host = input
    .trim()
    .replace(/^dns:\/\//i, '')
    .replace(/\/$/, '')
    .toLowerCase();
  if (!isHostName(host) || isIP(host)) throw new Error(`dns input must be a host name, got "${input}"`);
  return host.replace(/\.$/, '');
}
