/**
 * The VPN and circumvention tests, by target kind (the test registry imports `vpnTests`).
 *
 * Inputs (one target = one protocol × transport × port; HOST is an IP or a name):
 *   openvpn://HOST:PORT/udp | /tcp   params: tls_auth, tls_auth_key_direction, tls_auth_digest,
 *                                    tls_auth_required (no key: not probed), tls_crypt (not probed)
 *   wireguard://HOST:PORT            params: server_public_key, client_private_key, preshared_key?
 *   ikev2://HOST:500 | :4500         params: dh_group (14 | 19 | 31), nat_t
 *   tor://HOST:PORT                  (an OR port)
 *   every kind                       params: reachability_ports ([443, 80]), closed_udp_port (33434),
 *                                    innocuous_sni (the run's innocuous SNI)
 *
 * Each `measure` records the handshake in test_keys.handshakes (details.role "handshake"), plain TCP
 * connects to the same address, an innocuous TLS ClientHello on a TCP protocol's port, and — after a
 * silent UDP handshake — closed-port probes. Each `analyze` is `analyzeVpn(m, protocol)`: pure, compares
 * with m.test_keys.control (the same test run from the collector) and returns a Verdict with
 * analysis_version `vpn-1`. See probe/vpn/README.md for the evidence behind each status and method.
 */
import type { NetTest } from '../context.ts';
import { ikev2Test } from './ikev2-test.ts';
import { openvpnTest } from './openvpn-test.ts';
import { torTest } from './tor-test.ts';
import { wireguardTest } from './wireguard-test.ts';

export type VpnKind = 'openvpn' | 'wireguard' | 'ikev2' | 'tor';

export const vpnTests: Record<VpnKind, NetTest> = {
  openvpn: openvpnTest,
  wireguard: wireguardTest,
  ikev2: ikev2Test,
  tor: torTest,
};

export function isVpnKind(kind: string): kind is VpnKind {
  return kind in vpnTests;
}

export { analyzeVpn, VPN_ANALYSIS_VERSION, vpnFinding } from './analysis.ts';
export { buildSaInit } from './ikev2-build.ts';
export { checkSaInitResponse } from './ikev2-parse.ts';
export { buildHardResetClient, checkServerReset } from './openvpn-packet.ts';
export { tlsAuthFromParams } from './openvpn-tls-auth.ts';
export { describeInput, parseVpnInput, type VpnInput, type VpnProtocol } from './target-input.ts';
export { buildVersionsCell } from './tor-cells.ts';
export { consumeResponse, createInitiation } from './wireguard-handshake.ts';
export { wireguardKeys } from './wireguard-test.ts';
