import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { exportAll } from '../../collector/datasets/export-all.ts';
import {
  datasetsIndex,
  listDayManifests,
  resolveDatasetFile,
  verifyDay,
} from '../../collector/datasets/manifest.ts';
import { generateItems } from './helpers/generate.ts';

async function exported(t: { teardown: (f: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-manifest-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const counts: Record<string, number> = { '2024-11-10': 30, '2024-11-12': 12 };
  await exportAll({
    since: '2024-11-10',
    until: '2024-11-13',
    outDir: dir,
    iterateRawByDay: async function* (date) {
      yield* generateItems(date, counts[date] ?? 0);
    },
    now: () => new Date('2024-11-13T01:00:00Z'),
  });
  return dir;
}

test('each exported day has a manifest listing its four files with rows, bytes and checksums; empty days none', async (t) => {
  const dir = await exported(t);
  const days = await listDayManifests(dir);
  t.deepEqual(
    days.map((d) => d.date),
    ['2024-11-10', '2024-11-12'],
  );
  t.deepEqual(
    days[0].files.map((f) => [f.format, f.rows]),
    [
      ['jsonl.gz', 30],
      ['csv', 30],
      ['parquet', 30],
      ['ooni.jsonl.gz', 30],
    ],
  );
  t.is(days[0].generated_at, '2024-11-13T01:00:00.000Z');
  t.deepEqual(await verifyDay(join(dir, '2024-11-10')), []);
});

test('the datasets index has the API shape with a URL per file', async (t) => {
  const dir = await exported(t);
  const index = await datasetsIndex(dir, (date, name) => `/api/v1/datasets/${date}/${name}`);
  t.is(index.results.length, 2);
  const f = index.results[1].files[2];
  t.is(f.url, '/api/v1/datasets/2024-11-12/raabta-2024-11-12.parquet');
  t.regex(f.sha256, /^[0-9a-f]{64}$/);
});

test('only files listed in a day manifest resolve: no traversal, no unlisted names, no bad dates', async (t) => {
  const dir = await exported(t);
  const ok = await resolveDatasetFile(dir, '2024-11-10', 'raabta-2024-11-10.csv');
  t.is(ok?.path, join(dir, '2024-11-10', 'raabta-2024-11-10.csv'));
  t.is(await resolveDatasetFile(dir, '2024-11-10', 'manifest.json'), null);
  t.is(await resolveDatasetFile(dir, '2024-11-10', '../2024-11-12/raabta-2024-11-12.csv'), null);
  t.is(await resolveDatasetFile(dir, '..', 'raabta-2024-11-10.csv'), null);
  t.is(await resolveDatasetFile(dir, '2024-11-11', 'raabta-2024-11-11.csv'), null);
});

test('verifyDay reports a file changed after export', async (t) => {
  const dir = await exported(t);
  await appendFile(join(dir, '2024-11-12', 'raabta-2024-11-12.csv'), 'x');
  const problems = await verifyDay(join(dir, '2024-11-12'));
  t.is(problems.length, 2);
  t.regex(problems[0], /raabta-2024-11-12\.csv: \d+ bytes, manifest says \d+/);
});
