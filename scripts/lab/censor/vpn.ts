/**
 * VPN behaviours: a plain port block, and protocol DPI for OpenVPN and WireGuard that works on any
 * port. The OpenVPN DPI skips DNS (53) and IKE (500, 4500), whose first payload byte is random
 * (a transaction id or SPI) and would otherwise look like an OpenVPN opcode 1 time in 16.
 */
import { type Behaviour, needNoArgs } from './behaviour.ts';
import { OPENVPN_TCP_U32, OPENVPN_UDP_U32, WIREGUARD_INIT_IP_LEN, WIREGUARD_U32 } from './patterns.ts';
import { addRules } from './plan.ts';

export const DEFAULT_VPN_PORTS = [1194, 51820, 500, 4500];

export const vpnPortDrop: Behaviour = {
  name: 'vpn-port-drop',
  usage: 'vpn-port-drop on [udp-port...]',
  summary: `drop UDP to the usual VPN ports (default ${DEFAULT_VPN_PORTS.join(',')}); OpenVPN over TCP 443 still passes`,
  normalize(args) {
    for (const a of args) {
      const n = Number(a);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`vpn-port-drop: bad port ${a}`);
    }
    return args;
  },
  contribute(args, plan) {
    const ports = args.length > 0 ? args : DEFAULT_VPN_PORTS.map(String);
    addRules(plan.filter, 'rb-vpn-port-drop', `-p udp -m multiport --dports ${ports.join(',')} -j DROP`);
  },
};

export const openvpnDpi: Behaviour = {
  name: 'openvpn-dpi',
  usage: 'openvpn-dpi on',
  summary: 'OpenVPN HARD_RESET_CLIENT_V2/V3 on any port: UDP dropped, TCP reset',
  normalize(args) {
    return needNoArgs(this, args);
  },
  contribute(_args, plan) {
    addRules(
      plan.filter,
      'rb-openvpn-dpi',
      `-p udp -m multiport ! --ports 53,500,4500 -m u32 --u32 "${OPENVPN_UDP_U32}" -j DROP`,
      `-p tcp -m multiport ! --ports 53 -m u32 --u32 "${OPENVPN_TCP_U32}" -j REJECT --reject-with tcp-reset`,
    );
  },
};

export const wireguardDpi: Behaviour = {
  name: 'wireguard-dpi',
  usage: 'wireguard-dpi on',
  summary: 'drop WireGuard handshake initiations (148-byte UDP payload starting 01 00 00 00) on any port',
  normalize(args) {
    return needNoArgs(this, args);
  },
  contribute(_args, plan) {
    addRules(
      plan.filter,
      'rb-wireguard-dpi',
      `-p udp -m length --length ${WIREGUARD_INIT_IP_LEN} -m u32 --u32 "${WIREGUARD_U32}" -j DROP`,
    );
  },
};
