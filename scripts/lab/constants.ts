/**
 * Fixed facts of the censor lab: namespace names, interface names, addresses and paths.
 * Only 198.18.0.0/15 ("internet" side) and 100.64.0.0/10 (the probe's ISP) are used.
 */

export const NS = {
  probe: 'rb-probe',
  censor: 'rb-censor',
  servers: 'rb-servers',
  outside: 'rb-outside',
} as const;

export type NsName = (typeof NS)[keyof typeof NS];
export const ALL_NS: NsName[] = [NS.probe, NS.censor, NS.servers, NS.outside];
export const NS_PREFIX = 'rb-';

/** Point-to-point links. Interface names are unique across all namespaces. */
export const LINKS = {
  probeCensor: {
    probeIf: 'rb-p0',
    probeIp: '100.64.1.2',
    censorIf: 'rb-c0',
    censorIp: '100.64.1.1',
    prefix: 24,
  },
  censorServers: {
    censorIf: 'rb-c1',
    censorIp: '198.18.0.1',
    serversIf: 'rb-s0',
    serversIp: '198.18.0.2',
    prefix: 30,
  },
  outsideServers: {
    outsideIf: 'rb-o0',
    outsideIp: '198.18.0.6',
    serversIf: 'rb-s1',
    serversIp: '198.18.0.5',
    prefix: 30,
  },
} as const;

export const ALLOW_LIST = '198.18.0.0/15,100.64.0.0/10';

/** The lab resolver (dnsmasq in rb-servers). */
export const RESOLVER_IP = '198.18.53.53';
/** Blockpage server on the censor (HTTP 80, HTTPS 443 with a self-signed certificate). */
export const BLOCKPAGE_IP = '100.64.255.1';
/** Poisoning dnsmasq on the censor; probe DNS is DNAT-ed here while dns-poison/dns-nxdomain are on. */
export const POISONER_IP = '100.64.53.53';
/** Port of the censor's transparent HTTP proxy (http-blockpage). */
export const PROXY_PORT = 3128;

/** Collector addresses in rb-outside (nothing listens until a test starts a collector). */
export const COLLECTORS = [
  { name: 'collector.raabta.lab', ip: '198.19.200.1' },
  { name: 'collector2.raabta.lab', ip: '198.19.200.2' },
] as const;
export const COLLECTOR_NET = '198.19.200.0/24';

export const VPN = {
  openvpn: {
    name: 'openvpn.vpn.lab',
    ip: '198.18.60.1',
    udpPort: 1194,
    tcpPort: 443,
    clientName: 'probe.openvpn.lab',
  },
  ike: { name: 'ike.vpn.lab', ip: '198.18.60.2', ports: [500, 4500] },
  tor: { name: 'bridge.tor.lab', ip: '198.18.60.3', orPort: 443 },
  wireguard: {
    name: 'wg.vpn.lab',
    ip: '198.18.60.4',
    port: 51820,
    ifName: 'rbwg0',
    serverTunnelIp: '100.100.0.1',
    probeTunnelIp: '100.100.0.2',
  },
} as const;
/** Every VPN IP also answers plain HTTP on TCP 80 (nginx), so "the IP answers on TCP" can be checked. */
export const VPN_HTTP_PORT = 80;

/** Tunnel pools of the OpenVPN servers (inside rb-servers only). */
export const OPENVPN_POOLS = { udp: '100.101.0.0', tcp: '100.101.1.0' } as const;

export const RUN_DIR = process.env.RAABTA_LAB_RUN_DIR ?? '/run/raabta-lab';
export const STATE_FILE = `${RUN_DIR}/state.json`;
export const LOCK_DIR = process.env.RAABTA_LAB_LOCK_DIR ?? '/run/raabta-lab.lock';
export const NETNS_ETC = '/etc/netns';
export const CHARON_PID_FILE = '/var/run/charon.pid';
export const WG_SOCK_DIR = '/var/run/wireguard';

export const MEDIA_FILES = {
  '/media/4mb.bin': 4 * 1024 * 1024,
  '/media/1mb.bin': 1024 * 1024,
  '/media/256k.bin': 256 * 1024,
} as const;
