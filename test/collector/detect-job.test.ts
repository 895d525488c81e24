import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { type DetectorSeries, startDetectJob } from '../../collector/jobs/detect-job.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { tempDir } from './helpers.ts';
import { batchOf } from './storage-contract.ts';

test('the detection job feeds hourly series per network and per country to the detector and stores its events', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const s = openSqliteStorage({ path: join(tmp.dir, 'd.db') });
  t.teardown(() => s.close());
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
});

test('without a detector the job does nothing', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const s = openSqliteStorage({ path: join(tmp.dir, 'd.db') });
  t.teardown(() => s.close());
  const job = startDetectJob(s, pino({ level: 'silent' }), { everyMs: 0, detect: null });
  t.is(await job.runOnce(), 0);
});
