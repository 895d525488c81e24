import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { exportDay } from '../../collector/datasets/export-day.ts';
import { FLAT_COLUMNS, flattenMeasurement } from '../../collector/datasets/flat-row.ts';
import { generated, generateItems } from './helpers/generate.ts';

const DAY = '2024-11-10';
const N = 2_500;
let dir = '';
let file = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raabta-parquet-'));
  await exportDay({
    date: DAY,
    items: generateItems(DAY, N, true),
    outDir: dir,
    formats: ['parquet'],
    parquetRowGroupSize: 1000,
  });
  file = join(dir, DAY, `raabta-${DAY}.parquet`);
});
test.after.always(() => rm(dir, { recursive: true, force: true }));

async function duck<T>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    c.closeSync();
  }
}

test('DuckDB reads the Parquet file: every row, the documented column names and types', async (t) => {
  const [{ n }] = await duck<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet('${file}')`);
  t.is(Number(n), N);
  const cols = await duck<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM read_parquet('${file}')`,
  );
  const duckType = {
    STRING: 'VARCHAR',
    TIMESTAMP: 'TIMESTAMP',
    DOUBLE: 'DOUBLE',
    INT32: 'INTEGER',
    BOOLEAN: 'BOOLEAN',
  };
  t.deepEqual(
    cols.map((c) => [c.column_name, c.column_type]),
    FLAT_COLUMNS.map((c) => [c.name, duckType[c.type]]),
  );
});

test('DuckDB sees the same values as the measurements, nulls included', async (t) => {
  for (const i of [0, 1, 2, 9, 1234, N - 1]) {
    const { m, collector } = generated(DAY, i, true);
    const want = flattenMeasurement(m as unknown as Record<string, unknown>, collector);
    const [got] = await duck<Record<string, unknown>>(
      `SELECT * FROM read_parquet('${file}') WHERE measurement_uid = '${m.measurement_uid}'`,
    );
    t.truthy(got, `row ${i}`);
    for (const c of FLAT_COLUMNS) {
      const v = got[c.name];
      const w = want[c.name];
      if (c.type === 'TIMESTAMP') t.is((v as Date).getTime(), (w as Date).getTime(), `${c.name} of row ${i}`);
      else t.deepEqual(v, w, `${c.name} of row ${i}`);
    }
  }
});

test('DuckDB aggregates by verdict as a researcher would', async (t) => {
  const rows = await duck<{ collector_status: string | null; n: bigint }>(
    `SELECT collector_status, count(*) AS n FROM read_parquet('${file}') GROUP BY 1 ORDER BY 1 NULLS LAST`,
  );
  t.deepEqual(
    rows.map((r) => [r.collector_status, Number(r.n)]),
    [
      ['blocked', N / 4],
      ['ok', N / 4],
      [null, N / 2],
    ],
  );
  const [{ t: first }] = await duck<{ t: Date }>(
    `SELECT min(measurement_start_time) AS t FROM read_parquet('${file}')`,
  );
  t.is(first.toISOString(), `${DAY}T00:00:00.000Z`);
});

test('hyparquet reads it back too, in row groups of the configured size', async (t) => {
  const buf = await asyncBufferFromFile(file);
  const meta = await parquetMetadataAsync(buf);
  t.deepEqual(
    meta.row_groups.map((g) => Number(g.num_rows)),
    [1000, 1000, 500],
  );
  const rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
  t.is(rows.length, N);
  const { m, collector } = generated(DAY, 7, true);
  const want = flattenMeasurement(m as unknown as Record<string, unknown>, collector);
  t.is(rows[7].measurement_uid, want.measurement_uid);
  t.is(rows[7].probe_network_name, want.probe_network_name);
  t.is(rows[7].input, want.input);
  t.is(rows[7].collector_status, want.collector_status);
  t.is(rows[7].simulated, want.simulated);
  t.is((rows[7].measurement_start_time as Date).getTime(), want.measurement_start_time.getTime());
  t.true(meta.key_value_metadata?.some((kv) => kv.key === 'raabta.date' && kv.value === DAY));
});
