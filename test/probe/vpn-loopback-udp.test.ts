import { randomBytes } from 'node:crypto';
import test from 'ava';
import { vpnTests } from '../../probe/vpn/index.ts';
import { pairFromPrivate } from '../../probe/vpn/wireguard-crypto.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import {
  closedUdpPort,
  ikeUdp,
  openvpnUdp,
  tcpServer,
  udpServer,
  wireguardUdp,
} from '../fixtures/vpn/fake-servers.ts';
import { run, vpnTarget } from '../fixtures/vpn/run.ts';

const valid = (t: { true: (v: boolean, m?: string) => void }, m: unknown) => {
  const v = validateMeasurement(m);
  t.true(v.ok, v.ok ? '' : v.error);
};

test('OpenVPN UDP: a server hard reset echoing our session is ok, with rtt and the parsed reply', async (t) => {
  const srv = await openvpnUdp('ok');
  const web = await tcpServer((s) => s.end());
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${srv.port}/udp`, { reachability_ports: [web.port] }),
  );
  await Promise.all([srv.close(), web.close()]);
  valid(t, m);
  const h = m.test_keys.handshakes[0];
  t.like(h, {
    protocol: 'openvpn',
    transport: 'udp',
    response: 'hard_reset_server_v2',
    failure: null,
    sent_bytes: 14,
    received_bytes: 26,
  });
  t.is(h.details.remote_session_id, h.details.session_id);
  t.true(h.rtt !== null && h.rtt < 1);
  t.like(m.test_keys.tcp_connect[0], { port: web.port, status: { success: true } });
  t.like(m.raabta.verdict, {
    status: 'ok',
    analysis_version: 'vpn-1',
    evidence: ['/test_keys/handshakes/0'],
  });
});

test('OpenVPN UDP: a lost first packet is recovered by the retransmission', async (t) => {
  const srv = await openvpnUdp('second-try');
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${srv.port}/udp`, { reachability_ports: [] }),
  );
  await srv.close();
  t.like(m.test_keys.handshakes[0], { failure: null, details: { attempts: 2 }, sent_bytes: 28 });
});

test('OpenVPN UDP: a non-OpenVPN reply is malformed_response, with the raw bytes kept', async (t) => {
  const srv = await openvpnUdp('garbage');
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${srv.port}/udp`, { reachability_ports: [] }),
  );
  await srv.close();
  valid(t, m);
  const h = m.test_keys.handshakes[0];
  t.like(h, { failure: 'malformed_response', response: 'unrecognized' });
  t.is(Buffer.from(h.raw_response!, 'base64').toString().slice(0, 8), 'HTTP/1.0');
  t.is(m.test_keys.failed_operation, 'udp_handshake');
});

test('OpenVPN UDP to a closed port: ICMP port unreachable becomes udp_port_unreachable', async (t) => {
  const port = await closedUdpPort();
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${port}/udp`, { reachability_ports: [] }),
  );
  t.like(m.test_keys.handshakes[0], { failure: 'udp_port_unreachable', response: 'icmp_port_unreachable' });
  t.like(m.raabta.verdict, { status: 'inconclusive' });
});

test('silence: retransmitted 3 times, then the closed-port probe shows the bytes reach the host', async (t) => {
  const silent = await udpServer(() => {});
  const closed = await closedUdpPort();
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${silent.port}/udp`, {
      reachability_ports: [],
      closed_udp_port: closed,
    }),
  );
  await silent.close();
  valid(t, m);
  t.is(silent.received, 3);
  const [h, probe] = m.test_keys.handshakes;
  t.like(h, { failure: 'udp_no_response', details: { attempts: 3 }, sent_bytes: 42 });
  t.like(probe, {
    address: `127.0.0.1:${closed}`,
    failure: 'udp_port_unreachable',
    details: { role: 'closed_port_probe', payload: 'protocol' },
  });
  t.is(m.test_keys.handshakes.length, 2);
  t.like(m.raabta.verdict, { status: 'inconclusive' });
  t.regex(m.raabta.verdict!.reason, /drew an ICMP port unreachable/);
});

test('WireGuard: the response of a server that knows our key is decrypted and authenticated', async (t) => {
  const serverPriv = randomBytes(32);
  const clientPriv = randomBytes(32);
  const srv = await wireguardUdp(serverPriv);
  const params = {
    server_public_key: pairFromPrivate(serverPriv).publicRaw.toString('base64'),
    client_private_key: clientPriv.toString('base64'),
    reachability_ports: [],
  };
  const m = await run(
    vpnTests.wireguard,
    vpnTarget('wireguard', `wireguard://127.0.0.1:${srv.port}`, params),
    { control: 'same' },
  );
  await srv.close();
  valid(t, m);
  t.like(m.test_keys.handshakes[0], {
    response: 'handshake_response',
    failure: null,
    sent_bytes: 148,
    received_bytes: 92,
    details: { verified: true },
  });
  t.like(m.raabta.verdict, { status: 'ok', confidence: 0.99 });
});

test('WireGuard with the wrong server key: silence everywhere is inconclusive and says the key may be wrong', async (t) => {
  const srv = await wireguardUdp(randomBytes(32));
  const closed = await closedUdpPort();
  const web = await tcpServer((s) => s.end());
  const params = {
    server_public_key: pairFromPrivate(randomBytes(32)).publicRaw.toString('base64'),
    client_private_key: randomBytes(32).toString('base64'),
    reachability_ports: [web.port],
    closed_udp_port: closed,
  };
  const m = await run(
    vpnTests.wireguard,
    vpnTarget('wireguard', `wireguard://127.0.0.1:${srv.port}`, params),
    { control: 'same' },
  );
  await Promise.all([srv.close(), web.close()]);
  valid(t, m);
  t.like(m.test_keys.handshakes[0], { failure: 'udp_no_response' });
  t.like(m.raabta.verdict, { status: 'inconclusive', method: null });
  t.regex(m.raabta.verdict!.reason, /may not know the probe key, or server_public_key is wrong/);
});

for (const natT of [false, true]) {
  test(`IKEv2 ${natT ? 'UDP 4500 with the non-ESP marker' : 'UDP 500'}: NO_PROPOSAL_CHOSEN is a responder answering`, async (t) => {
    const srv = await ikeUdp(natT);
    const target = vpnTarget('ikev2', `ikev2://127.0.0.1:${srv.port}`, {
      reachability_ports: [],
      nat_t: natT,
    });
    const m = await run(vpnTests.ikev2, target);
    await srv.close();
    valid(t, m);
    t.like(m.test_keys.handshakes[0], {
      response: 'ike_sa_init',
      failure: null,
      details: { notifies: ['NO_PROPOSAL_CHOSEN'], nat_t: natT },
    });
    t.like(m.raabta.verdict, { status: 'ok' });
  });
}
