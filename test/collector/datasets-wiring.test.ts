/** The dataset CLIs (collector/datasets/) wired to this collector: OONI import → export → served files. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCollectorCli } from '../../collector/cli.ts';
import { http, startCollector, tempDir, testDb } from './helpers.ts';

const FIXTURE = new URL('../fixtures/ooni/web-connectivity.jsonl', import.meta.url).pathname;

test('OONI measurements imported through the collector CLI are stored, exported and served', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = await testDb(tmp.dir, 'c.db');
  t.teardown(() => d.drop());
  const db = d.db;
  t.is(await runCollectorCli(['import-ooni', FIXTURE, '--db', db]), 0);
  const s = await d.open();
  const { measurements } = await s.stats();
  t.true(measurements > 0);
  t.deepEqual(await s.verifyRollups(), []);
  const [row] = await s.scanRaw({ after_key: null, since_ms: 0, limit: 1 });
  const day = new Date(row.start_ms).toISOString().slice(0, 10);
  await s.close();
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  const out = join(tmp.dir, 'datasets');
  t.is(
    await runCollectorCli([
      'export',
      '--db',
      db,
      '--out',
      out,
      '--since',
      day,
      '--until',
      next,
      '--format',
      'jsonl.gz,csv',
    ]),
    0,
  );

  const c = await startCollector({ datasetsDir: out });
  t.teardown(() => c.close());
  const index = await http(`${c.url}/api/v1/datasets`);
  t.is(index.status, 200, index.text);
  const [entry] = index.json.results;
  t.is(entry.date, day);
  const file = entry.files.find((f: { format: string }) => f.format === 'csv');
  const got = await http(`${c.url}${file.url}`);
  t.is(got.status, 200);
  t.is(createHash('sha256').update(got.body).digest('hex'), file.sha256);
  t.deepEqual(got.body, readFileSync(join(out, day, file.name)));
  t.is((await http(`${c.url}/api/v1/datasets/${day}/not-listed.csv`)).status, 404);
});
