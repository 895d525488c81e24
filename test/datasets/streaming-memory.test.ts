import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const MB = 1024 * 1024;

test('exporting 50,000 measurements in every format keeps the heap flat (growth < 20 MB)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-memory-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const script = new URL('./helpers/memory-run.ts', import.meta.url).pathname;
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import=tsx', script, '50000', join(dir, 'out')],
    {
      maxBuffer: 1 << 20,
    },
  );
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
    rows: number;
    raw_bytes: number;
    growth: number;
  };
  t.is(r.rows, 50_000);
  // the data itself is far larger than the bound, so holding it (or a day's worth of rows) would fail this test
  t.true(r.raw_bytes > 2 * 50 * MB, `raw data ${Math.round(r.raw_bytes / MB)} MB`);
  // bounded well under the brief's 50 MB: measured ~6 MB; one Parquet row group for the whole day measured ~30 MB
  t.true(r.growth < 20 * MB, `heap grew ${Math.round(r.growth / MB)} MB`);
  t.log(
    `heap growth ${(r.growth / MB).toFixed(1)} MB over ${Math.round(r.raw_bytes / MB)} MB of measurements`,
  );
});
