/** Fail early, with the install line, when the lab cannot run here (not root, a tool missing). */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Command → Debian package. */
export const REQUIRED_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  ss: 'iproute2',
  tc: 'iproute2',
  sysctl: 'procps',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
  conntrack: 'conntrack',
  nginx: 'nginx-light',
  dnsmasq: 'dnsmasq-base',
  openvpn: 'openvpn',
  '/usr/lib/ipsec/charon': 'strongswan-charon',
  swanctl: 'strongswan-swanctl',
  tor: 'tor',
  'wireguard-go': 'wireguard-go',
  wg: 'wireguard-tools',
  openssl: 'openssl',
};

function onPath(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => d && existsSync(join(d, cmd)));
}

export function missingTools(): string[] {
  return Object.keys(REQUIRED_TOOLS).filter((c) => !onPath(c));
}

export function preflight(): void {
  if (process.getuid?.() !== 0)
    throw new Error('the censor lab needs root (network namespaces, iptables, tc)');
  const missing = missingTools();
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((c) => REQUIRED_TOOLS[c]))].join(' ');
    throw new Error(
      `the censor lab needs: ${missing.join(', ')}; install with: apt-get install -y --no-install-recommends ${pkgs}`,
    );
  }
  if (!existsSync('/dev/net/tun'))
    throw new Error('the censor lab needs /dev/net/tun (OpenVPN, wireguard-go)');
}
