/** The state written right after `up`: topology, names, endpoints, keys (see LabState). */
import {
  ALLOW_LIST,
  BLOCKPAGE_IP,
  COLLECTORS,
  LINKS,
  MEDIA_FILES,
  NS,
  POISONER_IP,
  RESOLVER_IP,
  VPN,
  VPN_HTTP_PORT,
} from './constants.ts';
import { hostsTable } from './names.ts';
import { labPaths } from './paths.ts';
import type { WgKeys } from './services/wireguard.ts';
import { BENCH, benchName, INNOCUOUS_NAME, ORIGINS } from './sites.ts';
import type { LabState } from './state.ts';

export function initialState(runDir: string, wg: WgKeys): LabState {
  const p = labPaths(runDir);
  return {
    version: 1,
    runDir,
    stateFile: p.state,
    startedAt: new Date().toISOString(),
    ownerPid: process.pid,
    namespaces: { ...NS },
    allowList: ALLOW_LIST,
    probeIp: LINKS.probeCensor.probeIp,
    outsideIp: LINKS.outsideServers.outsideIp,
    resolver: RESOLVER_IP,
    blockpage: { ip: BLOCKPAGE_IP, httpPort: 80, httpsPort: 443 },
    poisoner: POISONER_IP,
    caCert: p.caCert,
    hosts: hostsTable(),
    origins: ORIGINS.map((o) => ({
      id: o.id,
      ip: o.ip,
      names: o.names,
      kind: o.kind,
      tcpPorts: [80, 443, ...(o.extraTcpPorts ?? [])],
    })),
    innocuousName: INNOCUOUS_NAME,
    bench: {
      domain: BENCH.domain,
      count: BENCH.count,
      ips: BENCH.ips,
      pattern: benchName(0).replace('0', '{N}'),
    },
    media: { ...MEDIA_FILES },
    collectors: COLLECTORS.map((c) => ({ ...c })),
    vpn: {
      openvpn: {
        name: VPN.openvpn.name,
        ip: VPN.openvpn.ip,
        udpPort: VPN.openvpn.udpPort,
        tcpPort: VPN.openvpn.tcpPort,
        httpPort: VPN_HTTP_PORT,
        clientCert: p.cert(VPN.openvpn.clientName),
        clientKey: p.leafKey,
      },
      ike: { name: VPN.ike.name, ip: VPN.ike.ip, ports: [...VPN.ike.ports] },
      tor: { name: VPN.tor.name, ip: VPN.tor.ip, orPort: VPN.tor.orPort },
      wireguard: {
        name: VPN.wireguard.name,
        ip: VPN.wireguard.ip,
        port: VPN.wireguard.port,
        serverPublicKey: wg.serverPublicKey,
        probePrivateKey: wg.probePrivateKey,
        probePublicKey: wg.probePublicKey,
        serverTunnelIp: VPN.wireguard.serverTunnelIp,
        probeTunnelIp: VPN.wireguard.probeTunnelIp,
      },
    },
    daemons: {},
    censor: {},
    stopped: {},
    applied: {},
    timings: {},
  };
}
