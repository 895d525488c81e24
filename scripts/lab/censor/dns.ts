/**
 * DNS behaviours. dns-poison / dns-nxdomain DNAT all probe-side port-53 traffic to the poisoning
 * dnsmasq on the censor (string-matched DNAT is unreliable: a resolver can reuse one UDP source port
 * for many queries). dns-drop drops queries whose QNAME ends with a listed name.
 * All three apply to the name and its subdomains.
 */
import { BLOCKPAGE_IP, POISONER_IP } from '../constants.ts';
import { type Behaviour, needNames, TCP_UDP } from './behaviour.ts';
import { qnameHexString } from './patterns.ts';
import { addRules, type CensorPlan } from './plan.ts';

function redirectDns(plan: CensorPlan): void {
  if (plan.nat['rb-dns-redirect']?.length) return;
  addRules(
    plan.nat,
    'rb-dns-redirect',
    ...TCP_UDP.map((p) => `${p} --dport 53 -j DNAT --to-destination ${POISONER_IP}:53`),
  );
}

export const dnsPoison: Behaviour = {
  name: 'dns-poison',
  usage: 'dns-poison on <name>...',
  summary: `answer A queries for the names (and subdomains) with the blockpage IP ${BLOCKPAGE_IP}`,
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    redirectDns(plan);
    for (const n of args) plan.poison[n] = BLOCKPAGE_IP;
  },
};

export const dnsNxdomain: Behaviour = {
  name: 'dns-nxdomain',
  usage: 'dns-nxdomain on <name>...',
  summary: 'answer NXDOMAIN for the names (and subdomains)',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    redirectDns(plan);
    for (const n of args) plan.poison[n] = null;
  },
};

export const dnsDrop: Behaviour = {
  name: 'dns-drop',
  usage: 'dns-drop on <name>...',
  summary: 'drop DNS queries (UDP and TCP) for the names (and subdomains): the client times out',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    for (const n of args) {
      addRules(
        plan.filter,
        'rb-dns-drop',
        ...TCP_UDP.map(
          (p) => `${p} --dport 53 -m string --algo bm --icase --hex-string "${qnameHexString(n)}" -j DROP`,
        ),
      );
    }
  },
};
