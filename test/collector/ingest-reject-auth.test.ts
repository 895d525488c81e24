import test from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import {
  batchBody,
  countRows,
  dbFingerprint,
  newKey,
  registerProbe,
  startCollector,
  upload,
} from './helpers.ts';
import { type RejectFixture, rejectFixture } from './reject-fixture.ts';

let f: RejectFixture;
test.before(async () => {
  f = await rejectFixture();
});
test.after.always(() => f?.c.close());

test.serial('an unsigned upload is refused', async (t) => {
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { signature: null }), {
    status: 401,
    code: 'missing_signature',
  });
});

test.serial('an upload signed by another key is refused', async (t) => {
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { signWith: newKey().privateKey }), {
    status: 401,
    code: 'bad_signature',
    message: /does not verify/,
  });
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { signature: 'not-base64!' }), {
    status: 401,
    code: 'bad_signature',
  });
});

test.serial('a tampered body fails the signature', async (t) => {
  const body = batchBody(f.probe.probeId, [f.fresh()]);
  const { sign } = await import('node:crypto');
  const signature = sign(null, body, f.probe.privateKey).toString('base64');
  const tampered = batchBody(f.probe.probeId, [f.fresh()]);
  await f.refused(t, () => upload(f.c.url, f.probe, [], { rawBody: tampered, signature }), {
    status: 401,
    code: 'bad_signature',
  });
});

test.serial('a batch replayed under another f.probe id is refused', async (t) => {
  // f.probe's own signed body, sent again claiming to come from `f.other`
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { headerProbeId: f.other.probeId }), {
    status: 401,
    code: 'bad_signature',
  });
  // `f.other` signs a body that names `f.probe`
  await f.refused(t, () => upload(f.c.url, f.other, [f.fresh()], { bodyProbeId: f.probe.probeId }), {
    status: 400,
    code: 'probe_id_mismatch',
  });
});

test.serial('an unknown f.probe is refused', async (t) => {
  await f.refused(
    t,
    () => upload(f.c.url, f.probe, [f.fresh()], { headerProbeId: 'p_000000000000000000000000' }),
    {
      status: 401,
      code: 'unknown_probe',
      message: /p_000000000000000000000000/,
    },
  );
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { headerProbeId: null }), {
    status: 401,
    code: 'missing_probe_id',
  });
});

test.serial('a wrong content type or encoding is refused with 415', async (t) => {
  await f.refused(
    t,
    () => upload(f.c.url, f.probe, [f.fresh()], { headers: { 'content-type': 'text/plain' } }),
    {
      status: 415,
      code: 'unsupported_media_type',
    },
  );
  await f.refused(t, () => upload(f.c.url, f.probe, [f.fresh()], { headers: { 'content-encoding': 'br' } }), {
    status: 415,
    code: 'unsupported_encoding',
  });
});

test.serial('a replayed batch changes nothing', async (t) => {
  const ms = [f.fresh()];
  t.is((await upload(f.c.url, f.probe, ms)).status, 200);
  const before = await dbFingerprint(f.c.database);
  const r = await upload(f.c.url, f.probe, ms);
  t.is(r.status, 200);
  t.like(r.json, { accepted: 0, duplicate: 1 });
  t.is(await dbFingerprint(f.c.database), before);
});

test('uploads beyond the per-f.probe rate are refused with 429 and Retry-After', async (t) => {
  const limited = await startCollector({ rateLimits: { uploads: { capacity: 2, perSecond: 0.01 } } });
  t.teardown(() => limited.close());
  const p = await registerProbe(limited.url);
  for (let i = 0; i < 2; i++)
    t.is((await upload(limited.url, p, [sampleMeasurement({ probe_id: p.probeId })])).status, 200);
  const rows = await countRows(limited.database);
  const r = await upload(limited.url, p, [sampleMeasurement({ probe_id: p.probeId })]);
  t.is(r.status, 429);
  t.is(r.json.error.code, 'rate_limited');
  t.truthy(r.headers['retry-after']);
  t.is(await countRows(limited.database), rows);
  const q = await registerProbe(limited.url);
  t.is(
    (await upload(limited.url, q, [sampleMeasurement({ probe_id: q.probeId })])).status,
    200,
    'f.other probes unaffected',
  );
});
