/** The web test's steps against real servers on 127.0.0.1 (port 0), with a throw-away CA and DNS server. */
import test from 'ava';
import { runTest } from '../../probe/run-test.ts';
import { webTest } from '../../probe/tests/web.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { env, hostsDialer, settings, webTarget } from '../fixtures/web/context.ts';
import {
  type Running,
  startDns,
  startHttp,
  startHttps,
  startResetAfterHello,
} from '../fixtures/web/servers.ts';
import { createTestCa, type TestCa } from '../helpers/test-ca.ts';

/** key and certificate as the loopback servers take them */
const leaf = (c: { certPem: string; keyPem: string }) => ({ key: c.keyPem, cert: c.certPem });

const HOSTS = {
  'site.test': '127.0.0.1',
  'other.test': '127.0.0.1',
  'example.org': '127.0.0.1',
  'far.test': '203.0.113.7',
};
const PAGE =
  '<!doctype html><html><head><title>Loopback  site &amp; friends</title></head><body><p>hello</p></body></html>';

let pki: TestCa;
let https: Running;
let http: Running;
let dns: Running;
let reset: Running;
let deadPort: number;

test.before(async () => {
  pki = createTestCa();
  const tls = leaf(pki.issue('site.test', ['site.test', 'other.test', 'example.org']));
  http = await startHttp((req, res) => {
    if (req.url === '/c') res.end('<title>final hop</title>');
    else res.writeHead(404).end();
  });
  https = await startHttps(tls, (req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html', 'x-site': 'loopback' }).end(PAGE);
    else if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
    else if (req.url === '/b') res.writeHead(301, { location: `http://other.test:${http.port}/c` }).end();
    else if (req.url === '/big') res.end(Buffer.alloc(1_500_000, 'x'));
    else if (req.url === '/media/1mb.bin') res.end(Buffer.alloc(1024 * 1024, 7));
    else res.writeHead(404).end();
  });
  dns = await startDns(HOSTS);
  reset = await startResetAfterHello();
  const dead = await startHttp(() => {});
  deadPort = dead.port;
  await dead.close();
});

test.after.always(async () => {
  await Promise.all([https?.close(), http?.close(), dns?.close(), reset?.close()]);
  pki?.cleanup();
});

function setup(extra: Record<string, unknown> = {}) {
  const s = settings({ resolver: `127.0.0.1:${dns.port}`, ...extra });
  return env(hostsDialer(HOSTS, [pki.caPem]), s);
}

test('the full web test of a working HTTPS site is ok, with every step recorded and a valid measurement', async (t) => {
  const m = await runTest(webTest, webTarget(`https://site.test:${https.port}/`), setup());
  const v = validateMeasurement(m);
  t.true(v.ok, v.ok ? '' : v.error);
  const k = m.test_keys;
  t.deepEqual(
    k.queries.map((q) => `${q.engine} ${q.query_type} ${q.failure}`),
    ['getaddrinfo ANY null', 'udp A null', 'udp AAAA dns_no_answer'],
  );
  t.is(k.queries[1].answers[0].ttl, 300);
  t.true(k.tcp_connect[0].status.success);
  t.true(k.tls_handshakes[0].verified);
  t.is(k.tls_handshakes[0].certificates[0].issuer, 'CN=Raabta Test CA');
  t.is(k.requests[0].response.code, 200);
  t.is(k.requests[0].response.title, 'Loopback site & friends');
  t.is(k.requests[0].response.body_sha256?.length, 64);
  t.true(k.tcp_connect[0].t0 <= k.tls_handshakes[0].t0 && k.tls_handshakes[0].t <= k.requests[0].t0);
  t.is(m.raabta.verdict?.status, 'ok', m.raabta.verdict?.reason);
});

test('a stopped server gives connection_refused on the TCP step, and down (not blocked) with the control', async (t) => {
  const m = await runTest(webTest, webTarget(`https://site.test:${deadPort}/`), setup());
  t.is(m.test_keys.tcp_connect[0].status.failure, 'connection_refused');
  t.is(m.test_keys.failed_operation, 'connect');
  t.is(m.raabta.verdict?.status, 'down', m.raabta.verdict?.reason);
});

