import test from 'ava';
import {
  closedProbe,
  conn,
  control,
  hs,
  measurement,
  ok,
  silent,
  tls,
  verdictOf as verdict,
} from '../fixtures/vpn/measurements.ts';

const IP = '198.18.60.1';
const OV_UDP = `openvpn://${IP}:1194/udp`;
const OV_TCP = `openvpn://${IP}:443/tcp`;
const udpOk = () => ok(`${IP}:1194`, 'hard_reset_server_v2');
const TOR = 'tor://198.18.60.3:443';
const torOk = () =>
  ok('198.18.60.3:443', 'versions', {
    protocol: 'tor',
    transport: 'tcp',
    details: { cells: ['VERSIONS', 'CERTS'] },
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

test("Tor's TLS reset after the ClientHello while TLS with an innocuous SNI on the same port completes → blocked:protocol", (t) => {
  const ip = '198.18.60.3';
  const h = hs({
    protocol: 'tor',
    transport: 'tcp',
    address: `${ip}:443`,
    sent_bytes: 0,
    failure: 'connection_reset',
    details: { stage: 'tls' },
  });
  const probe = {
    handshakes: [h],
    tcp_connect: [conn(ip, 443, null, 1), conn(ip, 80, null, 2), conn(ip, 443, null, 3)],
    tls_handshakes: [
      { ...tls(ip, 443, 'connection_reset', 1), server_name: 'www.abcdefgh.com' },
      tls(ip, 443, null, 3),
    ],
  };
  const v = verdict(t, measurement('tor', TOR, probe, control({ handshakes: [torOk()] })), 'tor');
  t.like(v, { status: 'blocked', method: 'protocol' });
  t.regex(v.reason, /the TLS handshake to the OR port was reset/);
  t.true(v.evidence.includes('/test_keys/tls_handshakes/1'));
});

test('UDP blackhole: silent handshake, silent closed-port probes and TCP timeouts → blocked:ip', (t) => {
  const probe = {
    handshakes: [
      silent(`${IP}:1194`),
      closedProbe(IP, 'protocol', false, 3),
      closedProbe(IP, 'innocuous', false, 4),
    ],
    tcp_connect: [conn(IP, 443, 'generic_timeout_error', 2), conn(IP, 80, 'generic_timeout_error', 5)],
  };
  const v = verdict(t, measurement('openvpn', OV_UDP, probe, control({ handshakes: [udpOk()] })));
  t.like(v, { status: 'blocked', method: 'ip', confidence: 0.9 });
  t.regex(v.reason, /nothing reaches the address/);
});
