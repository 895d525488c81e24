/**
 * Every bad upload gets a clear 4xx naming the problem, the database is left exactly as it was (row counts
 * and a checksum of every table), and the server keeps serving.
 */
import { gzipSync } from 'node:zlib';
import test, { type ExecutionContext } from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import {
  batchBody,
  countRows,
  dbFingerprint,
  http,
  newKey,
  registerProbe,
  startCollector,
  type TestCollector,
  type TestProbe,
  upload,
} from './helpers.ts';

let c: TestCollector;
let probe: TestProbe;
let other: TestProbe;

test.before(async () => {
  c = await startCollector({
    limits: { bodyBytes: 256 * 1024, decompressedBytes: 4 * 1024 * 1024 },
    rateLimits: { uploads: { capacity: 1000, perSecond: 1000 } },
  });
  probe = await registerProbe(c.url);
  other = await registerProbe(c.url);
  // something already stored, so "unchanged" is checked against a non-empty database
  const r = await upload(c.url, probe, [sampleMeasurement({ probe_id: probe.probeId })]);
  if (r.status !== 200) throw new Error(r.text);
});
test.after.always(() => c?.close());

async function refused(
  t: ExecutionContext,
  send: () => Promise<Awaited<ReturnType<typeof http>>>,
  want: { status: number; code: string; message?: RegExp },
) {
  const rows = countRows(c.dbPath);
  const before = dbFingerprint(c.dbPath);
  const r = await send();
  t.is(r.status, want.status, r.text);
  t.is(r.json?.error?.code, want.code, r.text);
  if (want.message) t.regex(r.json.error.message, want.message);
  t.is(countRows(c.dbPath), rows, 'no row added');
  t.is(dbFingerprint(c.dbPath), before, 'every table unchanged');
  t.is((await http(`${c.url}/healthz`)).status, 200, 'still serving');
  return r;
}

const fresh = () => sampleMeasurement({ probe_id: probe.probeId });

test.serial(
  'a measurement missing a field is rejected by name and nothing of the batch is stored',
  async (t) => {
    const bad = fresh() as unknown as Record<string, unknown>;
    delete bad.probe_asn;
    const r = await refused(t, () => upload(c.url, probe, [fresh(), bad, fresh()]), {
      status: 400,
      code: 'invalid_measurements',
      message: /1 of 3/,
    });
    t.deepEqual(
      r.json.results.map((x: { status: string }) => x.status),
      ['not_stored', 'rejected', 'not_stored'],
    );
    t.regex(r.json.results[1].reason, /probe_asn/);
    t.like(r.json, { accepted: 0, rejected: 1 });
  },
);

test.serial('a field of the wrong type is named', async (t) => {
  const bad = fresh() as unknown as Record<string, unknown>;
  bad.test_runtime = 'ten seconds';
  const r = await refused(t, () => upload(c.url, probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /\/test_runtime/);
});

test.serial('an unknown field is named', async (t) => {
  const bad = fresh() as unknown as Record<string, unknown>;
  bad.probe_lat = 33.6;
  const r = await refused(t, () => upload(c.url, probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /probe_lat/);
});

test.serial('a measurement claiming another probe is rejected', async (t) => {
  const bad = sampleMeasurement({ probe_id: other.probeId });
  const r = await refused(t, () => upload(c.url, probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /raabta\/probe_id/);
});

test.serial('a start time far in the future is rejected', async (t) => {
  const bad = sampleMeasurement({ probe_id: probe.probeId, start: new Date(Date.now() + 3 * 86400_000) });
  const r = await refused(t, () => upload(c.url, probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /measurement_start_time/);
});

test.serial('a batch that is not { probe_id, measurements } is refused', async (t) => {
  const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: probe.probeId, items: [] })));
  await refused(t, () => upload(c.url, probe, [], { rawBody: body }), {
    status: 400,
    code: 'invalid_batch',
    message: /unknown field "items"/,
  });
  await refused(t, () => upload(c.url, probe, []), {
    status: 400,
    code: 'invalid_batch',
    message: /measurements/,
  });
});

test.serial('an oversized body is refused with 413', async (t) => {
  const big = Buffer.alloc(300 * 1024, 'a');
  await refused(t, () => upload(c.url, probe, [], { rawBody: big, gzip: false }), {
    status: 413,
    code: 'body_too_large',
  });
});

test.serial('a gzip bomb is refused without being inflated', async (t) => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  t.true(bomb.length < 256 * 1024, 'the bomb itself is under the body limit');
  await refused(t, () => upload(c.url, probe, [], { rawBody: bomb }), {
    status: 413,
    code: 'decompressed_too_large',
    message: /inflates to more than/,
  });
});

