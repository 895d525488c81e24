/** Bad upload contents: schema, envelope, size, gzip, JSON, UTF-8 — refused, nothing stored. */
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { batchBody, upload } from './helpers.ts';
import { type RejectFixture, rejectFixture } from './reject-fixture.ts';

let f: RejectFixture;
test.before(async () => {
  f = await rejectFixture();
});
test.after.always(() => f?.c.close());

test.serial(
  'a measurement missing a field is rejected by name and nothing of the batch is stored',
  async (t) => {
    const bad = f.fresh() as unknown as Record<string, unknown>;
    delete bad.probe_asn;
    const r = await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh(), bad, f.fresh()]), {
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
  const bad = f.fresh() as unknown as Record<string, unknown>;
  bad.test_runtime = 'ten seconds';
  const r = await f.refused(t, () => upload(f.c.url, f.probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /\/test_runtime/);
});

test.serial('an unknown field is named', async (t) => {
  const bad = f.fresh() as unknown as Record<string, unknown>;
  bad.probe_lat = 33.6;
  const r = await f.refused(t, () => upload(f.c.url, f.probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /probe_lat/);
});

test.serial('a measurement claiming another f.probe is rejected', async (t) => {
  const bad = sampleMeasurement({ probe_id: f.other.probeId });
  const r = await f.refused(t, () => upload(f.c.url, f.probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /raabta\/probe_id/);
});

test.serial('a start time far in the future is rejected', async (t) => {
  const bad = sampleMeasurement({ probe_id: f.probe.probeId, start: new Date(Date.now() + 3 * 86400_000) });
  const r = await f.refused(t, () => upload(f.c.url, f.probe, [bad]), {
    status: 400,
    code: 'invalid_measurements',
  });
  t.regex(r.json.results[0].reason, /measurement_start_time/);
});

test.serial('a batch that is not { probe_id, measurements } is refused', async (t) => {
  const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: f.probe.probeId, items: [] })));
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: body }), {
    status: 400,
    code: 'invalid_batch',
    message: /unknown field "items"/,
  });
  await f.refused(t, () => upload(f.c.url, f.probe, []), {
    status: 400,
    code: 'invalid_batch',
    message: /measurements/,
  });
});

test.serial('an oversized body is refused with 413', async (t) => {
  const big = Buffer.alloc(300 * 1024, 'a');
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: big, gzip: false }), {
    status: 413,
    code: 'body_too_large',
  });
});

test.serial('a gzip bomb is refused without being inflated', async (t) => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  t.true(bomb.length < 256 * 1024, 'the bomb itself is under the body limit');
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: bomb }), {
    status: 413,
    code: 'decompressed_too_large',
    message: /inflates to more than/,
  });
});

test.serial('a body labelled gzip that is not gzip is refused', async (t) => {
  const plain = batchBody(f.probe.probeId, [f.fresh()], false);
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: plain }), {
    status: 400,
    code: 'bad_gzip',
    message: /not valid gzip/,
  });
});

test.serial('invalid JSON is refused', async (t) => {
  const body = gzipSync(Buffer.from('{"probe_id": "x", "measurements": [ {'));
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: body }), {
    status: 400,
    code: 'bad_json',
  });
});

test.serial('invalid UTF-8 is refused', async (t) => {
  const json = Buffer.from(JSON.stringify({ probe_id: f.probe.probeId, measurements: [f.fresh()] }));
  const at = json.indexOf('raabta-f.probe');
  json[at] = 0xff;
  json[at + 1] = 0xfe;
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: gzipSync(json) }), {
    status: 400,
    code: 'bad_utf8',
    message: /UTF-8/,
  });
});
