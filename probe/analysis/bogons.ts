/**
 * Special-purpose ("bogon") address ranges (RFC 6890 and friends). A DNS answer in a bogon range is
 * evidence of tampering ONLY when the control's answers are not in that same range: in the lab every
 * legitimate server is in 198.18.0.0/15, so lab answers agree with the control and are not evidence,
 * while the lab censor's 100.64.255.1 is. The list is a parameter of the analysis.
 */
import { BlockList, isIP } from 'node:net';

export const DEFAULT_BOGONS: readonly string[] = [
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
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/127',
  '100::/64',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

const lists = new Map<string, BlockList>();
/** IPv4 ranges as [network, mask] integers: checked by arithmetic (BlockList.check is slow per call). */
const v4 = new Map<string, [number, number] | null>();

function ipv4Int(a: string): number {
  const p = a.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

function v4Range(cidr: string): [number, number] | null {
  let r = v4.get(cidr);
  if (r === undefined) {
    const [addr, bits] = cidr.split('/');
    const n = Number(bits ?? 32);
    const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    r = isIP(addr) === 4 ? [(ipv4Int(addr) & mask) >>> 0, mask] : null;
    v4.set(cidr, r);
  }
  return r;
}

function listFor(cidr: string): BlockList | null {
  let l = lists.get(cidr);
  if (!l) {
    const [addr, bits] = cidr.split('/');
    const family = isIP(addr);
    if (!family) return null;
    l = new BlockList();
    l.addSubnet(addr, Number(bits ?? (family === 4 ? 32 : 128)), family === 4 ? 'ipv4' : 'ipv6');
    lists.set(cidr, l);
  }
  return l;
}

/** The bogon range `ip` is in, or null. IPv4-mapped IPv6 addresses are checked as IPv4. */
export function bogonRange(ip: string, ranges: readonly string[] = DEFAULT_BOGONS): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1] : ip;
  const family = isIP(addr);
  if (family === 4) {
    const n = ipv4Int(addr);
    for (const cidr of ranges) {
      const r = v4Range(cidr);
      if (r && (n & r[1]) >>> 0 === r[0]) return cidr;
    }
    return null;
  }
  if (!family) return null;
  for (const cidr of ranges) {
    if (isIP(cidr.split('/')[0]) !== 6) continue;
    if (listFor(cidr)?.check(addr, 'ipv6')) return cidr;
  }
  return null;
}
