/**
 * IP-level behaviours: blackhole an IP, throttle an IP or an SNI (tc HTB on both censor links),
 * random loss, and a full national shutdown.
 */
import { LINKS } from '../constants.ts';
import { resolveTarget } from '../names.ts';
import { type Behaviour, needNoArgs, needTargets } from './behaviour.ts';
import { classId, isRate, sniHexString } from './patterns.ts';
import { addRules } from './plan.ts';

export const ipBlackhole: Behaviour = {
  name: 'ip-blackhole',
  usage: 'ip-blackhole on <ip|name>...',
  summary: 'drop everything to the IPs (names are resolved by the lab): connections time out',
  normalize(args, hosts) {
    return needTargets(this, args, hosts);
  },
  contribute(args, plan, ctx) {
    const ips = [...new Set(args.map((a) => resolveTarget(a, ctx.hosts)))];
    for (const ip of ips) addRules(plan.filter, 'rb-ip-blackhole', `-d ${ip} -j DROP`);
  },
};

/** Parse "<target>... <rate> [<target>... <rate>]" into [target, rate] pairs. */
export function parseRatePairs(name: string, args: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  let pending: string[] = [];
  for (const a of args) {
    if (isRate(a)) {
      if (pending.length === 0) throw new Error(`${name}: rate ${a} without a target before it`);
      for (const t of pending) pairs.push([t.toLowerCase(), a.toLowerCase()]);
      pending = [];
    } else pending.push(a);
  }
  if (pending.length > 0 || pairs.length === 0)
    throw new Error(`${name}: expected <target>... <rate> (rate like 1mbit, 500kbit)`);
  return pairs;
}

export const throttle: Behaviour = {
  name: 'throttle',
  usage: 'throttle on <ip|name>... <rate> [<ip|name>... <rate>]',
  summary: 'limit traffic to/from the IPs to the rate (tc HTB, u32 filter by IP), each IP its own class',
  normalize(args, hosts) {
    const pairs = parseRatePairs(this.name, args);
    for (const [t] of pairs) resolveTarget(t, hosts);
    return args.map((a) => a.toLowerCase());
  },
  contribute(args, plan, ctx) {
    for (const [t, rate] of parseRatePairs(this.name, args)) {
      plan.htb.push({ minor: ctx.nextMinor(), rate, ip: resolveTarget(t, ctx.hosts) });
    }
  },
};

export const throttleSni: Behaviour = {
  name: 'throttle-sni',
  usage: 'throttle-sni on <name>... <rate>',
  summary: 'limit TLS connections with the SNI to the rate (CONNMARK on the ClientHello + CLASSIFY into HTB)',
  normalize(args) {
    parseRatePairs(this.name, args);
    return args.map((a) => a.toLowerCase());
  },
  contribute(args, plan, ctx) {
    for (const [name, rate] of parseRatePairs(this.name, args)) {
      const minor = ctx.nextMinor();
      const mark = `0x${minor.toString(16)}/0xffff`;
      addRules(
        plan.mangle,
        'rb-throttle-sni',
        `-p tcp -m string --algo bm --hex-string "${sniHexString(name)}" -j CONNMARK --set-mark ${mark}`,
      );
      addRules(
        plan.mangle,
        'rb-classify',
        `-m connmark --mark ${mark} -j CLASSIFY --set-class ${classId(minor)}`,
      );
      plan.htb.push({ minor, rate });
    }
  },
};

export const loss: Behaviour = {
  name: 'loss',
  usage: 'loss on <probability 0..1>',
  summary: 'drop forwarded packets at random with the probability, both directions',
  normalize(args) {
    const p = Number(args[0]);
    if (args.length !== 1 || !(p > 0 && p <= 1)) throw new Error(`loss: ${this.usage}`);
    return [String(p)];
  },
  contribute(args, plan) {
    addRules(plan.filter, 'rb-loss', `-m statistic --mode random --probability ${args[0]} -j DROP`);
  },
};

export const blackhole: Behaviour = {
  name: 'blackhole',
  usage: 'blackhole on',
  summary: 'full national shutdown: drop everything the censor forwards and everything from the probe to it',
  normalize(args) {
    return needNoArgs(this, args);
  },
  contribute(_args, plan) {
    addRules(plan.filter, 'rb-blackhole', '-j DROP');
  },
};

export const CENSOR_LINK_DEVS = {
  probeSide: LINKS.probeCensor.censorIf,
  serverSide: LINKS.censorServers.censorIf,
};