test('a server that resets after the ClientHello gives connection_reset on the TLS step, then the innocuous-SNI check', async (t) => {
  const m = await runTest(webTest, webTarget(`https://site.test:${reset.port}/`), setup());
  const [first, check] = m.test_keys.tls_handshakes;
  t.is(first.failure, 'connection_reset');
  t.is(first.server_name, 'site.test');
  t.is(check.server_name, 'example.org');
  t.true(check.no_tls_verify);
  t.not(check.transaction_id, first.transaction_id);
  t.true(m.test_keys.network_events.some((e) => e.operation === 'innocuous_sni_check'));
  t.is(m.test_keys.network_events.find((e) => e.operation === 'tls_handshake_read')?.num_bytes, 0);
  t.not(m.raabta.verdict?.status, 'blocked', 'the control sees the same reset: the server, not a censor');
});

test('a redirect chain is followed hop by hop, resolving the new host again', async (t) => {
  const m = await runTest(webTest, webTarget(`https://site.test:${https.port}/a`), setup());
  const hops = m.test_keys.requests.map((r) => `${r.response.code} ${r.request.url}`);
  t.deepEqual(hops, [
    `302 https://site.test:${https.port}/a`,
    `301 https://site.test:${https.port}/b`,
    `200 http://other.test:${http.port}/c`,
  ]);
  t.true(m.test_keys.queries.some((q) => q.hostname === 'other.test'));
  t.is(m.raabta.verdict?.status, 'ok', m.raabta.verdict?.reason);
});

test('a huge body is capped at bodyCapBytes and marked truncated', async (t) => {
  const m = await runTest(
    webTest,
    webTarget(`https://site.test:${https.port}/big`),
    setup({ bodyCapBytes: 10_000 }),
  );
  const r = m.test_keys.requests[0].response;
  t.true(r.body_is_truncated);
  t.is(r.body_length, 10_000);
  t.is(r.body?.length, 10_000);
});

test('a destination outside the guard is refused before any packet (destination_not_allowed) and the verdict is error', async (t) => {
  const m = await runTest(webTest, webTarget('https://far.test/'), setup({ resolver: '192.0.2.53' }));
  t.is(m.test_keys.queries.find((q) => q.engine === 'udp')?.failure, 'destination_not_allowed');
  t.is(m.test_keys.tcp_connect[0].status.failure, 'destination_not_allowed');
  t.true(m.test_keys.tcp_connect[0].t - m.test_keys.tcp_connect[0].t0 < 0.05);
  t.is(m.raabta.verdict?.status, 'error', m.raabta.verdict?.reason);
});

test('a certificate from an unknown authority fails the handshake with ssl_unknown_authority and keeps the chain', async (t) => {
  const selfSigned = await startHttps(
    leaf(pki.issue('site.test', ['site.test'], { selfSigned: true })),
    (_q, r) => r.end('x'),
  );
  try {
    const m = await runTest(webTest, webTarget(`https://site.test:${selfSigned.port}/`), setup());
    const h = m.test_keys.tls_handshakes[0];
    t.is(h.failure, 'ssl_unknown_authority');
    t.false(h.verified);
    t.is(h.peer_certificates.length, 1);
    t.is(m.test_keys.requests.length, 0);
  } finally {
    await selfSigned.close();
  }
});

test('a throughput transfer records bytes, bytes/s, time to first byte and completeness', async (t) => {
  const target = webTarget(`https://site.test:${https.port}/`, {
    throughput: { path: '/media/1mb.bin', maxBytes: 1024 * 1024, maxSeconds: 5 },
  });
  const m = await runTest(webTest, target, setup());
  const tp = m.test_keys.throughput[0];
  t.is(tp.bytes, 1024 * 1024);
  t.true(tp.complete);
  t.true(tp.bytes_per_second > 0);
  t.not(tp.ttfb, null);
  t.is(m.raabta.verdict?.status, 'ok', m.raabta.verdict?.reason);
});
