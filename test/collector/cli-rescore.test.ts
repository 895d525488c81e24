import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import pino from 'pino';
import { runCollectorCli } from '../../collector/cli.ts';
import { loadDemoIfEmpty } from '../../collector/demo/load-demo.ts';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { tempDir } from './helpers.ts';
import { batchOf } from './storage-contract.ts';

function rawChecksum(path: string): string {
  const db = new Database(path, { readonly: true });
  const h = createHash('sha256');
  for (const r of db.prepare('SELECT id, gzip, signature FROM raw_batches ORDER BY id').raw().all())
    h.update(JSON.stringify(r));
  for (const r of db.prepare('SELECT * FROM measurements ORDER BY id').raw().all())
    h.update(JSON.stringify(r));
  db.close();
  return h.digest('hex');
}

test('rescore adds collector verdicts, moves rollups, and leaves raw data untouched', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const path = join(tmp.dir, 'c.db');
  const s = openSqliteStorage({ path });
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
  const before = rawChecksum(path);
  t.is(await runCollectorCli(['rescore', '--db', path, '--since', '2024-11-10T12:00:00Z']), 0);
  t.is(rawChecksum(path), before, 'raw batches and measurement rows unchanged');
  const after = openSqliteStorage({ path });
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
  const path = join(tmp.dir, 'c.db');
  const s = openSqliteStorage({ path });
  await s.ingest([batchOf('p_a', [sampleMeasurement({ probe_id: 'p_a' })])]);
  await s.close();
  const out = join(tmp.dir, 'backup.db');
  t.is(await runCollectorCli(['backup', '--db', path, '--out', out]), 0);
  t.true(existsSync(out));
  const copy = openSqliteStorage({ path: out });
  t.is((await copy.stats()).measurements, 1);
  await copy.close();
  t.is(await runCollectorCli(['backup', '--db', path]), 2);
  t.is(await runCollectorCli(['start', '--bogus']), 2);
  t.is(await runCollectorCli(['frobnicate']), 2);
});

test('the demo loads once into an empty database, every measurement labelled simulated', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const s = openSqliteStorage({ path: join(tmp.dir, 'demo.db') });
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
  const empty = openSqliteStorage({ path: join(tmp.dir, 'none.db') });
  t.teardown(() => empty.close());
  t.is(await loadDemoIfEmpty(empty, log, { analyze, generator: null }), 0, 'no generator: nothing loaded');
  t.is((await empty.stats()).measurements, 0);
});
