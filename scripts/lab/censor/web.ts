/**
 * TLS and HTTP behaviours. SNI matches are exact (type 0 + 2-byte length + name), so blocking x.com
 * does not block max.com or api.x.com, and another name on the same IP keeps working.
 * http-blockpage redirects probe-side TCP 80 to a transparent nginx proxy on the censor whose
 * `map $host` serves the blockpage for listed hosts and proxy_passes the rest (resolving the Host
 * with the lab resolver). http-rst resets connections whose request carries "Host: <name>".
 */
import { BLOCKPAGE_IP, PROXY_PORT } from '../constants.ts';
import { type Behaviour, needNames } from './behaviour.ts';
import { hostHeaderHexString, sniHexString } from './patterns.ts';
import { addRules } from './plan.ts';

const sniMatch = (name: string) => `-p tcp -m string --algo bm --hex-string "${sniHexString(name)}"`;

export const sniRst: Behaviour = {
  name: 'sni-rst',
  usage: 'sni-rst on <name>...',
  summary: 'reset (TCP RST to the client) TLS connections whose ClientHello has one of the SNI names',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    for (const n of args)
      addRules(plan.filter, 'rb-sni-rst', `${sniMatch(n)} -j REJECT --reject-with tcp-reset`);
  },
};

export const sniDrop: Behaviour = {
  name: 'sni-drop',
  usage: 'sni-drop on <name>...',
  summary: 'drop packets carrying one of the SNI names: the TLS handshake times out',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    for (const n of args) addRules(plan.filter, 'rb-sni-drop', `${sniMatch(n)} -j DROP`);
  },
};

export const httpBlockpage: Behaviour = {
  name: 'http-blockpage',
  usage: 'http-blockpage on <host>...',
  summary:
    'serve the PTA-style blockpage (HTTP 200) for plain-HTTP requests to the hosts; other hosts are proxied',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    addRules(
      plan.nat,
      'rb-http-proxy',
      `-p tcp --dport 80 ! -d ${BLOCKPAGE_IP} -j REDIRECT --to-ports ${PROXY_PORT}`,
    );
    plan.proxyHosts.push(...args);
  },
};

export const httpRst: Behaviour = {
  name: 'http-rst',
  usage: 'http-rst on <host>...',
  summary: 'reset plain-HTTP connections whose request has "Host: <host>" (case-insensitive)',
  normalize(args) {
    return needNames(this, args);
  },
  contribute(args, plan) {
    for (const h of args) {
      addRules(
        plan.filter,
        'rb-http-rst',
        `-p tcp -m string --algo bm --icase --hex-string "${hostHeaderHexString(h)}" -j REJECT --reject-with tcp-reset`,
      );
    }
  },
};
