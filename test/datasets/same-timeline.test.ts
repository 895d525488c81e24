import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { exportAll } from '../../collector/datasets/export-all.ts';
import { importOoniFile } from '../../collector/datasets/ooni-import.ts';
import type { ExportItem } from '../../collector/datasets/types.ts';
import { generateItems } from './helpers/generate.ts';

const fixture = (name: string) => new URL(`../fixtures/ooni/${name}`, import.meta.url).pathname;

test('imported OONI measurements and our own export into the same daily tables, told apart by source', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-timeline-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // a stand-in for the collector's storage: OONI imports plus Raabta's own, per day in time order
  const byDay = new Map<string, ExportItem[]>();
  const add = (it: ExportItem, start: string) =>
    byDay.set(start.slice(0, 10), [...(byDay.get(start.slice(0, 10)) ?? []), it]);
  for await (const r of importOoniFile(fixture('web-connectivity.jsonl'))) {
    if (r.ok)
      add(
        { uid: r.measurement.measurement_uid, raw: r.raw, collector: null },
        r.measurement.measurement_start_time,
      );
  }
  for (const it of generateItems('2024-02-17', 20)) add(it, '2024-02-17');
  for (const list of byDay.values()) list.sort((a, b) => (a.uid < b.uid ? -1 : 1));

  await exportAll({
    since: '2024-02-17',
    until: '2024-02-21',
    outDir: dir,
    formats: ['parquet'],
    iterateRawByDay: async function* (date) {
      yield* byDay.get(date) ?? [];
    },
  });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = (
      await c.runAndReadAll(
        `SELECT source, target_group, probe_status, probe_method, count(*) AS n
       FROM read_parquet('${dir}/*/*.parquet') GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowObjectsJS() as {
      source: string;
      target_group: string;
      probe_status: string;
      probe_method: string | null;
      n: bigint;
    }[];
    const ooni = rows
      .filter((r) => r.source === 'ooni')
      .map((r) => [r.target_group, r.probe_status, r.probe_method, Number(r.n)]);
    t.deepEqual(ooni, [
      ['news', 'ok', null, 1],
      ['web', 'blocked', 'dns', 1],
      ['web', 'blocked', 'http', 1],
      ['web', 'blocked', 'tcp', 1],
      ['web', 'blocked', 'tls', 1],
      ['web', 'down', null, 1],
      ['web', 'inconclusive', null, 1],
    ]);
    t.is(
      rows.filter((r) => r.source === 'raabta').reduce((n, r) => n + Number(r.n), 0),
      20,
    );
  } finally {
    c.closeSync();
  }
});
