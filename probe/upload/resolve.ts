/**
 * Resolving the collector's name through the guarded dialer: the configured resolver (--resolver, a UDP
 * query via dialer.udp) first, because the system resolver may be the one that lies, then the system one.
 */
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Dialer } from '../net/dialer.ts';

export function parseHostPort(spec: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : defaultPort };
  if (isIP(spec) === 6) return { host: spec, port: defaultPort };
  const [host, port] = spec.split(':');
  return { host, port: port ? Number(port) : defaultPort };
}

export async function queryResolver(
  dialer: Dialer,
  resolver: string,
  hostname: string,
  timeoutMs: number,
): Promise<string[]> {
  const { host, port } = parseHostPort(resolver, 53);
  const ch = await dialer.udp(host, port);
  try {
    const id = Math.floor(Math.random() * 65535);
    const query = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: 'A', name: hostname }],
    });
    await ch.send(query);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const buf = await ch.receive(deadline - Date.now());
      if (!buf) break;
      const res = dnsPacket.decode(buf);
      if (res.id !== id) continue;
      const ips: string[] = [];
      for (const a of res.answers ?? []) if (a.type === 'A' || a.type === 'AAAA') ips.push(a.data);
      const rcode = (res as { rcode?: string }).rcode;
      if (ips.length) return ips;
      throw Object.assign(new Error(`${hostname}: no address from ${resolver} (${rcode ?? 'empty'})`), {
        code: rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA',
      });
    }
    throw Object.assign(new Error(`${hostname}: ${resolver} did not answer`), { code: 'ETIMEOUT' });
  } finally {
    ch.close();
  }
}

/** Addresses for `hostname` (an IP literal is returned as is). */
export async function resolveHost(
  dialer: Dialer,
  hostname: string,
  resolver: string | null,
  timeoutMs = 5000,
): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  let firstErr: unknown = null;
  if (resolver) {
    try {
      return await queryResolver(dialer, resolver, bare, timeoutMs);
    } catch (err) {
      firstErr = err;
    }
  }
  try {
    return await dialer.lookupSystem(bare);
  } catch (err) {
    throw firstErr ?? err;
  }
}
