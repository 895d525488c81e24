/**
 * `collector migrate-db`: SQLite → PostgreSQL → SQLite through the real CLI. Every measurement (bytes,
 * verdicts, keys), timeline, event with its notes, coverage row and probe key reads back the same on the
 * other engine; the copy then keeps working (new uploads, re-scoring); a non-empty destination is refused.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { openPostgresStorage } from '../../collector/storage/postgres/index.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import type { Storage } from '../../collector/storage/types.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { tempDir } from './helpers.ts';
import { batchOf } from './storage-contract.ts';

const CLI = new URL('../../collector/cli.ts', import.meta.url).pathname;
const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);
const H = 3600_000;
const KEY = new Uint8Array(32).fill(9);

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
}

async function fill(s: Storage): Promise<void> {
  await s.registerProbe({
    probe_id: 'p_a',
    public_key: KEY,
    software_name: 'raabta-probe',
    software_version: '1',
    platform: 'linux',
    created_ms: T0,
  });
  for (let b = 0; b < 6; b++) {
    const ms = Array.from({ length: 30 }, (_, i) =>
      sampleMeasurement({
        probe_id: `p_${b % 2 ? 'a' : 'b'}`,
        start: new Date(T0 + (b * 30 + i) * 240_000),
        probe_asn: i % 3 ? 'AS17557' : 'AS38193',
        target_group: `g${i % 4}`,
        input: `https://site${i % 5}.example/`,
        verdict: i % 3 === 0 ? { status: 'blocked', method: 'tls' } : { status: 'ok', method: null },
      }),
    );
    // every other batch without the collector's analysis: the probe's verdict is current
    await s.ingest([batchOf(`p_${b % 2 ? 'a' : 'b'}`, ms, b % 2 ? undefined : () => null)]);
  }
  const rows = await s.scanRaw({ after_key: null, since_ms: 0, limit: 20 });
  await s.replaceCollectorVerdicts(
    rows.map((r) => ({
      key: r.key,
      verdict: {
        source: 'collector',
        analysis_version: 'rescored-1',
        status: 'down',
        method: 'dns',
        confidence: 0.5,
        reason: 'test',
        evidence: ['/x'],
      },
    })),
  );
  await s.upsertEvents([
    {
      key: 'g1|PK|AS17557|x',
      title: 'detector title',
      target_group: 'g1',
      cc: 'PK',
      asns: ['AS17557'],
      methods: ['tls'],
      start_ms: T0,
      end_ms: T0 + 5 * H,
      severity: 'high',
      peak_share: 0.75,
      probes: 2,
      status: 'closed',
      simulated: false,
      evidence: [rows[0].uid],
    },
  ]);
  const [e] = await s.listEvents({ limit: 1 });
  await s.editEvent(e.id, { title: 'curated', note: 'a note', at_ms: T0 + H });
}

/** Everything a client can read, in a comparable form. */
async function contents(s: Storage) {
  const list = [];
  let cursor: string | undefined;
  do {
    const page = await s.listMeasurements({ limit: 50, cursor });
    list.push(...page.rows);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const details = [];
  for (const r of list) {
    const d = await s.getMeasurement(r.uid);
    details.push({ raw: d!.raw.toString('base64'), verdicts: d!.verdicts });
  }
  const keys = (await s.scanRaw({ after_key: null, since_ms: 0, limit: 10_000 })).map((r) => [r.key, r.uid]);
  const timelines = [];
  for (const bucket of ['10m', '1h', '1d'] as const) {
    for (const group_by of ['target_group', 'input'] as const) {
      for (const by_asn of [false, true]) {
        const cells = await s.timeline({
          bucket,
          since_ms: T0 - 86400_000,
          until_ms: T0 + 3 * 86400_000,
          group_by,
          by_asn,
        });
        timelines.push(
          cells
            .map(
              (c) =>
                JSON.stringify(c, Object.keys(c).sort()) +
                JSON.stringify(c.counts) +
                JSON.stringify(c.methods),
            )
            .sort(),
        );
      }
    }
  }
  const { bytes: _bytes, ...stats } = await s.stats();
  return {
    list,
    details,
    keys,
    timelines,
    events: await s.listEvents({ limit: 100 }),
    coverage: await s.coverage(),
    probeKey: Buffer.from((await s.probeKey('p_a'))!).toString('hex'),
    stats,
  };
}

test('migrate-db copies SQLite to PostgreSQL and back, everything readable the same, and the copy keeps working', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.stop());
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const target = await createTestDatabase(pg.url);
  t.teardown(() => target.drop());

  const src = join(tmp.dir, 'src.db');
  const a = openSqliteStorage({ path: src });
  await fill(a);
  const before = await contents(a);
  t.deepEqual(await a.verifyRollups(), []);
  await a.close();
  t.is(before.list.length, 180);
  t.true(before.details.some((d) => d.verdicts.some((v) => v.analysis_version === 'rescored-1')));
  t.true(before.timelines.every((cells) => cells.length > 0));
  t.like(before.events[0], { title: 'curated', notes: [{ text: 'a note' }] });

  const up = cli('migrate-db', '--from', `sqlite:${src}`, '--to', target.url);
  t.is(up.status, 0, up.stderr + up.stdout);
  t.regex(up.stdout, /measurements 180/);
  t.regex(up.stdout, /rollups match the raw rows/);

  const p = await openPostgresStorage({ url: target.url, maxConnections: 2 });
  t.deepEqual(await contents(p), before, 'PostgreSQL reads back exactly what SQLite had');
  await p.close();

  const again = cli('migrate-db', '--from', `sqlite:${src}`, '--to', target.url);
  t.not(again.status, 0, 'a non-empty destination is refused');
  t.regex(again.stderr, /not empty/);

  const back = join(tmp.dir, 'back.db');
  const down = cli('migrate-db', '--from', target.url, '--to', back);
  t.is(down.status, 0, down.stderr + down.stdout);
  const b = openSqliteStorage({ path: back });
  t.deepEqual(await contents(b), before, 'and back to SQLite unchanged');
  await b.close();

  // the PostgreSQL copy goes on: new batches (batch ids after the copied ones), re-scoring, verify
  const q = await openPostgresStorage({ url: target.url, maxConnections: 2 });
  t.teardown(() => q.close());
  const x = sampleMeasurement({ probe_id: 'p_a', start: new Date(T0 + 2 * H) });
  t.deepEqual(await q.ingest([batchOf('p_a', [x])]), [{ statuses: ['accepted'] }]);
  t.is((await q.getMeasurement(x.measurement_uid))?.raw.toString(), JSON.stringify(x));
  t.is((await q.getMeasurement(before.list[0].uid))?.raw.toString('base64'), before.details[0].raw);
  t.is((await q.stats()).measurements, 181);
  t.deepEqual(await q.verifyRollups(), []);
  const verify = cli('verify', '--db', target.url);
  t.is(verify.status, 0, verify.stdout);
});
