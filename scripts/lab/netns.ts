/**
 * Topology: rb-probe ── rb-censor ── rb-servers ── rb-outside.
 * The probe reaches everything through the censor; rb-outside reaches the servers over its own
 * veth (never through the censor). rb-servers routes between the censor and rb-outside, so the
 * probe reaches the collector through the censor. No namespace has a default route.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import {
  ALL_NS,
  BLOCKPAGE_IP,
  COLLECTOR_NET,
  COLLECTORS,
  LINKS,
  NETNS_ETC,
  NS,
  NS_PREFIX,
  POISONER_IP,
  RESOLVER_IP,
  VPN,
} from './constants.ts';
import { inNs, run, runSync } from './sh.ts';
import { BENCH, ORIGINS } from './sites.ts';

const { probeCensor: pc, censorServers: cs, outsideServers: os } = LINKS;

/** Every address hosted on rb-servers' loopback (origins, resolver, VPN servers, bench). */
export function serverIps(): string[] {
  const ips = new Set<string>([RESOLVER_IP, ...ORIGINS.map((o) => o.ip), ...BENCH.ips]);
  for (const v of Object.values(VPN)) ips.add(v.ip);
  return [...ips];
}

function sysctls(forward: boolean): string[] {
  return [
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.default.rp_filter=0',
    `net.ipv4.ip_forward=${forward ? 1 : 0}`,
  ];
}

function nsBatch(ns: string, lines: string[]): Promise<unknown> {
  return run(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

export async function createTopology(): Promise<void> {
  await run(['ip', '-batch', '-'], { input: `${ALL_NS.map((ns) => `netns add ${ns}`).join('\n')}\n` });
  const forwarders = new Set<string>([NS.censor, NS.servers]);
  await Promise.all(ALL_NS.map((ns) => run(inNs(ns, ['sysctl', '-qw', ...sysctls(forwarders.has(ns))]))));
  await run(['ip', '-batch', '-'], {
    input: [
      `link add ${pc.probeIf} netns ${NS.probe} type veth peer name ${pc.censorIf} netns ${NS.censor}`,
      `link add ${cs.censorIf} netns ${NS.censor} type veth peer name ${cs.serversIf} netns ${NS.servers}`,
      `link add ${os.outsideIf} netns ${NS.outside} type veth peer name ${os.serversIf} netns ${NS.servers}`,
      '',
    ].join('\n'),
  });
  await Promise.all([
    nsBatch(NS.probe, [
      'link set lo up',
      `addr add ${pc.probeIp}/${pc.prefix} dev ${pc.probeIf}`,
      `link set ${pc.probeIf} up`,
      `route add 198.18.0.0/15 via ${pc.censorIp}`,
      `route add 100.64.0.0/10 via ${pc.censorIp}`,
    ]),
    nsBatch(NS.censor, [
      'link set lo up',
      `addr add ${BLOCKPAGE_IP}/32 dev lo`,
      `addr add ${POISONER_IP}/32 dev lo`,
      `addr add ${pc.censorIp}/${pc.prefix} dev ${pc.censorIf}`,
      `addr add ${cs.censorIp}/${cs.prefix} dev ${cs.censorIf}`,
      `link set ${pc.censorIf} up`,
      `link set ${cs.censorIf} up`,
      `route add 198.18.0.0/15 via ${cs.serversIp}`,
    ]),
    nsBatch(NS.servers, [
      'link set lo up',
      ...serverIps().map((ip) => `addr add ${ip}/32 dev lo`),
      `addr add ${cs.serversIp}/${cs.prefix} dev ${cs.serversIf}`,
      `addr add ${os.serversIp}/${os.prefix} dev ${os.serversIf}`,
      `link set ${cs.serversIf} up`,
      `link set ${os.serversIf} up`,
      `route add 100.64.0.0/10 via ${cs.censorIp}`,
      `route add ${COLLECTOR_NET} via ${os.outsideIp}`,
    ]),
    nsBatch(NS.outside, [
      'link set lo up',
      ...COLLECTORS.map((c) => `addr add ${c.ip}/32 dev lo`),
      `addr add ${os.outsideIp}/${os.prefix} dev ${os.outsideIf}`,
      `link set ${os.outsideIf} up`,
      `route add 198.18.0.0/15 via ${os.serversIp}`,
      `route add 100.64.0.0/10 via ${os.serversIp}`,
    ]),
  ]);
}

/** Lab namespaces currently present (any rb-* namespace, also leftovers of a crashed run). */
export function labNamespaces(): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((n) => n.startsWith(NS_PREFIX));
}

/** Pids of all processes living in a namespace. */
export function nsPids(ns: string): number[] {
  const r = runSync(['ip', 'netns', 'pids', ns], { check: false });
  return r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid);
}

export function deleteNamespacesSync(): void {
  for (const ns of labNamespaces()) runSync(['ip', 'netns', 'del', ns], { check: false });
  for (const ns of ALL_NS) rmSync(`${NETNS_ETC}/${ns}`, { recursive: true, force: true });
}
