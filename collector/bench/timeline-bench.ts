/**
 * Timeline latency on a large database: `--rows` synthetic measurements (default 10 M: 200 probes on 10
 * networks, 60 inputs in 8 services, every input hourly for 35 days) with their rollups, then dashboard-like
 * timeline queries over real HTTP; prints p50/p95 per query shape. The database is kept (`--db`) for reruns.
 *   tsx collector/bench/timeline-bench.ts [--rows 10000000] [--db /tmp/raabta-timeline.db] [--runs 100]
 */
import { existsSync } from 'node:fs';
import { Pool } from 'undici';
import { buildApp } from '../app.ts';
import { int, parseArgs, str } from '../cli-args.ts';
import { createLogger } from '../logging.ts';
import { openSqliteStorage } from '../storage/sqlite/index.ts';
import { fillSynthetic, SYNTHETIC_T0 } from './synthetic-fill.ts';

const a = parseArgs(process.argv.slice(2), {
  rows: { value: true },
  db: { value: true },
  runs: { value: true },
});
const rows = int(a, 'rows', 1000) ?? 10_000_000;
const path = str(a, 'db') ?? '/tmp/raabta-timeline.db';
const runs = int(a, 'runs', 1) ?? 100;

if (!existsSync(path)) {
  const t0 = performance.now();
  fillSynthetic(path, rows);
  process.stdout.write(`filled ${rows} measurements in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const storage = openSqliteStorage({ path });
const counts = storage.db
  .prepare(`SELECT (SELECT max(rowid) FROM measurements WHERE 0) AS x,
    (SELECT count(*) FROM rollups) AS rollups, (SELECT count(*) FROM rollups_input) AS rollups_input,
    (SELECT count(*) FROM rollup_probes) AS rollup_probes`)
  .get() as Record<string, number>;
process.stdout.write(
  `rollup rows: ${counts.rollups} per service, ${counts.rollups_input} per input, ${counts.rollup_probes} probe rows\n`,
);
const app = await buildApp({ storage, log: createLogger('warn'), prepareWorkers: 0 });
await app.listen({ port: 0, host: '127.0.0.1' });
const pool = new Pool(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, {
  connections: 1,
});

const DAY = 86_400_000;
const shapes: [string, number, Record<string, string>][] = [
  ['overview 7d 1h by service and ASN', 7 * DAY, { bucket: '1h', group_by: 'target_group', by_asn: '1' }],
  ['overview 7d 1h by service', 7 * DAY, { bucket: '1h', group_by: 'target_group' }],
  ['2d 10m by service', 2 * DAY, { bucket: '10m' }],
  ['14d 1h one service by ASN', 14 * DAY, { bucket: '1h', target_group: 'group0', by_asn: '1' }],
  ['7d 1h one service by input', 7 * DAY, { bucket: '1h', target_group: 'group0', group_by: 'input' }],
  [
    '2d 10m one service by input, one ASN',
    2 * DAY,
    { bucket: '10m', target_group: 'group0', group_by: 'input', probe_asn: 'AS1000' },
  ],
  ['35d 1d by service and ASN', 35 * DAY, { bucket: '1d', by_asn: '1' }],
];
const span = 35 * DAY;
for (const [name, width, params] of shapes) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const since = SYNTHETIC_T0 + Math.floor(Math.random() * Math.max(1, span - width));
    const q = new URLSearchParams({
      ...params,
      since: new Date(since).toISOString(),
      until: new Date(since + width).toISOString(),
    });
    const t = performance.now();
    const res = await pool.request({ path: `/api/v1/timeline?${q}`, method: 'GET' });
    const body = await res.body.text();
    times.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(body);
  }
  times.sort((x, y) => x - y);
  const p = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))].toFixed(1);
  process.stdout.write(`${name.padEnd(40)} p50 ${p(0.5)} ms  p95 ${p(0.95)} ms\n`);
}
await pool.close();
await app.close();
await storage.close();
