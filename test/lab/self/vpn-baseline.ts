/** VPN servers answer their handshakes from the probe with no censorship. */
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import {
  ikeSaInit,
  openvpnHardReset,
  openvpnHardResetTcp,
  TOR_VERSIONS_CELL,
  wireguardLikeInit,
} from '../vpn-packets.ts';
import { fails, ok } from './assert.ts';

export async function openvpnAnswers(t: ExecutionContext, fx: LabFixture, what: string): Promise<void> {
  const { ip, udpPort, tcpPort } = fx.state.vpn.openvpn;
  const req = openvpnHardReset();
  const u = await fx.probe.udp(ip, udpPort, req.toString('hex'));
  ok(t, u, `${what}: OpenVPN UDP hard reset`);
  const resp = Buffer.from(String(u.responseHex), 'hex');
  t.is(resp[0], 0x40, `${what}: P_CONTROL_HARD_RESET_SERVER_V2`);
  t.true(resp.includes(req.subarray(1, 9)), `${what}: server acks our session id`);
  const tcp = await fx.probe.tcpExchange(ip, tcpPort, openvpnHardResetTcp().toString('hex'), { minBytes: 3 });
  ok(t, tcp, `${what}: OpenVPN TCP hard reset`);
  t.is(Buffer.from(String(tcp.responseHex), 'hex')[2], 0x40, `${what}: TCP answer opcode`);
}

export async function ikeAnswers(t: ExecutionContext, fx: LabFixture, what: string): Promise<void> {
  const req = ikeSaInit();
  const r = await fx.probe.udp(fx.state.vpn.ike.ip, 500, req.toString('hex'));
  ok(t, r, `${what}: IKE_SA_INIT`);
  const resp = Buffer.from(String(r.responseHex), 'hex');
  t.true(resp.subarray(0, 8).equals(req.subarray(0, 8)), `${what}: initiator SPI echoed`);
  t.is(resp[18], 34, `${what}: IKE_SA_INIT exchange`);
  t.truthy(resp[19] & 0x20, `${what}: response flag`);
}

export async function vpnBaseline(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe } = fx;
  await openvpnAnswers(t, fx, 'baseline');
  await ikeAnswers(t, fx, 'baseline');
  const ike4500 = await probe.udp(
    state.vpn.ike.ip,
    4500,
    Buffer.concat([Buffer.alloc(4), ikeSaInit()]).toString('hex'),
  );
  ok(t, ike4500, 'IKE on UDP 4500 (non-ESP marker)');
  const tor = await probe.tls(state.vpn.tor.ip, {
    port: state.vpn.tor.orPort,
    rejectUnauthorized: false,
    payloadHex: TOR_VERSIONS_CELL,
    minBytes: 5,
  });
  ok(t, tor, 'tor ORPort TLS + VERSIONS');
  t.true(String(tor.responseHex).startsWith('000007'), 'tor answers with a VERSIONS cell');
  const ss = await fx.exec(state.namespaces.servers, ['ss', '-Hlun']);
  t.regex(ss.stdout, new RegExp(`:${state.vpn.wireguard.port}\\s`), 'wireguard-go bound UDP 51820');
  // bound port: no ICMP unreachable (a server ignores unknown keys); a closed port refuses
  const wg = state.vpn.wireguard;
  fails(
    t,
    await probe.udp(wg.ip, wg.port, wireguardLikeInit().toString('hex'), { timeoutMs: 500 }),
    'ETIMEDOUT',
    'wg port',
  );
  fails(
    t,
    await probe.udp(wg.ip, wg.port + 1, wireguardLikeInit().toString('hex')),
    'ECONNREFUSED',
    'closed UDP port',
  );
  t.regex(wg.serverPublicKey, /^[A-Za-z0-9+/]{43}=$/);
  t.regex(wg.probePrivateKey, /^[A-Za-z0-9+/]{43}=$/);
}
