/** Base firewall layout: empty lab chains hooked once at `up`; behaviours only refill their chains. */
import { LINKS } from '../constants.ts';
import { FILTER_CHAINS, MANGLE_CHAINS, NAT_CHAINS } from './plan.ts';

const PROBE_IF = LINKS.probeCensor.censorIf;

export function censorBaseRules(): string {
  const decl = (chains: readonly string[]) => chains.map((c) => `:${c} - [0:0]`);
  return `${[
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...decl(FILTER_CHAINS),
    ...FILTER_CHAINS.map((c) => `-A FORWARD -j ${c}`),
    ...FILTER_CHAINS.map((c) => `-A INPUT -i ${PROBE_IF} -j ${c}`),
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...decl(NAT_CHAINS),
    ...NAT_CHAINS.map((c) => `-A PREROUTING -i ${PROBE_IF} -j ${c}`),
    'COMMIT',
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...decl(MANGLE_CHAINS),
    '-A FORWARD -j rb-throttle-sni',
    '-A POSTROUTING -j rb-classify',
    'COMMIT',
  ].join('\n')}\n`;
}

/** rb-servers: one chain where stopped origins ("server really down") get refused or dropped. */
export function serversBaseRules(): string {
  return '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:rb-stopped - [0:0]\n-A INPUT -j rb-stopped\nCOMMIT\n';
}

export function stoppedRules(stopped: Record<string, 'refuse' | 'drop'>): string {
  const rules = Object.entries(stopped).flatMap(([ip, mode]) =>
    mode === 'drop'
      ? [`-A rb-stopped -d ${ip} -j DROP`]
      : [
          `-A rb-stopped -d ${ip} -p tcp -j REJECT --reject-with tcp-reset`,
          `-A rb-stopped -d ${ip} -p udp -j REJECT --reject-with icmp-port-unreachable`,
        ],
  );
  return `*filter\n-F rb-stopped\n${rules.map((r) => `${r}\n`).join('')}COMMIT\n`;
}
