/**
 * The timeline benchmark at another size (the issue's 10 M, beyond `npm run bench`'s 1 M): the same synthetic
 * rows (35 days, 200 probes, 10 networks, 60 inputs in 8 services) and the same dashboard queries over HTTP,
 * on SQLite (one collector) and on PostgreSQL in monthly partitions (two collector processes). Run by hand:
 *   npx tsx scripts/bench/timeline-size.ts [rows=10000000] [queries=200] [sqlite,postgres]
 * Temporary files and a throw-away PostgreSQL (benchmark settings, loopback only), removed afterwards.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { percentile } from './machine.ts';
import { fillTimelineDb, mulberry32, pgTwoCollectors, sqliteApi } from './timeline.ts';

const rows = Number(process.argv[2] ?? 10_000_000);
const runs = Number(process.argv[3] ?? 200);
const engines = (process.argv[4] ?? 'sqlite,postgres').split(',');
const seed = 2024;
const f = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;
const report = (engine: string, r: { perShape: Record<string, number[]>; all: number[] }) => {
  for (const [shape, xs] of Object.entries(r.perShape)) console.log(`${engine} ${shape.padEnd(32)} ${f(xs)}`);
  console.log(`${engine} ${'all'.padEnd(32)} ${f(r.all)}`);
};

if (engines.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-timeline-size-'));
  try {
    const path = join(dir, 'timeline.db');
    const t0 = performance.now();
    fillTimelineDb(path, rows);
    console.log(
      `SQLite: filled ${rows} measurements in ${((performance.now() - t0) / 1000).toFixed(0)} s ` +
        `(${(statSync(path).size / 2 ** 30).toFixed(1)} GiB)`,
    );
    const storage = openSqliteStorage({ path });
    try {
      report('sqlite', await sqliteApi(storage, runs, mulberry32(seed)));
    } finally {
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (engines.includes('postgres')) report('postgres', await pgTwoCollectors(rows, runs, seed, console.log));
