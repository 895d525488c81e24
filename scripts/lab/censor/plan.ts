/** A censor plan: everything the active behaviours want installed in rb-censor. */

export const FILTER_CHAINS = [
  'rb-blackhole',
  'rb-ip-blackhole',
  'rb-loss',
  'rb-vpn-port-drop',
  'rb-openvpn-dpi',
  'rb-wireguard-dpi',
  'rb-dns-drop',
  'rb-sni-rst',
  'rb-sni-drop',
  'rb-http-rst',
] as const;
export const NAT_CHAINS = ['rb-dns-redirect', 'rb-http-proxy'] as const;
/** rb-throttle-sni is hooked from mangle FORWARD, rb-classify from mangle POSTROUTING. */
export const MANGLE_CHAINS = ['rb-throttle-sni', 'rb-classify'] as const;

export type FilterChain = (typeof FILTER_CHAINS)[number];
export type NatChain = (typeof NAT_CHAINS)[number];
export type MangleChain = (typeof MANGLE_CHAINS)[number];

export interface HtbClass {
  minor: number;
  rate: string;
  /** Throttle by IP: u32 filters on this address (src on the probe side, dst on the server side). */
  ip?: string;
}

export interface CensorPlan {
  filter: Partial<Record<FilterChain, string[]>>;
  nat: Partial<Record<NatChain, string[]>>;
  mangle: Partial<Record<MangleChain, string[]>>;
  /** Poisoning resolver answers: name → IPv4, or null for NXDOMAIN. */
  poison: Record<string, string | null>;
  /** Hosts that get the blockpage from the transparent proxy. */
  proxyHosts: string[];
  htb: HtbClass[];
}

export function emptyPlan(): CensorPlan {
  return { filter: {}, nat: {}, mangle: {}, poison: {}, proxyHosts: [], htb: [] };
}

export function addRules<K extends string>(
  table: Partial<Record<K, string[]>>,
  chain: K,
  ...rules: string[]
): void {
  table[chain] ??= [];
  table[chain]!.push(...rules);
}

/** iptables-restore --noflush input that flushes every lab chain and refills it from the plan. */
export function iptablesRestoreInput(plan: CensorPlan): string {
  const section = (table: string, chains: readonly string[], rules: Partial<Record<string, string[]>>) => [
    `*${table}`,
    ...chains.flatMap((c) => [`-F ${c}`, ...(rules[c] ?? []).map((r) => `-A ${c} ${r}`)]),
    'COMMIT',
  ];
  return `${[
    ...section('filter', FILTER_CHAINS, plan.filter),
    ...section('nat', NAT_CHAINS, plan.nat),
    ...section('mangle', MANGLE_CHAINS, plan.mangle),
  ].join('\n')}\n`;
}
