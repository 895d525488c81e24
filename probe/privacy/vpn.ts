/**
 * Is this machine itself on a VPN? Then its measurements describe the VPN's network, not the volunteer's
 * ISP. We look at the default route (/proc/net/route, then /proc/net/ipv6_route): through a tunnel interface
 * (tun*, tap*, wg*, ppp*, ipsec*, …) means yes. Those files show only the main routing table; a VPN that routes
 * everything by policy routing (wg-quick: `ip rule not fwmark 51820 table 51820`, Tailscale exit nodes) leaves
 * the main table alone, so we also ask the kernel which interface it would use (`ip route get`: a lookup,
 * nothing is sent). `vpn_policy` decides: annotate (vpn_detected=true) or skip.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TUNNEL = /^(tun|tap|wg|ppp|ipsec|vti|xfrm|utun|nordlynx|proton|tailscale|zt|gpd|cscotun|mullvad)/i;

export interface VpnStatus {
  detected: boolean;
  /** the interface carrying the default route, if any */
  interface: string | null;
  reason: string;
}

export function isTunnelInterface(name: string): boolean {
  return TUNNEL.test(name);
}

/** Default routes from /proc/net/route text, lowest metric first. */
export function defaultRoutesV4(text: string): { iface: string; metric: number }[] {
  const out: { iface: string; metric: number }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, , flags, , , metric, mask] = f;
    const up = (Number.parseInt(flags, 16) & 1) === 1;
    if (up && dest === '00000000' && mask === '00000000') out.push({ iface, metric: Number(metric) });
  }
  return out.sort((a, b) => a.metric - b.metric);
}

/** Default routes from /proc/net/ipv6_route text (::/0), lowest metric first. */
export function defaultRoutesV6(text: string): { iface: string; metric: number }[] {
  const out: { iface: string; metric: number }[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const up = (Number.parseInt(f[8], 16) & 1) === 1; // RTF_UP: not the kernel's reject routes
    if (/^0{32}$/.test(f[0]) && f[1] === '00' && up && f[9] !== 'lo') {
      out.push({ iface: f[9], metric: Number.parseInt(f[5], 16) });
    }
  }
  return out.sort((a, b) => a.metric - b.metric);
}

export interface VpnDetectOptions {
  routeFile?: string;
  route6File?: string;
  /** `ip -o route get` output for a destination on the internet, by family; null = do not ask */
  routeGet?: ((family: 4 | 6) => string | null) | null;
}

/** Documentation addresses (TEST-NET-2, 2001:db8::/32): routed like any internet address, never contacted. */
const PROBE_DESTINATION = { 4: '198.51.100.1', 6: '2001:db8::1' } as const;

/** `ip -o route get` for an internet destination, or null (no `ip`, no route). Sends nothing. */
export function ipRouteGet(family: 4 | 6): string | null {
  const r = spawnSync('ip', ['-o', `-${family}`, 'route', 'get', PROBE_DESTINATION[family]], {
    encoding: 'utf8',
    timeout: 2000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return r.status === 0 ? r.stdout : null;
}

/** The `dev` of an `ip route get` answer ("198.51.100.1 dev wg0 table 51820 src 100.64.9.2 uid 0 …"). */
export function routeGetInterface(text: string): string | null {
  return /\bdev (\S+)/.exec(text)?.[1] ?? null;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function detectVpn(o: VpnDetectOptions = {}): VpnStatus {
  const v4 = read(o.routeFile ?? '/proc/net/route');
  const v6 = read(o.route6File ?? '/proc/net/ipv6_route');
  if (v4 === null && v6 === null) {
    return { detected: false, interface: null, reason: 'routing table not readable (not Linux?)' };
  }
  // The default route in use is each family's lowest-metric one: a tunnel's default route with a higher
  // metric than the ISP's (a VPN connected but not routing everything) carries no traffic.
  const routes = [defaultRoutesV4(v4 ?? '')[0], defaultRoutesV6(v6 ?? '')[0]].filter((r) => !!r);
  const tunnel = routes.find((r) => isTunnelInterface(r.iface));
  // A split-tunnel VPN (0.0.0.0/1 + 128.0.0.0/1 through tun0) also takes all traffic.
  const split = (v4 ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f.length >= 8 && isTunnelInterface(f[0]) && (f[7] === '00000080' || f[7] === '80000000'));
  if (tunnel) {
    return {
      detected: true,
      interface: tunnel.iface,
      reason: `default route via tunnel interface ${tunnel.iface}`,
    };
  }
  if (split) return { detected: true, interface: split[0], reason: `half-default routes via ${split[0]}` };
  const routeGet = o.routeGet === undefined ? ipRouteGet : o.routeGet;
  for (const family of [4, 6] as const) {
    const dev = routeGet ? routeGetInterface(routeGet(family) ?? '') : null;
    if (dev && isTunnelInterface(dev)) {
      return {
        detected: true,
        interface: dev,
        reason: `traffic to the internet is routed via tunnel interface ${dev} (policy routing)`,
      };
    }
  }
  const first = routes[0];
  return {
    detected: false,
    interface: first?.iface ?? null,
    reason: first ? `default route via ${first.iface}` : 'no default route',
  };
}
