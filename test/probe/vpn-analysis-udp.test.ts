import test from 'ava';
import {
  closedProbe,
  conn,
  control,
  hs,
  measurement,
  ok,
  silent,
  verdictOf as verdict,
} from '../fixtures/vpn/measurements.ts';

const IP = '198.18.60.1';
const OV_UDP = `openvpn://${IP}:1194/udp`;
const udpOk = () => ok(`${IP}:1194`, 'hard_reset_server_v2');
const WG = 'wireguard://198.18.60.4:51820';
const wgSilent = () => silent('198.18.60.4:51820', { protocol: 'wireguard', sent_bytes: 444 });

test('ok: the server answered the probe', (t) => {
  const m = measurement('openvpn', OV_UDP, { handshakes: [udpOk()] }, null);
  const v = verdict(t, m);
  t.like(v, { status: 'ok', method: null, evidence: ['/test_keys/handshakes/0'] });
  t.regex(
    v.reason,
    /^OpenVPN UDP 1194 at 198\.18\.60\.1:1194: the server answered with P_CONTROL_HARD_RESET_SERVER_V2/,
  );
});

test('port block: silent on 1194, the same bytes to a closed port draw ICMP, TCP 443 answers, control ok → blocked:udp', (t) => {
  const probe = {
    handshakes: [silent(`${IP}:1194`), closedProbe(IP, 'protocol', true, 3)],
    tcp_connect: [conn(IP, 443, null, 2)],
  };
  const v = verdict(t, measurement('openvpn', OV_UDP, probe, control({ handshakes: [udpOk()] })));
  t.like(v, { status: 'blocked', method: 'udp', confidence: 0.9 });
  t.regex(v.reason, /TCP 443 connected/);
  t.regex(v.reason, /the port, not the protocol, is filtered/);
  t.deepEqual(v.evidence, [
    '/test_keys/handshakes/0',
    '/test_keys/control/handshakes/0',
    '/test_keys/tcp_connect/0',
    '/test_keys/handshakes/1',
  ]);
});

test('UDP DPI: handshake bytes dropped even to a closed port while an innocuous datagram draws ICMP → blocked:protocol', (t) => {
  const probe = {
    handshakes: [
      silent(`${IP}:1194`),
      closedProbe(IP, 'protocol', false, 3),
      closedProbe(IP, 'innocuous', true, 4),
      closedProbe(IP, 'protocol', false, 5),
    ],
    tcp_connect: [conn(IP, 443, null, 2)],
  };
  const v = verdict(t, measurement('openvpn', OV_UDP, probe, control({ handshakes: [udpOk()] })));
  t.like(v, { status: 'blocked', method: 'protocol', confidence: 0.9 });
  t.regex(v.reason, /dropped for their content/);
});

test('the same DPI evidence without a control is still blocked:protocol, with lower confidence', (t) => {
  const probe = {
    handshakes: [
      silent(`${IP}:1194`),
      closedProbe(IP, 'protocol', false, 3),
      closedProbe(IP, 'innocuous', true, 4),
      closedProbe(IP, 'protocol', false, 5),
    ],
  };
  const v = verdict(t, measurement('openvpn', OV_UDP, probe, null));
  t.like(v, { status: 'blocked', method: 'protocol', confidence: 0.75 });
  t.regex(v.reason, /no control measurement was available/);
});

test('one silent protocol try (ICMP possibly rate-limited) is not content evidence', (t) => {
  const probe = {
    handshakes: [
      silent(`${IP}:1194`),
      closedProbe(IP, 'protocol', false, 3),
      closedProbe(IP, 'innocuous', true, 4),
    ],
  };
  t.like(verdict(t, measurement('openvpn', OV_UDP, probe, null)), { status: 'inconclusive' });
});

test('down: the control fails the same way', (t) => {
  const refused = (a: string) =>
    hs({ address: a, failure: 'udp_port_unreachable', response: 'icmp_port_unreachable' });
  const v = verdict(
    t,
    measurement(
      'openvpn',
      OV_UDP,
      { handshakes: [refused(`${IP}:1194`)] },
      control({ handshakes: [refused(`${IP}:1194`)] }),
    ),
  );
  t.like(v, { status: 'down', method: null, confidence: 0.85 });
  t.regex(v.reason, /failed the same way/);
});

test('WireGuard silence everywhere while the address is up: inconclusive, the key may be unknown', (t) => {
  const side = {
    handshakes: [wgSilent(), closedProbe('198.18.60.4', 'protocol', true, 3, 'wireguard')],
    tcp_connect: [conn('198.18.60.4', 80, null, 2)],
  };
  const v = verdict(t, measurement('wireguard', WG, side, control(side)), 'wireguard');
  t.like(v, { status: 'inconclusive', method: null });
  t.regex(v.reason, /may not know the probe key/);
});

test('WireGuard silence without a control is inconclusive, never blocked', (t) => {
  const v = verdict(
    t,
    measurement(
      'wireguard',
      WG,
      { handshakes: [wgSilent()], tcp_connect: [conn('198.18.60.4', 80, null, 2)] },
      null,
    ),
    'wireguard',
  );
  t.like(v, { status: 'inconclusive' });
  t.regex(v.reason, /may not know the probe key/);
});

test('WireGuard silent at the probe while the control is verified → blocked', (t) => {
  const wgOk = ok('198.18.60.4:51820', 'handshake_response', {
    protocol: 'wireguard',
    details: { verified: true },
  });
  const probe = {
    handshakes: [wgSilent(), closedProbe('198.18.60.4', 'protocol', true, 3, 'wireguard')],
    tcp_connect: [conn('198.18.60.4', 80, null, 2)],
  };
  t.like(verdict(t, measurement('wireguard', WG, probe, control({ handshakes: [wgOk] })), 'wireguard'), {
    status: 'blocked',
    method: 'udp',
  });
});

test('a tampered UDP reply at the probe only → blocked:protocol with moderate confidence', (t) => {
  const h = hs({
    address: `${IP}:1194`,
    failure: 'malformed_response',
    response: 'unrecognized',
    received_bytes: 30,
  });
  t.like(
    verdict(t, measurement('openvpn', OV_UDP, { handshakes: [h] }, control({ handshakes: [udpOk()] }))),
    { status: 'blocked', method: 'protocol', confidence: 0.6 },
  );
});
