/** vpn-port-drop, openvpn-dpi, wireguard-dpi (DPI also checked on arbitrary ports with echo servers). */
import type { ExecutionContext } from 'ava';
import type { LabAgent } from '../../../scripts/lab/index.ts';
import type { LabFixture } from '../../helpers/lab.ts';
import { openvpnHardReset, openvpnHardResetTcp, wireguardLikeInit } from '../vpn-packets.ts';
import { fails, ok } from './assert.ts';
import { ikeAnswers, openvpnAnswers } from './vpn-baseline.ts';

export const ECHO = { udp: 40000, tcp: 40001 };
let echo: LabAgent | undefined;

/** Echo servers (UDP and TCP) on the innocuous origin IP in rb-servers, started once. */
export async function echoHost(fx: LabFixture): Promise<string> {
  const ip = fx.state.hosts[fx.state.innocuousName];
  if (!echo) {
    echo = await fx.agent(fx.state.namespaces.servers);
    await echo.serve('udp', ip, ECHO.udp);
    await echo.serve('tcp', ip, ECHO.tcp);
  }
  return ip;
}

export async function vpnPortDrop(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const ov = state.vpn.openvpn;
  await censor('vpn-port-drop', true);
  fails(
    t,
    await probe.udp(ov.ip, ov.udpPort, openvpnHardReset().toString('hex'), { timeoutMs: 800 }),
    'ETIMEDOUT',
    'UDP 1194',
  );
  fails(t, await probe.udp(state.vpn.ike.ip, 500, '00', { timeoutMs: 800 }), 'ETIMEDOUT', 'UDP 500 silent');
  const tcp = await probe.tcpExchange(ov.ip, ov.tcpPort, openvpnHardResetTcp().toString('hex'), {
    minBytes: 3,
  });
  ok(t, tcp, 'OpenVPN over TCP 443 still passes a port block');
  await censor('vpn-port-drop', false);
  await openvpnAnswers(t, fx, 'after vpn-port-drop');
  await ikeAnswers(t, fx, 'after vpn-port-drop');
}

export async function openvpnDpi(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const ov = state.vpn.openvpn;
  const ip = await echoHost(fx);
  const reset = openvpnHardReset().toString('hex');
  ok(t, await probe.udp(ip, ECHO.udp, reset), 'echo baseline');
  await censor('openvpn-dpi', true);
  fails(
    t,
    await probe.udp(ov.ip, ov.udpPort, reset, { timeoutMs: 800 }),
    'ETIMEDOUT',
    'UDP hard reset dropped',
  );
  fails(
    t,
    await probe.tcpExchange(ov.ip, ov.tcpPort, openvpnHardResetTcp().toString('hex')),
    'ECONNRESET',
    'TCP reset',
  );
  fails(t, await probe.udp(ip, ECHO.udp, reset, { timeoutMs: 800 }), 'ETIMEDOUT', 'any UDP port');
  fails(
    t,
    await probe.tcpExchange(ip, ECHO.tcp, openvpnHardResetTcp().toString('hex')),
    'ECONNRESET',
    'any TCP port',
  );
  ok(t, await probe.udp(ip, ECHO.udp, Buffer.from('not openvpn').toString('hex')), 'other UDP payloads pass');
  ok(t, await probe.http('http://dawn.com/'), '"GET " is not mistaken for OpenVPN');
  await ikeAnswers(t, fx, 'IKE under openvpn-dpi');
  await censor('openvpn-dpi', false);
  await openvpnAnswers(t, fx, 'after openvpn-dpi');
}

export async function wireguardDpi(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { probe, censor } = fx;
  const ip = await echoHost(fx);
  const init = wireguardLikeInit(1).toString('hex');
  ok(t, await probe.udp(ip, ECHO.udp, init), 'echo baseline');
  await censor('wireguard-dpi', true);
  fails(
    t,
    await probe.udp(ip, ECHO.udp, init, { timeoutMs: 800 }),
    'ETIMEDOUT',
    'initiation dropped on any port',
  );
  ok(t, await probe.udp(ip, ECHO.udp, wireguardLikeInit(2).toString('hex')), 'other 148-byte payloads pass');
  ok(t, await probe.udp(ip, ECHO.udp, init.slice(0, 200)), 'shorter payloads pass');
  await censor('wireguard-dpi', false);
  ok(t, await probe.udp(ip, ECHO.udp, init), 'recovered');
}
