import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { importOoni, importOoniFile, type OoniImportResult } from '../../collector/datasets/ooni-import.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';

const fixture = (name: string) => new URL(`../fixtures/ooni/${name}`, import.meta.url).pathname;

async function all(it: AsyncIterable<OoniImportResult>): Promise<OoniImportResult[]> {
  const out: OoniImportResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function convert(name: string): Promise<Measurement[]> {
  const results = await all(importOoniFile(fixture(name)));
  return results.map((r) => {
    if (!r.ok) throw new Error(`${name}:${r.line}: ${r.reason}`);
    return r.measurement;
  });
}

const summary = (m: Measurement) => [
  m.raabta.target_group,
  m.raabta.verdict?.status,
  m.raabta.verdict?.method,
];

test('every fixture line converts to a valid v1 measurement marked as OONI data with its OONI uid', async (t) => {
  for (const f of ['web-connectivity', 'whatsapp', 'signal', 'telegram', 'tor']) {
    const text = readFileSync(fixture(`${f}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const ms = await convert(`${f}.jsonl`);
    t.is(ms.length, text.length, f);
    ms.forEach((m, i) => {
      const v = validateMeasurement(JSON.parse(JSON.stringify(m)));
      t.true(v.ok, v.ok ? '' : `${f}:${i + 1}: ${v.error}`);
      const src = JSON.parse(text[i]);
      t.is(m.measurement_uid, src.measurement_uid);
      t.is(m.annotations.source, 'ooni');
      t.is(m.annotations.ooni_measurement_uid, src.measurement_uid);
      t.is(m.raabta.verdict?.analysis_version, 'ooni-import-1');
      t.is(m.probe_ip, '127.0.0.1');
    });
  }
});

test('web_connectivity: OONI blocking values become our status and method; NEWS goes to the news group', async (t) => {
  const ms = await convert('web-connectivity.jsonl');
  t.deepEqual(ms.map(summary), [
    ['news', 'ok', null],
    ['web', 'blocked', 'dns'],
    ['web', 'blocked', 'tcp'],
    ['web', 'blocked', 'tls'],
    ['web', 'blocked', 'http'],
    ['web', 'inconclusive', null],
    ['web', 'down', null],
  ]);
  t.is(ms[0].raabta.category_code, 'NEWS');
  t.is(ms[1].annotations.ooni_blocking, 'dns');
  t.is(ms[1].annotations.ooni_dns_consistency, 'inconsistent');
  t.deepEqual(ms[3].raabta.verdict?.evidence, ['/test_keys/tls_handshakes/0', '/annotations/ooni_blocking']);
  t.regex(ms[3].raabta.verdict!.reason, /blocking="http-failure"/);
  t.is(ms[6].test_keys.failure, 'dns_nxdomain_error');
  t.is(ms[6].test_keys.failed_operation, 'resolve');
});

test('web_connectivity: the test helper answer becomes our control, with comparable arrays', async (t) => {
  const [ok, , , reset] = await convert('web-connectivity.jsonl');
  t.is(ok.test_keys.control?.source, 'https://2.th.ooni.org');
  t.deepEqual(
    ok.test_keys.control?.tcp_connect.map((c) => [c.ip, c.port, c.status.success]),
    [['198.51.100.21', 443, true]],
  );
  t.deepEqual(ok.test_keys.control?.queries[0].answers, [
    { answer_type: 'A', ipv4: '198.51.100.21', ttl: null },
  ]);
  t.is(ok.test_keys.control?.requests[0].response.title, 'DAWN.COM | Latest news');
  t.is(reset.test_keys.control?.tls_handshakes[0].server_name, 'x.com');
  t.true(reset.test_keys.control?.tls_handshakes[0].verified);
  t.is(ok.test_keys.requests[0].response.title, 'DAWN.COM | Latest news, Pakistan news');
  t.regex(ok.test_keys.requests[0].response.body_sha256 ?? '', /^[0-9a-f]{64}$/);
  t.is(ok.test_keys.tls_handshakes[0].certificates[0].subject, 'CN=www.dawn.com');
  t.is(ok.test_keys.queries[0].engine, 'getaddrinfo');
  t.is(ok.test_keys.queries[0].answers[1].ipv6, '2001:db8:21::1');
});

test('messaging tests and tor map to their groups and OONI verdicts', async (t) => {
  t.deepEqual((await convert('whatsapp.jsonl')).map(summary), [
    ['whatsapp_text', 'ok', null],
    ['whatsapp_text', 'blocked', 'tcp'],
  ]);
  t.deepEqual((await convert('signal.jsonl')).map(summary), [
    ['signal', 'ok', null],
    ['signal', 'blocked', 'tls'],
    ['signal', 'inconclusive', null],
  ]);
  t.deepEqual((await convert('telegram.jsonl')).map(summary), [
    ['telegram', 'ok', null],
    ['telegram', 'blocked', 'tcp'],
  ]);
  const tor = await convert('tor.jsonl');
  t.deepEqual(tor.map(summary), [
    ['tor', 'ok', null],
    ['tor', 'blocked', 'tcp'],
    ['tor', 'inconclusive', null],
  ]);
  t.is(tor[0].test_keys.handshakes.length, 3);
  t.deepEqual(tor[0].test_keys.handshakes[0].details.target_name, 'moria1');
  t.is(tor[0].test_keys.handshakes[0].sent_bytes, 243);
  t.is(tor[1].test_keys.handshakes[1].failure, 'connection_reset');
  t.is(tor[0].annotations.ooni_data_format_version, '0.3.4');
});

test('a broken file: good lines convert, each bad line is reported with its number and reason', async (t) => {
  const results = await all(importOoniFile(fixture('broken.jsonl')));
  t.deepEqual(
    results.map((r) => [r.line, r.ok]),
    [
      [1, true],
      [2, false],
      [4, false],
      [5, false],
      [6, false],
      [7, true],
    ],
  );
  const reasons = Object.fromEntries(
    results.filter((r) => !r.ok).map((r) => [r.line, (r as { reason: string }).reason]),
  );
  t.regex(reasons[2], /invalid JSON/);
  t.regex(reasons[4], /test_name "ndt" is not supported/);
  t.regex(reasons[5], /measurement_start_time/);
  t.regex(reasons[6], /not a JSON object/);
});

test('gzip input, several members concatenated as OONI ships them, reads like the plain file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-ooni-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const a = readFileSync(fixture('whatsapp.jsonl'));
  const b = readFileSync(fixture('tor.jsonl'));
  await writeFile(join(dir, 'x.jsonl.gz'), Buffer.concat([gzipSync(a), gzipSync(b)]));
  const ms = (await all(importOoniFile(join(dir, 'x.jsonl.gz')))).filter((r) => r.ok);
  t.is(ms.length, 5);
});

test('a real probe IP is scrubbed everywhere; unknown failures are kept as unknown_failure; base64 bodies decode', async (t) => {
  const src = JSON.parse(readFileSync(fixture('web-connectivity.jsonl'), 'utf8').split('\n')[3]);
  src.probe_ip = '192.0.2.7';
  src.test_keys.requests[0].request.headers_list.push(['X-Forwarded-For', '192.0.2.7']);
  src.test_keys.network_events[2].failure = 'connection_already_closed';
  src.test_keys.requests.unshift({
    ...src.test_keys.requests[0],
    failure: null,
    response: {
      code: 200,
      body: { format: 'base64', data: Buffer.from('<title>B64</title>').toString('base64') },
      headers_list: [],
    },
  });
  delete src.measurement_uid;
  const [r1] = await all(importOoni([JSON.stringify(src)]));
  const [r2] = await all(importOoni([JSON.stringify(src)]));
  t.true(r1.ok, r1.ok ? '' : r1.reason);
  if (!r1.ok || !r2.ok) return;
  t.false(r1.raw.includes('192.0.2.7'));
  t.regex(r1.measurement.annotations.ooni_import_notes ?? '', /probe_ip scrubbed/);
  t.is(r1.measurement.test_keys.network_events[2].failure, 'unknown_failure: connection_already_closed');
  const reqs = r1.measurement.test_keys.requests;
  t.is(reqs[reqs.length - 1].response.title, 'B64', 'OONI lists newest first; we list hops in time order');
  t.is(
    r1.measurement.measurement_uid,
    r2.measurement.measurement_uid,
    'a derived uid is stable across imports',
  );
  t.is(r1.measurement.annotations.ooni_uid_derived, 'true');
});
