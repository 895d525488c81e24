import test from 'ava';
import { vpnTests } from '../../probe/vpn/index.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { openvpnTcp, tcpServer, torRelay } from '../fixtures/vpn/fake-servers.ts';
import { run, vpnTarget } from '../fixtures/vpn/run.ts';
import { createTestCa, type TestCa } from '../helpers/test-ca.ts';

let ca: TestCa;
test.before(() => {
  ca = createTestCa();
});
test.after.always(() => ca?.cleanup());

test('OpenVPN TCP: the length-prefixed hard reset gets the server reset; the innocuous TLS is closed by the server', async (t) => {
  const srv = await openvpnTcp('ok');
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${srv.port}/tcp`, { reachability_ports: [] }),
  );
  await srv.close();
  t.true(validateMeasurement(m).ok);
  const h = m.test_keys.handshakes[0];
  t.like(h, {
    transport: 'tcp',
    response: 'hard_reset_server_v2',
    failure: null,
    sent_bytes: 16,
    received_bytes: 28,
  });
  const own = m.test_keys.tcp_connect.find((c) => c.transaction_id === h.transaction_id);
  t.like(own, { port: srv.port, status: { success: true } });
  t.is(m.test_keys.tls_handshakes.length, 1);
  t.like(m.test_keys.tls_handshakes[0], {
    server_name: 'example.org',
    failure: 'eof_error',
    no_tls_verify: true,
  });
  t.like(m.raabta.verdict, { status: 'ok' });
});

test('OpenVPN TCP: a reset right after our bytes while the control gets the server reset', async (t) => {
  const rst = await openvpnTcp('reset');
  const good = await openvpnTcp('ok');
  const target = vpnTarget('openvpn', `openvpn://127.0.0.1:${rst.port}/tcp`, { reachability_ports: [] });
  const control = vpnTarget('openvpn', `openvpn://127.0.0.1:${good.port}/tcp`, { reachability_ports: [] });
  const m = await run(vpnTests.openvpn, target, { control });
  await Promise.all([rst.close(), good.close()]);
  t.true(validateMeasurement(m).ok);
  t.like(m.test_keys.handshakes[0], { failure: 'connection_reset', received_bytes: 0, sent_bytes: 16 });
  t.is(m.test_keys.failed_operation, 'top_level');
  // this fake resets ANY data, the innocuous ClientHello too: not protocol-specific → tcp
  t.like(m.test_keys.tls_handshakes[0], { failure: 'connection_reset' });
  t.like(m.raabta.verdict, { status: 'blocked', method: 'tcp' });
});

test('OpenVPN TCP: connection refused is recorded at the connect stage', async (t) => {
  const srv = await tcpServer(() => {});
  const port = srv.port;
  await srv.close();
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${port}/tcp`, { reachability_ports: [] }),
  );
  t.like(m.test_keys.handshakes[0], {
    failure: 'connection_refused',
    sent_bytes: 0,
    details: { stage: 'connect' },
  });
  t.is(m.test_keys.failed_operation, 'connect');
});

test('tls-auth targets are not probed and the verdict says the key is needed', async (t) => {
  const srv = await openvpnTcp('ok');
  const m = await run(
    vpnTests.openvpn,
    vpnTarget('openvpn', `openvpn://127.0.0.1:${srv.port}/tcp`, {
      reachability_ports: [],
      tls_auth_required: true,
    }),
  );
  await srv.close();
  t.true(validateMeasurement(m).ok);
  t.is(srv.received, 1); // only the innocuous TLS connection
  t.like(m.test_keys.handshakes[0], { sent_bytes: 0, details: { stage: 'skipped' } });
  t.like(m.raabta.verdict, { status: 'inconclusive' });
  t.regex(m.raabta.verdict!.reason, /cannot be probed without the key/);
});

test('Tor: TLS without verification, VERSIONS answered, CERTS/AUTH_CHALLENGE/NETINFO recorded', async (t) => {
  const cert = ca.issue('relay', ['127.0.0.1']);
  const relay = await torRelay(cert.certPem, cert.keyPem);
  const m = await run(
    vpnTests.tor,
    vpnTarget('tor', `tor://127.0.0.1:${relay.port}`, { reachability_ports: [] }),
  );
  await relay.close();
  t.true(validateMeasurement(m).ok);
  const h = m.test_keys.handshakes[0];
  t.like(h, {
    protocol: 'tor',
    response: 'versions',
    failure: null,
    details: { versions: [4, 5], link_protocol: 5, certs: true, auth_challenge: true, netinfo: true },
  });
  t.deepEqual(h.details.cells, ['VERSIONS', 'CERTS', 'AUTH_CHALLENGE', 'NETINFO']);
  const torTls = m.test_keys.tls_handshakes.find((x) => x.transaction_id === h.transaction_id);
  t.truthy(torTls);
  t.regex(torTls!.server_name, /^www\.[a-z]{8,19}\.com$/);
  t.like(m.raabta.verdict, { status: 'ok' });
});

test('Tor: a relay that sends VERSIONS but no NETINFO in time still counts as answering', async (t) => {
  const cert = ca.issue('relay', ['127.0.0.1']);
  const relay = await torRelay(cert.certPem, cert.keyPem, 'versions-only');
  const m = await run(
    vpnTests.tor,
    vpnTarget('tor', `tor://127.0.0.1:${relay.port}`, { reachability_ports: [] }),
  );
  await relay.close();
  t.like(m.test_keys.handshakes[0], {
    response: 'versions',
    failure: null,
    details: { netinfo: false, after_versions: 'generic_timeout_error' },
  });
});

test('Tor: a plain TCP server that is not a relay fails at the TLS stage', async (t) => {
  const srv = await tcpServer((s) => s.end('HTTP/1.0 400 Bad Request\r\n\r\n'));
  const m = await run(
    vpnTests.tor,
    vpnTarget('tor', `tor://127.0.0.1:${srv.port}`, { reachability_ports: [] }),
  );
  await srv.close();
  t.like(m.test_keys.handshakes[0], { details: { stage: 'tls' } });
  t.is(m.test_keys.failed_operation, 'tls_handshake');
});
