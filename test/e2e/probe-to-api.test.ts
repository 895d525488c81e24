/**
 * Issue 2's end-to-end path with real processes: the probe CLI (`bin/cli.ts probe run --once`) measures an
 * HTTPS site on 127.0.0.1 (throw-away CA, loopback DNS server, guard 127.0.0.0/8), uploads to a collector
 * process (`bin/cli.ts collector start`, temp SQLite file), and the measurement is read back through the
 * collector's public API (what the dashboard reads) with its verdict and full trace.
 */
import { join } from 'node:path';
import test from 'ava';
import { validateMeasurement } from '../../schemas/validate.ts';
import {
  type CollectorProcess,
  type LoopbackTarget,
  loopbackProbeArgs,
  PAGE_TITLE,
  readOutbox,
  runProbe,
  startCollector,
  startLoopbackTarget,
  tempDir,
} from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: API responses are read as arbitrary JSON
type Json = any;

async function getJson(url: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Json };
}

async function setup(t: import('ava').ExecutionContext) {
  const tmp = tempDir('raabta-e2e-');
  const target = await startLoopbackTarget();
  const collector = await startCollector(join(tmp.dir, 'collector.db'));
  t.teardown(async () => {
    await collector.stop();
    await target.close();
    tmp.remove();
  });
  return { tmp, target, collector, dataDir: join(tmp.dir, 'probe') };
}

async function measureOnce(target: LoopbackTarget, collector: CollectorProcess, dataDir: string) {
  return runProbe([
    'run',
    '--once',
    '--target',
    target.url,
    ...loopbackProbeArgs(target, dataDir, [collector.url]),
  ]);
}

test('a measurement made by the probe CLI is served by the collector API with verdict ok and its whole trace', async (t) => {
  const { target, collector, dataDir } = await setup(t);
  const r = await measureOnce(target, collector, dataDir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /Uploaded 1 measurement\(s\)/);
  t.true(target.hits >= 1, 'the probe really fetched the page');

  const list = await getJson(`${collector.url}/api/v1/measurements?test_name=web`);
  t.is(list.status, 200);
  t.is(list.json.results.length, 1);
  const summary = list.json.results[0];
  t.is(summary.input, target.url);
  t.is(summary.verdict.status, 'ok', summary.verdict.reason);

  const one = await getJson(`${collector.url}/api/v1/measurements/${summary.measurement_uid}`);
  t.is(one.status, 200);
  const m = one.json.measurement;
  const valid = validateMeasurement(m);
  t.true(valid.ok, valid.ok ? '' : valid.error);
  t.regex(m.raabta.probe_id, /^p_[0-9a-f]+$/, 'signed by a registered probe');
  t.is(m.raabta.verdict.status, 'ok', "the probe's own verdict");
  t.true(
    one.json.verdicts.some((v: Json) => v.source === 'collector' && v.status === 'ok'),
    'the collector re-ran the analysis and agrees',
  );

  const k = m.test_keys;
  const answers = k.queries.flatMap((q: Json) => q.answers.map((a: Json) => a.ipv4));
  t.true(answers.includes('127.0.0.1'), `the DNS answer: ${JSON.stringify(k.queries)}`);
  t.true(
    target.dns.queries.some((q) => q.name === 'site.test'),
    'from the loopback DNS server',
  );
  t.true(
    k.tcp_connect.some(
      (c: Json) => c.ip === '127.0.0.1' && c.port === target.port && c.status.success === true,
    ),
    'the TCP connect',
  );
  const hs = k.tls_handshakes.find((h: Json) => h.server_name === 'site.test' && h.failure === null);
  t.truthy(hs, 'the TLS handshake with SNI site.test');
  t.regex(hs.tls_version, /^TLSv1\.[23]$/);
  t.true(hs.verified, 'verified against the --ca certificate');
  t.regex(hs.certificates[0].subject, /site\.test/);
  const req = k.requests.find((q: Json) => q.response.code === 200);
  t.truthy(req, 'the HTTP response');
  t.true(String(req.response.body).includes(PAGE_TITLE));

  const raw = await fetch(`${collector.url}/api/v1/measurements/${summary.measurement_uid}/raw`);
  t.is(((await raw.json()) as Json).measurement_uid, summary.measurement_uid);

  const outbox = readOutbox(dataDir);
  t.deepEqual(
    outbox.rows.map((row) => [row.uid, row.state, row.ack_status]),
    [[summary.measurement_uid, 'uploaded', 'accepted']],
    'the outbox marks it uploaded only after the acknowledgement',
  );
});

test('with the HTTPS site stopped the stored measurement has a connection_refused TCP step and is never ok', async (t) => {
  const { target, collector, dataDir } = await setup(t);
  target.https.closeAllConnections();
  await new Promise<void>((r) => target.https.close(() => r()));
  const r = await measureOnce(target, collector, dataDir);
  t.is(r.code, 0, r.stderr);
  const list = await getJson(`${collector.url}/api/v1/measurements?test_name=web`);
  t.is(list.json.results.length, 1);
  const summary = list.json.results[0];
  t.not(summary.verdict.status, 'ok');
  const one = await getJson(`${collector.url}/api/v1/measurements/${summary.measurement_uid}`);
  const k = one.json.measurement.test_keys;
  t.true(
    k.tcp_connect.some((c: Json) => c.port === target.port && c.status.failure === 'connection_refused'),
    JSON.stringify(k.tcp_connect),
  );
  t.is(target.hits, 0);
});
