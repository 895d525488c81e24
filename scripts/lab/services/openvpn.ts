/**
 * Two OpenVPN 2.6 servers on the OpenVPN IP: UDP 1194 and TCP 443. No tls-auth/tls-crypt, so a
 * bare P_CONTROL_HARD_RESET_CLIENT_V2 gets a P_CONTROL_HARD_RESET_SERVER_V2 (first byte 0x40).
 * Clients need a certificate from the lab CA (state.vpn.openvpn.clientCert/clientKey).
 * DCO is disabled; each server has its own tun device (names unique across namespaces).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { NS, OPENVPN_POOLS, VPN } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';

export function openvpnSpec(p: LabPaths, proto: 'udp' | 'tcp'): DaemonSpec {
  const dir = p.dir('openvpn');
  mkdirSync(dir, { recursive: true });
  const id = `openvpn-${proto}`;
  const port = proto === 'udp' ? VPN.openvpn.udpPort : VPN.openvpn.tcpPort;
  const conf = `${dir}/${proto}.conf`;
  writeFileSync(
    conf,
    `local ${VPN.openvpn.ip}
port ${port}
proto ${proto === 'udp' ? 'udp4' : 'tcp4-server'}
dev rbovpn${proto === 'udp' ? 'u' : 't'}
dev-type tun
topology subnet
server ${OPENVPN_POOLS[proto]} 255.255.255.0
ca ${p.caCert}
cert ${p.cert(VPN.openvpn.name)}
key ${p.leafKey}
dh none
tls-version-min 1.2
data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
disable-dco
keepalive 10 60
persist-key
persist-tun
verb 3
`,
  );
  return {
    id,
    ns: NS.servers,
    argv: ['openvpn', '--config', conf],
    log: p.log(id),
    listens: [{ proto, addr: VPN.openvpn.ip, port }],
  };
}
