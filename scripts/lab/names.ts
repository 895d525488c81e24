/** The lab's name → IP table (what the lab resolver answers) and name/IP argument resolution. */
import { COLLECTORS, VPN } from './constants.ts';
import { BENCH, benchIp, benchName, ORIGINS } from './sites.ts';

export function hostsTable(): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const origin of ORIGINS) for (const name of origin.names) hosts[name] = origin.ip;
  for (const vpn of Object.values(VPN)) hosts[vpn.name] = vpn.ip;
  for (const c of COLLECTORS) hosts[c.name] = c.ip;
  for (let n = 1; n <= BENCH.count; n++) hosts[benchName(n)] = benchIp(n);
  return hosts;
}

/** Content of a hosts file for dnsmasq --addn-hosts. */
export function hostsFile(hosts: Record<string, string>): string {
  return `${Object.entries(hosts)
    .map(([name, ip]) => `${ip} ${name}`)
    .join('\n')}\n`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(s: string): boolean {
  const m = IPV4.exec(s);
  if (!m) return false;
  return m.slice(1).every((p) => Number(p) <= 255);
}

/** Resolve a behaviour argument (lab name or IPv4 address) to an IPv4 address. */
export function resolveTarget(token: string, hosts: Record<string, string> = hostsTable()): string {
  if (isIpv4(token)) return token;
  const ip = hosts[token.toLowerCase()];
  if (ip === undefined) throw new Error(`unknown lab name: ${token}`);
  return ip;
}

/** All names hosted on one IP (several names can share an origin IP). */
export function namesOnIp(ip: string, hosts: Record<string, string> = hostsTable()): string[] {
  return Object.entries(hosts)
    .filter(([, v]) => v === ip)
    .map(([k]) => k);
}
