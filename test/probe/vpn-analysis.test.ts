import test, { type ExecutionContext } from 'ava';
import { analyzeVpn } from '../../probe/vpn/analysis.ts';
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import {
  closedProbe,
  conn,
  control,
  hs,
  measurement,
  ok,
  silent,
  tls,
} from '../fixtures/vpn/measurements.ts';

const IP = '198.18.60.1';
const OV_UDP = `openvpn://${IP}:1194/udp`;
const OV_TCP = `openvpn://${IP}:443/tcp`;
const udpOk = () => ok(`${IP}:1194`, 'hard_reset_server_v2');

function verdict(
  t: ExecutionContext,
  m: Measurement,
  protocol: 'openvpn' | 'wireguard' | 'ikev2' | 'tor' = 'openvpn',
): Verdict {
  const v = validateMeasurement(m);
  t.true(v.ok, v.ok ? '' : v.error);
  const verdictValue = analyzeVpn(m, protocol);
  m.raabta.verdict = verdictValue;
  const again = validateMeasurement(m);
  t.true(again.ok, again.ok ? '' : again.error);
  t.is(verdictValue.analysis_version, 'vpn-1');
  t.true(verdictValue.reason.length > 20);
  return verdictValue;
}

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

test('TCP DPI: reset right after the hard reset while a TLS ClientHello on the same port is not → blocked:protocol', (t) => {
  const h = hs({
    transport: 'tcp',
    address: `${IP}:443`,
    transaction_id: 1,
    sent_bytes: 16,
    failure: 'connection_reset',
    details: { first_event_after: 0.001 },
  });
  const probe = {
    handshakes: [h],
    tcp_connect: [conn(IP, 443, null, 1), conn(IP, 80, null, 2), conn(IP, 443, null, 3)],
    tls_handshakes: [tls(IP, 443, 'eof_error', 3)],
  };
  const ctl = control({
    handshakes: [ok(`${IP}:443`, 'hard_reset_server_v2', { transport: 'tcp' })],
    tls_handshakes: [tls(IP, 443, 'eof_error', 3)],
  });
  const v = verdict(t, measurement('openvpn', OV_TCP, probe, ctl));
  t.like(v, { status: 'blocked', method: 'protocol', confidence: 0.9 });
  t.regex(
    v.reason,
    /, while a TLS ClientHello with an innocuous SNI on the same port ended with eof_error \(not reset\)/,
  );
  t.true(v.evidence.includes('/test_keys/tls_handshakes/0'));
});

test('a TLS ClientHello that times out exactly as from the control also counts as getting through', (t) => {
  const h = hs({ transport: 'tcp', address: `${IP}:443`, failure: 'connection_reset' });
  const probe = {
    handshakes: [h],
    tcp_connect: [conn(IP, 443, null, 1), conn(IP, 443, null, 3)],
    tls_handshakes: [tls(IP, 443, 'generic_timeout_error', 3)],
  };
  const ctl = control({
    handshakes: [ok(`${IP}:443`, 'hard_reset_server_v2', { transport: 'tcp' })],
    tls_handshakes: [tls(IP, 443, 'generic_timeout_error', 3)],
  });
  t.like(verdict(t, measurement('openvpn', OV_TCP, probe, ctl)), { status: 'blocked', method: 'protocol' });
});

const TOR = 'tor://198.18.60.3:443';
const torOk = () =>
  ok('198.18.60.3:443', 'versions', {
    protocol: 'tor',
    transport: 'tcp',
    details: { cells: ['VERSIONS', 'CERTS'] },
  });

test('IP blackhole: the OR port and TCP 80 time out while the control completes → blocked:ip', (t) => {
  const h = hs({
    protocol: 'tor',
    transport: 'tcp',
    address: '198.18.60.3:443',
    sent_bytes: 0,
    failure: 'generic_timeout_error',
    details: { stage: 'connect' },
  });
  const probe = {
    handshakes: [h],
    tcp_connect: [
      conn('198.18.60.3', 443, 'generic_timeout_error', 1),
      conn('198.18.60.3', 80, 'generic_timeout_error', 2),
      conn('198.18.60.3', 443, 'generic_timeout_error', 3),
    ],
  };
  const v = verdict(t, measurement('tor', TOR, probe, control({ handshakes: [torOk()] })), 'tor');
  t.like(v, { status: 'blocked', method: 'ip', confidence: 0.9 });
  t.regex(v.reason, /nothing reaches the address/);
});

test('the OR port times out but TCP 80 connects → blocked:tcp', (t) => {
  const h = hs({
    protocol: 'tor',
    transport: 'tcp',
    address: '198.18.60.3:443',
    failure: 'generic_timeout_error',
    details: { stage: 'connect' },
  });
  const probe = {
    handshakes: [h],
    tcp_connect: [conn('198.18.60.3', 443, 'generic_timeout_error', 1), conn('198.18.60.3', 80, null, 2)],
  };
  t.like(verdict(t, measurement('tor', TOR, probe, control({ handshakes: [torOk()] })), 'tor'), {
    status: 'blocked',
    method: 'tcp',
    confidence: 0.85,
  });
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

const WG = 'wireguard://198.18.60.4:51820';
const wgSilent = () => silent('198.18.60.4:51820', { protocol: 'wireguard', sent_bytes: 444 });

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

test('a control service that could not be reached counts as no control', (t) => {
  const m = measurement(
    'openvpn',
    OV_UDP,
    { handshakes: [silent(`${IP}:1194`)] },
    control({ failure: 'connection_refused' }),
  );
  const v = verdict(t, m);
  t.like(v, { status: 'inconclusive' });
  t.regex(v.reason, /the control could not be obtained/);
});

test('a host that does not resolve at the probe while the control completes → blocked:dns', (t) => {
  const q = {
    transaction_id: 1,
    t0: 0,
    t: 0.1,
    engine: 'getaddrinfo' as const,
    resolver_address: 'system',
    hostname: 'vpn-test-1.raabta.net',
    query_type: 'A' as const,
    answers: [],
    rcode: null,
    failure: 'dns_nxdomain_error' as const,
  };
  const m = measurement(
    'openvpn',
    'openvpn://vpn-test-1.raabta.net:1194/udp',
    { queries: [q], failure: 'dns_nxdomain_error' },
    control({ handshakes: [udpOk()] }),
  );
  t.like(verdict(t, m), {
    status: 'blocked',
    method: 'dns',
    evidence: ['/test_keys/queries/0', '/test_keys/control/handshakes/0'],
  });
});

test('a skipped tls-auth target is inconclusive: it cannot be probed without the key', (t) => {
  const h = hs({
    address: `${IP}:1194`,
    sent_bytes: 0,
    failure: 'unknown_failure: not attempted: the server requires a tls-auth/tls-crypt key',
    details: { stage: 'skipped' },
  });
  const v = verdict(
    t,
    measurement('openvpn', OV_UDP, { handshakes: [h] }, control({ handshakes: [udpOk()] })),
  );
  t.like(v, { status: 'inconclusive' });
  t.regex(v.reason, /cannot be probed without the key/);
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
