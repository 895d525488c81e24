/** "Server really down": refused (or silent) for everyone, not only through the censor. */
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import { openvpnHardReset } from '../vpn-packets.ts';
import { fails, ok } from './assert.ts';

export async function serverDown(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside, server } = fx;
  await server('insaf.pk', 'stop');
  fails(t, await probe.tcp('insaf.pk', 443), 'ECONNREFUSED', 'probe: refused');
  fails(t, await probe.http('http://insaf.pk/'), 'ECONNREFUSED', 'probe: HTTP refused');
  fails(t, await outside.tcp('insaf.pk', 443), 'ECONNREFUSED', 'outside: refused too → down, not blocked');
  ok(t, await probe.tcp('dawn.com', 443), 'other origins up');
  await server('insaf.pk', 'start');
  ok(t, await probe.http('https://insaf.pk/', { ca: state.caCert }), 'started again');

  await server('geo.tv', 'stop', 'drop');
  fails(t, await probe.tcp('geo.tv', 443, { timeoutMs: 800 }), 'ETIMEDOUT', 'host gone: silence');
  fails(t, await outside.tcp('geo.tv', 443, { timeoutMs: 800 }), 'ETIMEDOUT', 'for everyone');
  await server('geo.tv', 'start');
  ok(t, await probe.tcp('geo.tv', 443), 'started again');

  const ov = state.vpn.openvpn;
  await server(ov.name, 'stop');
  fails(
    t,
    await probe.udp(ov.ip, ov.udpPort, openvpnHardReset().toString('hex')),
    'ECONNREFUSED',
    'UDP: port unreachable',
  );
  await server(ov.name, 'start');
  ok(t, await probe.udp(ov.ip, ov.udpPort, openvpnHardReset().toString('hex')), 'OpenVPN back');
}