test.serial('a body labelled gzip that is not gzip is refused', async (t) => {
  const plain = batchBody(probe.probeId, [fresh()], false);
  await refused(t, () => upload(c.url, probe, [], { rawBody: plain }), {
    status: 400,
    code: 'bad_gzip',
    message: /not valid gzip/,
  });
});

test.serial('invalid JSON is refused', async (t) => {
  const body = gzipSync(Buffer.from('{"probe_id": "x", "measurements": [ {'));
  await refused(t, () => upload(c.url, probe, [], { rawBody: body }), { status: 400, code: 'bad_json' });
});

test.serial('invalid UTF-8 is refused', async (t) => {
  const json = Buffer.from(JSON.stringify({ probe_id: probe.probeId, measurements: [fresh()] }));
  const at = json.indexOf('raabta-probe');
  json[at] = 0xff;
  json[at + 1] = 0xfe;
  await refused(t, () => upload(c.url, probe, [], { rawBody: gzipSync(json) }), {
    status: 400,
    code: 'bad_utf8',
    message: /UTF-8/,
  });
});

test.serial('an unsigned upload is refused', async (t) => {
  await refused(t, () => upload(c.url, probe, [fresh()], { signature: null }), {
    status: 401,
    code: 'missing_signature',
  });
});

test.serial('an upload signed by another key is refused', async (t) => {
  await refused(t, () => upload(c.url, probe, [fresh()], { signWith: newKey().privateKey }), {
    status: 401,
    code: 'bad_signature',
    message: /does not verify/,
  });
  await refused(t, () => upload(c.url, probe, [fresh()], { signature: 'not-base64!' }), {
    status: 401,
    code: 'bad_signature',
  });
});

test.serial('a tampered body fails the signature', async (t) => {
  const body = batchBody(probe.probeId, [fresh()]);
  const { sign } = await import('node:crypto');
  const signature = sign(null, body, probe.privateKey).toString('base64');
  const tampered = batchBody(probe.probeId, [fresh()]);
  await refused(t, () => upload(c.url, probe, [], { rawBody: tampered, signature }), {
    status: 401,
    code: 'bad_signature',
  });
});

test.serial('a batch replayed under another probe id is refused', async (t) => {
  // probe's own signed body, sent again claiming to come from `other`
  await refused(t, () => upload(c.url, probe, [fresh()], { headerProbeId: other.probeId }), {
    status: 401,
    code: 'bad_signature',
  });
  // `other` signs a body that names `probe`
  await refused(t, () => upload(c.url, other, [fresh()], { bodyProbeId: probe.probeId }), {
    status: 400,
    code: 'probe_id_mismatch',
  });
});

test.serial('an unknown probe is refused', async (t) => {
  await refused(t, () => upload(c.url, probe, [fresh()], { headerProbeId: 'p_000000000000000000000000' }), {
    status: 401,
    code: 'unknown_probe',
    message: /p_000000000000000000000000/,
  });
  await refused(t, () => upload(c.url, probe, [fresh()], { headerProbeId: null }), {
    status: 401,
    code: 'missing_probe_id',
  });
});

test.serial('a wrong content type or encoding is refused with 415', async (t) => {
  await refused(t, () => upload(c.url, probe, [fresh()], { headers: { 'content-type': 'text/plain' } }), {
    status: 415,
    code: 'unsupported_media_type',
  });
  await refused(t, () => upload(c.url, probe, [fresh()], { headers: { 'content-encoding': 'br' } }), {
    status: 415,
    code: 'unsupported_encoding',
  });
});

test.serial('a replayed batch changes nothing', async (t) => {
  const ms = [fresh()];
  t.is((await upload(c.url, probe, ms)).status, 200);
  const before = dbFingerprint(c.dbPath);
  const r = await upload(c.url, probe, ms);
  t.is(r.status, 200);
  t.like(r.json, { accepted: 0, duplicate: 1 });
  t.is(dbFingerprint(c.dbPath), before);
});

test('uploads beyond the per-probe rate are refused with 429 and Retry-After', async (t) => {
  const limited = await startCollector({ rateLimits: { uploads: { capacity: 2, perSecond: 0.01 } } });
  t.teardown(() => limited.close());
  const p = await registerProbe(limited.url);
  for (let i = 0; i < 2; i++)
    t.is((await upload(limited.url, p, [sampleMeasurement({ probe_id: p.probeId })])).status, 200);
  const rows = countRows(limited.dbPath);
  const r = await upload(limited.url, p, [sampleMeasurement({ probe_id: p.probeId })]);
  t.is(r.status, 429);
  t.is(r.json.error.code, 'rate_limited');
  t.truthy(r.headers['retry-after']);
  t.is(countRows(limited.dbPath), rows);
  const q = await registerProbe(limited.url);
  t.is(
    (await upload(limited.url, q, [sampleMeasurement({ probe_id: q.probeId })])).status,
    200,
    'other probes unaffected',
  );
});
