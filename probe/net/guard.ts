/**
 * Destination guard: an allow-list of address ranges. The guarded dialer checks it before any socket is
 * opened, so a probe configured for the lab can never send a packet anywhere else.
 */
import { BlockList, isIP } from 'node:net';

export class DestinationNotAllowed extends Error {
  readonly code = 'destination_not_allowed';
  constructor(readonly address: string) {
    super(`destination ${address} is outside the allowed ranges (--allow)`);
  }
}

/** Ranges a public-internet probe never needs (RFC 6890 special-purpose); `public` excludes them. */
const SPECIAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
];
const SPECIAL_V6 = [
  '::/127', // IPv4-mapped and compatible forms are checked as IPv4 by BlockList itself
  '64:ff9b::/96',
  '100::/64',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

export interface Guard {
  readonly description: string;
  allows(ip: string): boolean;
  /** Throws DestinationNotAllowed unless `ip` is an IP literal inside the allowed ranges. */
  check(ip: string): void;
}

function addCidr(list: BlockList, cidr: string): void {
  const [addr, bits] = cidr.split('/');
  const family = isIP(addr);
  if (!family) throw new Error(`invalid address range "${cidr}" in --allow`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`invalid prefix in "${cidr}"`);
  list.addSubnet(addr, prefix, type);
}

/**
 * `spec` is a comma-separated list of CIDRs, or `public` (every address except the special-purpose ranges),
 * or `any`. Example for the lab: `127.0.0.0/8,::1/128,198.18.0.0/15,100.64.0.0/10`.
 */
export function createGuard(spec: string): Guard {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error('--allow needs at least one address range');
  const allow = new BlockList();
  const deny = new BlockList();
  let anyPublic = false;
  for (const p of parts) {
    if (p === 'any') {
      addCidr(allow, '0.0.0.0/0');
      addCidr(allow, '::/0');
    } else if (p === 'public') {
      anyPublic = true;
    } else addCidr(allow, p);
  }
  if (anyPublic) {
    for (const c of SPECIAL_V4) addCidr(deny, c);
    for (const c of SPECIAL_V6) addCidr(deny, c);
  }
  const allows = (ip: string): boolean => {
    const family = isIP(ip);
    if (!family) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (allow.check(ip, type)) return true;
    return anyPublic && !deny.check(ip, type);
  };
  return {
    description: parts.join(','),
    allows,
    check(ip: string) {
      if (!allows(ip)) throw new DestinationNotAllowed(ip);
    },
  };
}

export const LAB_ALLOW = '127.0.0.0/8,::1/128,198.18.0.0/15,100.64.0.0/10';
