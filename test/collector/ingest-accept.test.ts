import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { countRows, http, registerProbe, startCollector, upload } from './helpers.ts';

test('a signed gzip batch is stored and each measurement comes back byte for byte', async (t) => {
  const c = await startCollector({ prepareWorkers: 1 });
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const ms = [0, 1, 2].map((i) =>
    sampleMeasurement({ start: new Date(Date.UTC(2024, 10, 10, 8, 0, i)), probe_id: probe.probeId }),
  );
  const r = await upload(c.url, probe, ms);
  t.is(r.status, 200, r.text);
  t.like(r.json, { accepted: 3, duplicate: 0, rejected: 0 });
  t.deepEqual(
    r.json.results.map((x: { status: string }) => x.status),
    ['accepted', 'accepted', 'accepted'],
  );
  t.is(await countRows(c.database), 3);
  for (const m of ms) {
    const raw = await http(`${c.url}/api/v1/measurements/${m.measurement_uid}/raw`);
    t.is(raw.status, 200);
    t.is(raw.text, JSON.stringify(m), 'the raw bytes are the uploaded bytes of this measurement');
  }
});

test('the stored batch is the request body as sent, with the probe signature beside it', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: probe.probeId });
  const r = await upload(c.url, probe, [m]);
  t.is(r.status, 200, r.text);
  const [row] = await c.database.query<{ gzip: Buffer; signature: Buffer }>(
    'SELECT gzip, signature FROM raw_batches',
  );
  const batch = JSON.parse(gunzipSync(row.gzip).toString('utf8'));
  t.is(batch.probe_id, probe.probeId);
  t.is(row.signature.length, 64);
});

test('uploading the same batch twice stores it once and reports duplicates', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const ms = [sampleMeasurement({ probe_id: probe.probeId }), sampleMeasurement({ probe_id: null })];
  t.is((await upload(c.url, probe, ms)).status, 200);
  const again = await upload(c.url, probe, ms);
  t.is(again.status, 200);
  t.like(again.json, { accepted: 0, duplicate: 2 });
  t.is(await countRows(c.database), 2);
  t.is(await countRows(c.database, 'raw_batches'), 1, 'a batch of duplicates leaves no copy');
  const partly = await upload(c.url, probe, [ms[0], sampleMeasurement({ probe_id: probe.probeId })]);
  t.like(partly.json, { accepted: 1, duplicate: 1 });
  t.is(await countRows(c.database), 3);
});

test('the same uid twice inside one batch is stored once', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: probe.probeId });
  const r = await upload(c.url, probe, [m, m]);
  t.is(r.status, 200, r.text);
  t.deepEqual(
    r.json.results.map((x: { status: string }) => x.status),
    ['accepted', 'duplicate'],
  );
  t.is(await countRows(c.database), 1);
});

test('an uncompressed batch is accepted too', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: probe.probeId });
  const r = await upload(c.url, probe, [m], { gzip: false });
  t.is(r.status, 200, r.text);
  const raw = await http(`${c.url}/api/v1/measurements/${m.measurement_uid}/raw`);
  t.is(raw.text, JSON.stringify(m));
});

test('the collector re-scores each measurement and keeps the probe verdict beside its own', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: probe.probeId, verdict: { status: 'ok', method: null } });
  t.is((await upload(c.url, probe, [m])).status, 200);
  const d = await http(`${c.url}/api/v1/measurements/${m.measurement_uid}`);
  t.is(d.status, 200);
  const sources = d.json.verdicts.map((v: { source: string }) => v.source).sort();
  t.deepEqual(sources, ['collector', 'probe']);
  const probeVerdict = d.json.verdicts.find((v: { source: string }) => v.source === 'probe');
  t.is(probeVerdict.status, 'ok', 'the probe verdict is kept as uploaded');
  const collector = d.json.verdicts.find((v: { source: string }) => v.source === 'collector');
  const expected = createAnalyzer()(m)!;
  t.like(collector, {
    status: expected.status,
    method: expected.method,
    analysis_version: expected.analysis_version,
  });
  t.deepEqual(d.json.measurement, m);
  const list = await http(`${c.url}/api/v1/measurements`);
  t.is(
    list.json.results[0].verdict.status,
    expected.status,
    'the list shows the current (collector) verdict',
  );
});
