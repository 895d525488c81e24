/**
 * Is this machine itself on a VPN? detectVpn on routing tables as the kernel prints them in
 * /proc/net/route and /proc/net/ipv6_route (text fixtures written to temp files).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { defaultRoutesV4, defaultRoutesV6, detectVpn, routeGetInterface } from '../../probe/privacy/vpn.ts';

const HEAD = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const v4 = (...rows: string[]) => `${[HEAD, ...rows.map((r) => r.split(' ').join('\t'))].join('\n')}\n`;
// iface destination gateway flags refcnt use metric mask mtu window irtt (little-endian hex)
const ETH_DEFAULT = 'eth0 00000000 0101A8C0 0003 0 0 100 00000000 0 0 0';
const ETH_LAN = 'eth0 0001A8C0 00000000 0001 0 0 100 00FFFFFF 0 0 0';
const TUN_DEFAULT = (metric: number) => `tun0 00000000 00000000 0001 0 0 ${metric} 00000000 0 0 0`;
const Z = '0'.repeat(32);
const v6 = (iface: string, flags: string, metric = '00000400') =>
  `${Z} 00 ${Z} 00 ${Z} ${metric} 00000001 00000000 ${flags} ${iface}\n`;
const V6_LO_REJECT = v6('lo', '00200200', 'ffffffff');

function detect(
  route: string | null,
  route6: string | null,
  routeGet: ((family: 4 | 6) => string | null) | null = null,
) {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-vpn-'));
  try {
    const routeFile = join(dir, 'route');
    const route6File = join(dir, 'ipv6_route');
    if (route !== null) writeFileSync(routeFile, route);
    if (route6 !== null) writeFileSync(route6File, route6);
    return detectVpn({ routeFile, route6File, routeGet });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('default route through the ISP interface: no VPN', (t) => {
  t.like(detect(v4(ETH_DEFAULT, ETH_LAN), V6_LO_REJECT), {
    detected: false,
    interface: 'eth0',
    reason: 'default route via eth0',
  });
});

test('default route through tun0 ahead of eth0: VPN detected on tun0', (t) => {
  t.like(detect(v4(ETH_DEFAULT, TUN_DEFAULT(50)), V6_LO_REJECT), {
    detected: true,
    interface: 'tun0',
    reason: 'default route via tunnel interface tun0',
  });
});

test('a tunnel default route with a higher metric than the ISP one carries nothing: no VPN', (t) => {
  t.like(detect(v4(ETH_DEFAULT, TUN_DEFAULT(600)), V6_LO_REJECT), { detected: false, interface: 'eth0' });
});

test('OpenVPN def1 (0.0.0.0/1 and 128.0.0.0/1 through tun0) beside the ISP default: VPN detected', (t) => {
  const half = (dest: string) => `tun0 ${dest} 0108080A 0003 0 0 0 00000080 0 0 0`;
  t.like(detect(v4(ETH_DEFAULT, half('00000000'), half('00000080')), ''), {
    detected: true,
    interface: 'tun0',
    reason: 'half-default routes via tun0',
  });
});

test('IPv6 default route through wg0: VPN detected; the kernel reject route on lo is not a default route', (t) => {
  t.like(detect(v4(ETH_LAN), V6_LO_REJECT + v6('wg0', '00000001')), { detected: true, interface: 'wg0' });
  t.deepEqual(defaultRoutesV6(V6_LO_REJECT + v6('eth0', '00000000')), [], 'neither lo nor a route not up');
});

test('no default route, and unreadable tables, are not a VPN and say why', (t) => {
  t.like(detect(v4(ETH_LAN), ''), { detected: false, interface: null, reason: 'no default route' });
  t.like(detect(null, null), { detected: false, reason: 'routing table not readable (not Linux?)' });
});

test('a default route that is not up is ignored; routes come lowest metric first', (t) => {
  t.deepEqual(defaultRoutesV4(v4('tun0 00000000 00000000 0000 0 0 0 00000000 0 0 0', ETH_DEFAULT)), [
    { iface: 'eth0', metric: 100 },
  ]);
  t.deepEqual(
    defaultRoutesV4(v4(ETH_DEFAULT, TUN_DEFAULT(5))).map((r) => r.iface),
    ['tun0', 'eth0'],
  );
});

test('policy routing (wg-quick): the main table has no tunnel, but the kernel routes internet traffic via wg0', (t) => {
  const wgQuick = '198.51.100.1 dev wg0 table 51820 src 100.64.9.2 uid 0 \\    cache \n';
  t.is(routeGetInterface(wgQuick), 'wg0');
  t.like(
    detect(v4(ETH_DEFAULT, ETH_LAN), V6_LO_REJECT, (f) => (f === 4 ? wgQuick : null)),
    {
      detected: true,
      interface: 'wg0',
      reason: 'traffic to the internet is routed via tunnel interface wg0 (policy routing)',
    },
  );
  const isp = '198.51.100.1 via 192.168.1.1 dev eth0 src 192.168.1.20 uid 1000 \\    cache \n';
  t.like(
    detect(v4(ETH_DEFAULT, ETH_LAN), V6_LO_REJECT, () => isp),
    { detected: false, interface: 'eth0' },
  );
});
