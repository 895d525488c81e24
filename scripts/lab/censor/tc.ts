/**
 * tc HTB on both censor links. Probe side (rb-c0): download, filter on the server IP as source.
 * Server side (rb-c1): upload, filter on the server IP as destination. Unclassified traffic is not
 * shaped (no default class). throttle-sni classes are selected by CLASSIFY (skb priority).
 */
import { LINKS } from '../constants.ts';
import { classId } from './patterns.ts';
import type { HtbClass } from './plan.ts';

export const TC_DEVS = [
  { dev: LINKS.probeCensor.censorIf, dir: 'src' },
  { dev: LINKS.censorServers.censorIf, dir: 'dst' },
] as const;

export function tcBatch(classes: HtbClass[]): string {
  if (classes.length === 0) return '';
  const lines: string[] = [];
  for (const { dev, dir } of TC_DEVS) {
    lines.push(`qdisc add dev ${dev} root handle 1: htb`);
    for (const c of classes) {
      lines.push(
        `class add dev ${dev} parent 1: classid ${classId(c.minor)} htb rate ${c.rate} ceil ${c.rate} quantum 1514`,
      );
      if (c.ip)
        lines.push(
          `filter add dev ${dev} parent 1: protocol ip prio 1 u32 match ip ${dir} ${c.ip}/32 flowid ${classId(c.minor)}`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
