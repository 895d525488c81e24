import test, { type ExecutionContext } from 'ava';
import pino from 'pino';
import { type DetectorSeries, startDetectJob } from '../../collector/jobs/detect-job.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { tempDir, testDb } from './helpers.ts';
import { batchOf } from './storage-contract.ts';

/** An empty storage of the engine under test, closed and removed after the test. */
async function emptyStorage(t: ExecutionContext) {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = await testDb(tmp.dir, 'd.db');
  t.teardown(() => d.drop());
  const s = await d.open();
  t.teardown(() => s.close());
  return s;
}

test('the detection job feeds hourly series per network and per country to the detector and stores its events', async (t) => {
  const s = await emptyStorage(t);
  const now = new Date(Date.UTC(2024, 10, 10, 12, 30));
  const blocked = { status: 'blocked' as const, method: 'tls' as const };
  await s.ingest([
    batchOf(
      'p_a',
      [
        sampleMeasurement({
          probe_id: 'p_a',
          start: new Date(Date.UTC(2024, 10, 10, 9, 5)),
          verdict: blocked,
        }),
        sampleMeasurement({
          probe_id: 'p_a',
          start: new Date(Date.UTC(2024, 10, 10, 10, 5)),
          verdict: blocked,
        }),
      ],
      () => null,
    ),
    batchOf(
      'p_b',
      [
        sampleMeasurement({
          probe_id: 'p_b',
          probe_asn: 'AS38193',
          start: new Date(Date.UTC(2024, 10, 10, 9, 7)),
          verdict: blocked,
        }),
      ],
      () => null,
    ),
  ]);
  let seen: DetectorSeries[] = [];
  const job = startDetectJob(s, pino({ level: 'silent' }), {
    everyMs: 0,
    now: () => now,
    detect: ({ series, bucket_ms }) => {
      t.is(bucket_ms, 3600_000);
      seen = series;
      return [
        {
          key: 'x|PK|AS17557',
          title: 'X blocked on AS17557',
          target_group: 'x',
          cc: 'PK',
          asns: ['AS17557', 'AS38193'],
          methods: ['tls'],
          start_ms: Date.UTC(2024, 10, 10, 9),
          end_ms: null,
          severity: 'high',
          peak_share: 1,
          probes: 2,
          status: 'open',
          simulated: false,
          evidence: [],
        },
      ];
    },
  });
  t.is(await job.runOnce(), 1);
  job.stop();
  const scopes = seen.map((x) => `${x.target_group} ${x.scope.cc} ${x.scope.asn}`).sort();
  t.deepEqual(scopes, ['x PK AS17557', 'x PK AS38193', 'x PK null']);
  const country = seen.find((x) => x.scope.asn === null)!;
  t.deepEqual(
    country.buckets.map((b) => [new Date(b.t_ms).toISOString().slice(11, 13), b.blocked, b.probes]),
    [
      ['09', 2, 2],
      ['10', 1, 1],
    ],
  );
  t.deepEqual(country.buckets[0].methods, { tls: 2 });
  const [event] = await s.listEvents({ limit: 5 });
  t.like(event, { title: 'X blocked on AS17557', status: 'open' });
  t.is(event.evidence.length, 3, 'sample blocked measurements of each network are added as evidence');
});

test('with the real detector, blocking seen by several probes becomes an event with sample evidence', async (t) => {
  const s = await emptyStorage(t);
  const blocked = { status: 'blocked' as const, method: 'tls' as const };
  const ok = { status: 'ok' as const, method: null };
  const probes = ['p_a', 'p_b', 'p_c', 'p_d'];
  await s.ingest(
    probes.map((probe_id) =>
      batchOf(
        probe_id,
        [6, 7, 8, 9, 10, 11].map((h) =>
          sampleMeasurement({
            probe_id,
            start: new Date(Date.UTC(2024, 10, 10, h, 5)),
            verdict: h >= 9 ? blocked : ok,
          }),
        ),
        () => null,
      ),
    ),
  );
  const job = startDetectJob(s, pino({ level: 'silent' }), {
    everyMs: 0,
    now: () => new Date(Date.UTC(2024, 10, 10, 12, 30)),
  });
  t.is(await job.runOnce(), 1);
  const [event] = await s.listEvents({ limit: 5 });
  t.like(event, { target_group: 'x', status: 'open', end_ms: null, start_ms: Date.UTC(2024, 10, 10, 9) });
  t.deepEqual(event.methods, ['tls']);
  t.true(event.evidence.length >= 1);
  const sample = await s.summariesByUid(event.evidence);
  t.true(sample.every((m) => m.verdict?.status === 'blocked'));
});

test('a disruption longer than the window stays one event as the window slides past its start', async (t) => {
  const s = await emptyStorage(t);
  const day0 = Date.UTC(2024, 1, 1);
  const blocked = { status: 'blocked' as const, method: 'tls' as const };
  const ok = { status: 'ok' as const, method: null };
  await s.ingest(
    ['p_a', 'p_b', 'p_c'].map((probe_id) =>
      batchOf(
        probe_id,
        Array.from({ length: 30 }, (_, d) =>
          sampleMeasurement({
            probe_id,
            start: new Date(day0 + d * 86400_000 + 12 * 3600_000),
            verdict: d >= 3 ? blocked : ok,
          }),
        ),
        () => null,
      ),
    ),
  );
  const at = (d: number) =>
    startDetectJob(s, pino({ level: 'silent' }), {
      everyMs: 0,
      windowDays: 7,
      now: () => new Date(day0 + d * 86400_000 + 13 * 3600_000),
    });
  for (const d of [5, 12, 20, 29]) t.is(await at(d).runOnce(), 1, `day ${d}`);
  const events = await s.listEvents({ limit: 10 });
  t.is(events.length, 1, events.map((e) => new Date(e.start_ms).toISOString()).join(', '));
  t.like(events[0], { status: 'open', start_ms: day0 + 3 * 86400_000 + 12 * 3600_000 });
});

test('without a detector the job does nothing', async (t) => {
  const s = await emptyStorage(t);
  const job = startDetectJob(s, pino({ level: 'silent' }), { everyMs: 0, detect: null });
  t.is(await job.runOnce(), 0);
});
