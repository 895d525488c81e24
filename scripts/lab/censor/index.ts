/** Registry of censor behaviours, and building one combined plan from the active ones. */
import type { Behaviour, PlanCtx } from './behaviour.ts';
import { dnsDrop, dnsNxdomain, dnsPoison } from './dns.ts';
import { blackhole, ipBlackhole, loss, throttle, throttleSni } from './net.ts';
import { type CensorPlan, emptyPlan } from './plan.ts';
import { openvpnDpi, vpnPortDrop, wireguardDpi } from './vpn.ts';
import { httpBlockpage, httpRst, sniDrop, sniRst } from './web.ts';

export const BEHAVIOURS: Behaviour[] = [
  dnsPoison,
  dnsNxdomain,
  dnsDrop,
  sniRst,
  sniDrop,
  httpBlockpage,
  httpRst,
  ipBlackhole,
  vpnPortDrop,
  openvpnDpi,
  wireguardDpi,
  throttle,
  throttleSni,
  loss,
  blackhole,
];

export function getBehaviour(name: string): Behaviour {
  const b = BEHAVIOURS.find((x) => x.name === name);
  if (!b) throw new Error(`unknown behaviour ${name}; known: ${BEHAVIOURS.map((x) => x.name).join(', ')}`);
  return b;
}

/** Combined plan of all active behaviours (behaviour name → normalised args). */
export function buildPlan(active: Record<string, string[]>, hosts: Record<string, string>): CensorPlan {
  const plan = emptyPlan();
  let minor = 0x10;
  const ctx: PlanCtx = { hosts, nextMinor: () => minor++ };
  for (const b of BEHAVIOURS) {
    const args = active[b.name];
    if (args) b.contribute(args, plan, ctx);
  }
  return plan;
}

export type { Behaviour } from './behaviour.ts';
export type { CensorPlan } from './plan.ts';
