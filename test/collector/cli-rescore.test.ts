import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { runCollectorCli } from '../../collector/cli.ts';
import { loadDemoIfEmpty } from '../../collector/demo/load-demo.ts';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { pgProgram } from '../../collector/storage/postgres/index.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { type TestDb, tempDir, testDb } from './helpers.ts';
import { batchOf } from './storage-contract.ts';

async function rawChecksum(d: TestDb): Promise<string> {
  const h = createHash('sha256');
  for (const r of await d.query('SELECT id, gzip, signature FROM raw_batches ORDER BY id'))
    h.update(JSON.stringify(Object.values(r)));
  for (const r of await d.query('SELECT * FROM measurements ORDER BY id'))
    h.update(JSON.stringify(Object.values(r)));
  return h.digest('hex');
}

test('rescore adds collector verdicts, moves rollups, and leaves raw data untouched', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = await testDb(tmp.dir, 'c.db');
  t.teardown(() => d.drop());
  const path = d.db;
  const s = await d.open();
  const ms = Array.from({ length: 30 }, (_, i) =>
    sampleMeasurement({
      probe_id: 'p_a',
      start: new Date(Date.UTC(2024, 10, 10, i % 24)),
      verdict: { status: 'ok', method: null },
    }),
  );
  // stored without a collector analysis (as if the analysis did not exist yet)
  await s.ingest([batchOf('p_a', ms, () => null)]);
  await s.close();
  const before = await rawChecksum(d);
  t.true((await d.query('SELECT id FROM measurements')).length === 30, 'the checksum covers the rows');
  t.is(await runCollectorCli(['rescore', '--db', path, '--since', '2024-11-10T12:00:00Z']), 0);
  t.is(await rawChecksum(d), before, 'raw batches and measurement rows unchanged');
  const after = await d.open();
  t.teardown(() => after.close());
  t.deepEqual(await after.verifyRollups(), []);
  const expected = createAnalyzer()(ms[0])!;
  const late = await after.getMeasurement(ms[13].measurement_uid);
  t.like(late!.summary.verdict, { source: 'collector', status: expected.status });
  const early = await after.getMeasurement(ms[11].measurement_uid);
  t.is(early!.summary.verdict?.source, 'probe', 'before --since: not rescored');
  t.is(await runCollectorCli(['verify', '--db', path]), 0);
});

test('backup writes a consistent copy; usage errors exit 2', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = await testDb(tmp.dir, 'c.db');
  t.teardown(() => d.drop());
  const path = d.db;
  const s = await d.open();
  await s.ingest([batchOf('p_a', [sampleMeasurement({ probe_id: 'p_a' })])]);
  await s.close();
  const out = join(tmp.dir, 'backup.db');
  t.is(await runCollectorCli(['backup', '--db', path, '--out', out]), 0);
  t.true(existsSync(out));
  // SQLite: the copy is a database file; PostgreSQL: a pg_dump, restored into a fresh database
  const restored = d.engine === 'sqlite' ? await testDb(tmp.dir, 'backup.db') : await testDb(tmp.dir);
  t.teardown(() => restored.drop());
  if (d.engine === 'postgres') {
    const r = spawnSync(pgProgram('pg_restore'), ['--dbname', restored.db, '--no-owner', out], {
      encoding: 'utf8',
    });
    t.is(r.status, 0, r.stderr);
  }
  const copy = await restored.open();
  t.is((await copy.stats()).measurements, 1);
  t.deepEqual(await copy.verifyRollups(), []);
  await copy.close();
  t.is(await runCollectorCli(['backup', '--db', path]), 2);
  t.is(await runCollectorCli(['start', '--bogus']), 2);
  t.is(await runCollectorCli(['frobnicate']), 2);
});

test('the demo loads once into an empty database, every measurement labelled simulated', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = await testDb(tmp.dir, 'demo.db');
  t.teardown(() => d.drop());
  const s = await d.open();
  t.teardown(() => s.close());
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
  const analyze = createAnalyzer();
  const invalid = sampleMeasurement({ probe_id: 'p_demo' }) as unknown as Record<string, unknown>;
  delete invalid.probe_cc;
  const generator = () => [
    sampleMeasurement({ probe_id: 'p_demo' }),
    sampleMeasurement({ probe_id: 'p_demo' }),
    invalid as never,
    sampleMeasurement({ probe_id: 'p_demo2' }),
  ];
  t.is(await loadDemoIfEmpty(s, log, { analyze, generator }), 3);
  t.regex(lines.join(''), /SIMULATED/);
  t.regex(lines.join(''), /"invalid":1/);
  const page = await s.listMeasurements({ limit: 10 });
  t.true(page.rows.every((r) => r.simulated));
  t.is(await loadDemoIfEmpty(s, log, { analyze, generator }), 0, 'not loaded twice');
  const none = await testDb(tmp.dir, 'none.db');
  t.teardown(() => none.drop());
  const empty = await none.open();
  t.teardown(() => empty.close());
  t.is(await loadDemoIfEmpty(empty, log, { analyze, generator: null }), 0, 'no generator: nothing loaded');
  t.is((await empty.stats()).measurements, 0);
});
