import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { csvLine, csvTime, guardCell, unguardCell } from '../../collector/datasets/csv.ts';
import { exportDay } from '../../collector/datasets/export-day.ts';
import { FLAT_COLUMNS, type FlatRow, flattenMeasurement } from '../../collector/datasets/flat-row.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { parseCsv } from './helpers/csv-parse.ts';
import { generated, generateItems, HOSTILE } from './helpers/generate.ts';

const DAY = '2024-11-10';
const N = 1_100;
let dir = '';
let file = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raabta-csv-'));
  await exportDay({ date: DAY, items: generateItems(DAY, N, true), outDir: dir, formats: ['csv'] });
  file = join(dir, DAY, `raabta-${DAY}.csv`);
});
test.after.always(() => rm(dir, { recursive: true, force: true }));

/** What a CSV cell should read as, for a value of the flat row. */
function expected(v: FlatRow[keyof FlatRow]): string | null {
  if (v === null) return null;
  if (v instanceof Date) return csvTime(v);
  return String(v);
}

test('the generated measurements are valid format v1 (the inputs are realistic)', (t) => {
  for (const i of [0, 1, 2, 3, 10, 11]) {
    const r = validateMeasurement(generated(DAY, i, true).m);
    t.true(r.ok, r.ok ? '' : r.error);
  }
});

test('the CSV parses back (RFC 4180) with a header, every row and every value, hostile strings intact', async (t) => {
  const rows = parseCsv(await readFile(file, 'utf8'));
  t.deepEqual(
    rows[0].map((c) => c.value),
    FLAT_COLUMNS.map((c) => c.name),
  );
  t.is(rows.length - 1, N);
  for (let i = 0; i < N; i++) {
    const { m, collector } = generated(DAY, i, true);
    const want = flattenMeasurement(m as unknown as Record<string, unknown>, collector);
    const cells = rows[i + 1];
    t.is(cells.length, FLAT_COLUMNS.length);
    FLAT_COLUMNS.forEach((c, j) => {
      const cell = cells[j];
      const got =
        cell.value === '' && !cell.quoted ? null : c.type === 'STRING' ? unguardCell(cell.value) : cell.value;
      if (got !== expected(want[c.name]))
        t.fail(`row ${i} ${c.name}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want[c.name])}`);
    });
  }
  const names = new Set(
    rows
      .slice(1)
      .map((r) => unguardCell(r[FLAT_COLUMNS.findIndex((c) => c.name === 'probe_network_name')].value)),
  );
  for (const h of HOSTILE) t.true(names.has(h), `${JSON.stringify(h)} survives`);
});

test('cells that a spreadsheet would run as a formula start with a quote in the file', (t) => {
  for (const s of ["=cmd|' /C calc'!A0", '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'=x", "''+x"]) {
    t.is(guardCell(s)[0], "'", s);
    t.is(unguardCell(guardCell(s)), s);
  }
  for (const s of ['plain', "it's", "'quoted'", 'a=b', '', '<script>alert(1)</script>']) {
    t.is(guardCell(s), s);
    t.is(unguardCell(s), s);
  }
  const { m } = generated(DAY, 2, true);
  m.probe_network_name = "=cmd|' /C calc'!A0";
  m.input = 'x,"y"\nz';
  const line = csvLine(flattenMeasurement(m as unknown as Record<string, unknown>, null));
  t.true(line.includes(`'=cmd|' /C calc'!A0`));
  t.true(line.includes('"x,""y""\nz"'));
  t.true(line.endsWith('\r\n'));
});

test('DuckDB read_csv finds the same rows and reads the hostile strings back', async (t) => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const q = `SELECT count(*) AS n, count(DISTINCT probe_network_name) AS names, sum(CASE WHEN simulated THEN 1 ELSE 0 END) AS sim
      FROM read_csv('${file}', header = true, quote = '"', escape = '"', all_varchar = false)`;
    const [r] = (await c.runAndReadAll(q)).getRowObjectsJS() as { n: bigint; names: bigint; sim: bigint }[];
    t.is(Number(r.n), N);
    t.is(Number(r.sim), Math.ceil(N / 3));
    const multi = (
      await c.runAndReadAll(
        `SELECT DISTINCT probe_network_name AS v FROM read_csv('${file}', header = true) WHERE probe_network_name LIKE 'line one%'`,
      )
    ).getRowObjectsJS() as { v: string }[];
    t.deepEqual(
      multi.map((x) => x.v),
      ['line one\nline two\r\nline three'],
    );
  } finally {
    c.closeSync();
  }
});
