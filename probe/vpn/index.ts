/** The VPN and circumvention tests, by target kind (the test registry imports `vpnTests`). */
import type { NetTest } from '../context.ts';
import { ikev2Test } from './ikev2-test.ts';
import { openvpnTest } from './openvpn-test.ts';
import { torTest } from './tor-test.ts';
import { wireguardTest } from './wireguard-test.ts';

export const vpnTests: Record<'openvpn' | 'wireguard' | 'ikev2' | 'tor', NetTest> = {
  openvpn: openvpnTest,
  wireguard: wireguardTest,
  ikev2: ikev2Test,
  tor: torTest,
};

export { analyzeVpn, VPN_ANALYSIS_VERSION } from './analysis.ts';
export { describeInput, parseVpnInput, type VpnInput } from './target-input.ts';
