/**
 * Never cry wolf: recorded lab traces altered into the cases that fool naive analyses — a CDN challenge
 * page, the site's own geo-restriction, a page a little shorter than the control's, a control that
 * failed, no control, a blockpage text quoted by the site itself, the lab's special-purpose addresses.
 */
import test from 'ava';
import { analyzeMeasurement } from '../../probe/analysis/index.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { label } from '../fixtures/web/confusion.ts';
import { recorded } from '../fixtures/web/recorded.ts';

const OK_PAGE = 'none--web--https_x_com_';

function finalResponse(m: Measurement) {
  return m.test_keys.requests[m.test_keys.requests.length - 1].response;
}

function setBody(m: Measurement, code: number, body: string, title: string | null) {
  const r = finalResponse(m);
  Object.assign(r, { code, body, title, body_length: Buffer.byteLength(body), body_sha256: 'f'.repeat(64) });
}

function analyzed(m: Measurement) {
  const v = validateMeasurement(m);
  if (!v.ok) throw new Error(v.error);
  const verdict = analyzeMeasurement(m);
  if (!verdict) throw new Error('no verdict');
  return verdict;
}

const notConfidentlyBlocked = (v: { status: string; confidence: number }) =>
  !(v.status === 'blocked' && v.confidence >= 0.7);

test('a Cloudflare challenge page instead of the site is inconclusive, never blocked', (t) => {
  const m = recorded(OK_PAGE);
  setBody(
    m,
    403,
    '<html><head><title>Just a moment...</title></head><body>Checking your browser before accessing x.com</body></html>',
    'Just a moment...',
  );
  const v = analyzed(m);
  t.is(v.status, 'inconclusive', v.reason);
  t.regex(v.reason, /challenge/);
});

test("the site's own geo-restriction page is inconclusive, never blocked", (t) => {
  const m = recorded(OK_PAGE);
  setBody(
    m,
    451,
    '<title>Unavailable</title><p>This content is not available in your country.</p>',
    'Unavailable',
  );
  const v = analyzed(m);
  t.is(v.status, 'inconclusive', v.reason);
  t.regex(v.reason, /location/);
});

test("a page whose length differs a little from the control's is ok", (t) => {
  const m = recorded(OK_PAGE);
  const r = finalResponse(m);
  const shorter = (r.body ?? '').slice(0, Math.floor((r.body ?? '').length * 0.85));
  setBody(m, r.code, shorter, r.title);
  const v = analyzed(m);
  t.is(v.status, 'ok', v.reason);
});

test('a different page with no known signature is an unconfirmed http difference, not a confident block', (t) => {
  const m = recorded(OK_PAGE);
  setBody(m, 200, '<title>Something else entirely</title>', 'Something else entirely');
  const v = analyzed(m);
  t.is(label(v), 'blocked:http');
  t.true(v.confidence <= 0.6);
  t.regex(v.reason, /unconfirmed/);
});

test('a blockpage text that the control sees too is the page itself, not a blockpage', (t) => {
  const m = recorded(OK_PAGE);
  const quote = '<title>Report</title><p>ISPs showed: prohibited for viewership from within Pakistan</p>';
  setBody(m, 200, quote, 'Report');
  const ctl = m.test_keys.control!.requests;
  Object.assign(ctl[ctl.length - 1].response, {
    body: quote,
    title: 'Report',
    body_length: quote.length,
    body_sha256: 'f'.repeat(64),
  });
  t.is(analyzed(m).status, 'ok');
});

test('an SNI reset with a control that could not be obtained is inconclusive, capped, and says so', (t) => {
  const m = recorded('sni-rst--web--https_x_com_');
  m.test_keys.control = {
    source: 'collector',
    failure: 'generic_timeout_error',
    queries: [],
    tcp_connect: [],
    tls_handshakes: [],
    requests: [],
    handshakes: [],
    throughput: [],
  };
  const v = analyzed(m);
  t.is(v.status, 'inconclusive');
  t.true(v.confidence <= 0.5);
  t.regex(v.reason, /control could not be obtained/);
});

test('without any control nothing is confidently blocked, and lab addresses (198.18/15) are not bogon evidence', (t) => {
  for (const name of [
    'sni-rst--web--https_x_com_',
    'dns-poison--web--https_x_com_',
    'http-blockpage--web--http_www_dawn_com_',
    'ip-blackhole--web--https_api_x_com_',
    OK_PAGE,
    'none--dns--x_com',
  ]) {
    const m = recorded(name);
    m.test_keys.control = null;
    const v = analyzed(m);
    t.true(notConfidentlyBlocked(v), `${name}: ${v.status} ${v.confidence} ${v.reason}`);
    t.regex(v.reason, /no control/, name);
  }
  const ok = recorded(OK_PAGE);
  ok.test_keys.control = null;
  t.is(analyzed(ok).status, 'ok');
});

test('a server down from the control too is down, never blocked', (t) => {
  t.is(analyzed(recorded('origin-stopped--web--https_insaf_pk_')).status, 'down');
  t.is(analyzed(recorded('origin-stopped--web--https_www_voaurdu_com_')).status, 'down');
});

test('a Nayatel Safeweb DNS answer is confirmed blocking by its fingerprint', (t) => {
  const m = recorded('dns-poison--web--https_x_com_');
  for (const q of m.test_keys.queries)
    for (const a of q.answers) if (a.ipv4 === '100.64.255.1') a.ipv4 = '203.82.48.83';
  const v = analyzed(m);
  t.is(label(v), 'blocked:dns');
  t.regex(v.reason, /pk_nayatel_safeweb_83/);
});

test('a certificate that does not verify where the control verifies is tls_mitm', (t) => {
  const m = recorded(OK_PAGE);
  const h = m.test_keys.tls_handshakes[0];
  Object.assign(h, {
    failure: 'ssl_unknown_authority',
    verified: false,
    verify_error: 'self-signed certificate',
  });
  m.test_keys.requests = [];
  m.test_keys.failure = 'ssl_unknown_authority';
  m.test_keys.failed_operation = 'tls_handshake';
  t.is(label(analyzed(m)), 'blocked:tls_mitm');
});

test('a throttled transfer without a run baseline is blocked with lower confidence; a slow baseline clears it', (t) => {
  const m = recorded('throttle-media--web--https_mmg_whatsapp_net_');
  delete m.annotations.throughput_baseline_bps;
  const v = analyzed(m);
  t.is(label(v), 'blocked:throttle');
  t.true(v.confidence < 0.7);
  m.annotations.throughput_baseline_bps = String(m.test_keys.throughput[0].bytes_per_second * 2);
  t.is(analyzed(m).status, 'ok');
});
