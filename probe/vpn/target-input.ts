/**
 * VPN target inputs:
 *   openvpn://HOST:PORT/udp | openvpn://HOST:PORT/tcp   (default port 1194)
 *   wireguard://HOST:PORT                              (default 51820; UDP)
 *   ikev2://HOST:PORT                                  (500 or 4500 = NAT-T with the non-ESP marker)
 *   tor://HOST:PORT                                    (an OR port; TCP)
 * HOST is an IP literal or a host name (resolved through the system resolver and recorded).
 */
import { isIP } from 'node:net';

export type VpnProtocol = 'openvpn' | 'wireguard' | 'ikev2' | 'tor';
export type Transport = 'udp' | 'tcp';

export interface VpnInput {
  protocol: VpnProtocol;
  host: string;
  port: number;
  transport: Transport;
}

const DEFAULT_PORT: Record<VpnProtocol, number> = { openvpn: 1194, wireguard: 51820, ikev2: 500, tor: 443 };
const FIXED_TRANSPORT: Partial<Record<VpnProtocol, Transport>> = {
  wireguard: 'udp',
  ikev2: 'udp',
  tor: 'tcp',
};
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

export function parseVpnInput(input: string, expected?: VpnProtocol): VpnInput {
  const bad = (why: string) => new Error(`VPN input "${input}": ${why}`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw bad('not a proto://host:port URL');
  }
  const protocol = url.protocol.replace(/:$/, '') as VpnProtocol;
  if (!(protocol in DEFAULT_PORT)) throw bad(`unknown protocol ${protocol}`);
  if (expected && protocol !== expected) throw bad(`expected ${expected}://`);
  if (url.username || url.password || url.search || url.hash)
    throw bad('no credentials, query or fragment allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host || (!isIP(host) && !HOSTNAME.test(host))) throw bad('bad host');
  const port = url.port ? Number(url.port) : DEFAULT_PORT[protocol];
  const path = url.pathname.replace(/^\/+|\/+$/g, '').toLowerCase();
  const fixed = FIXED_TRANSPORT[protocol];
  let transport: Transport;
  if (path === '') transport = fixed ?? 'udp';
  else if (path === 'udp' || path === 'tcp') transport = path;
  else throw bad(`unknown transport "${path}"`);
  if (fixed && transport !== fixed) throw bad(`${protocol} runs over ${fixed}`);
  return { protocol, host, port, transport };
}

/** Canonical label for reasons: "OpenVPN UDP 1194", "WireGuard UDP 51820", "Tor TCP 443". */
export function describeInput(v: VpnInput): string {
  const names: Record<VpnProtocol, string> = {
    openvpn: 'OpenVPN',
    wireguard: 'WireGuard',
    ikev2: 'IKEv2',
    tor: 'Tor',
  };
  return `${names[v.protocol]} ${v.transport.toUpperCase()} ${v.port}${v.protocol === 'ikev2' && v.port === 4500 ? ' (NAT-T)' : ''}`;
}

export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Typed accessors for target.params. */
export function paramString(params: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = params?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`params.${key} must be a string`);
  return v;
}

export function paramPort(params: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = params?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
    throw new Error(`params.${key} must be a port`);
  return v;
}

export function paramPorts(params: Record<string, unknown> | undefined, key: string): number[] | undefined {
  const v = params?.[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Error(`params.${key} must be an array of ports`);
  return v.map((p, i) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
      throw new Error(`params.${key}[${i}] must be a port`);
    }
    return p;
  });
}
