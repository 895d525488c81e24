/**
 * SQLite vs PostgreSQL on this machine, bounded sizes, loopback only (numbers for docs/postgres.md):
 * 1. ingest over real HTTP: collectors in child processes (the CLI), signed gzip batches of 100 measurements,
 *    `--concurrency` requests in flight, spread over the collectors: SQLite (one collector), PostgreSQL with
 *    one collector and with two collectors on the same database;
 * 2. timeline queries through the Storage interface on the same data in both engines (`--rows`
 *    measurements spread over 14 days, written with storage.ingest), 100 random windows per shape: p50/p95.
 * PostgreSQL runs with fsync and synchronous_commit on (a throw-away server in a temp dir on 127.0.0.1).
 *   tsx collector/storage/postgres/bench.ts [--batches 200] [--concurrency 8] [--rows 100000] [--pg URL]
 */
import { spawn } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { benchMeasurements } from '../../bench/bench-data.ts';
import { registerBenchProbe } from '../../bench/bench-probe.ts';
import { int, parseArgs, str } from '../../cli-args.ts';
import { createAnalyzer } from '../../ingest/analyze.ts';
import { prepareBatch } from '../../ingest/prepare.ts';
import { sampleMeasurement } from '../../testing/sample-measurement.ts';
import { openSqliteStorage } from '../sqlite/index.ts';
import type { PreparedBatch, Storage, TimelineQuery } from '../types.ts';
import { openPostgresStorage } from './index.ts';
import { BENCH_SETTINGS, type PgServer, startThrowawayPostgres } from './server.ts';
import { createTestDatabase } from './test-db.ts';

const a = parseArgs(process.argv.slice(2), {
  batches: { value: true },
  concurrency: { value: true },
  rows: { value: true },
  pg: { value: true },
});
const batches = int(a, 'batches', 1) ?? 200;
const concurrency = int(a, 'concurrency', 1) ?? 8;
const rows = int(a, 'rows', 1000) ?? 100_000;
const dir = mkdtempSync(join(tmpdir(), 'raabta-pgbench-'));
const CLI = new URL('../../cli.ts', import.meta.url).pathname;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The server for the PostgreSQL runs: `--pg URL`, else a throw-away one with fsync on (server.ts). */
async function startServer(): Promise<PgServer> {
  const url = str(a, 'pg');
  if (url) return { url, cpuSeconds: () => 0, stop() {} };
  return startThrowawayPostgres(BENCH_SETTINGS);
}

async function startCollector(db: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'start',
      '--db',
      db,
      '--port',
      '0',
      '--no-demo',
      '--uploads-per-minute',
      '10000000',
      '--workers',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () => {
      child.kill('SIGTERM');
      return new Promise((r) => child.once('exit', r));
    },
  };
}

async function httpIngest(label: string, dbs: string[], pgServer: PgServer | null): Promise<void> {
  const cs: Awaited<ReturnType<typeof startCollector>>[] = [];
  for (const db of dbs) cs.push(await startCollector(db));
  try {
    const ids = await Promise.all(Array.from({ length: 20 }, () => registerBenchProbe(cs[0].url)));
    const bodies = Array.from({ length: batches }, (_, b) => {
      const p = ids[b % ids.length];
      const body = gzipSync(
        Buffer.from(
          JSON.stringify({ probe_id: p.probeId, measurements: benchMeasurements(b, 100, p.probeId) }),
        ),
      );
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'x-raabta-probe-id': p.probeId,
          'x-raabta-signature': sign(null, body, p.privateKey).toString('base64'),
        },
      };
    });
    const pools = cs.map((c) => new Pool(c.url, { connections: concurrency, pipelining: 1 }));
    let next = 0;
    let accepted = 0;
    const cpu0 = cs.map((c) => cpuSeconds(c.pid));
    const pg0 = pgServer?.cpuSeconds() ?? 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        const pool = pools[lane % pools.length];
        while (next < bodies.length) {
          const b = bodies[next++];
          const res = await pool.request({ path: '/api/v1/measurements', method: 'POST', ...b });
          const json = (await res.body.json()) as { accepted?: number };
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${JSON.stringify(json)}`);
          accepted += json.accepted ?? 0;
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    const collectorCpu = cs.reduce((n, c, i) => n + cpuSeconds(c.pid) - cpu0[i], 0);
    const pgCpu = (pgServer?.cpuSeconds() ?? 0) - pg0;
    for (const p of pools) await p.close();
    console.log(
      `ingest ${label}: ${accepted} measurements in ${s.toFixed(2)} s = ${Math.round(accepted / s)}/s; ` +
        `collector CPU ${((collectorCpu / accepted) * 1e6).toFixed(0)} µs/measurement` +
        (pgServer ? `, PostgreSQL server CPU ${((pgCpu / accepted) * 1e6).toFixed(0)} µs/measurement` : ''),
    );
  } finally {
    for (const c of cs) await c.stop();
  }
}

/** `rows` measurements over 14 days: 40 probes on 5 networks, 50 inputs in 8 services, as prepared batches of 100. */
function timelineData(): PreparedBatch[] {
  const analyze = createAnalyzer();
  const start = Date.UTC(2024, 10, 1);
  const span = 14 * 86400_000;
  const out: PreparedBatch[] = [];
  const asns = ['AS17557', 'AS38193', 'AS45595', 'AS9541', 'AS59257'];
  for (let b = 0; b * 100 < rows; b++) {
    const probe = `p_${String(b % 40).padStart(24, '0')}`;
    const ms = Array.from({ length: 100 }, (_, i) => {
      const k = b * 100 + i;
      return sampleMeasurement({
        probe_id: probe,
        start: new Date(start + Math.floor((k / rows) * span)),
        input: `https://site${i % 50}.example/`,
        target_group: `group${i % 8}`,
        probe_asn: asns[b % 5],
        verdict: i % 3 ? { status: 'ok', method: null } : { status: 'blocked', method: 'tls' },
      });
    });
    const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: probe, measurements: ms })));
    const r = prepareBatch(
      {
        body,
        encoding: 'gzip',
        signature: null,
        probe_id: probe,
        caller_ips: [],
        received_ms: start,
        max_decompressed_bytes: 1 << 26,
      },
      analyze,
      Date.now(),
    );
    if (!r.ok) throw new Error(r.message);
    out.push(r.batch);
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function timelineBench(label: string, s: Storage, data: PreparedBatch[]): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < data.length; i += 8) await s.ingest(data.slice(i, i + 8));
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `storage.ingest ${label}: ${rows} measurements in ${secs.toFixed(1)} s = ${Math.round(rows / secs)}/s (8 batches of 100 per commit, one writer)`,
  );
  const start = Date.UTC(2024, 10, 1);
  const shapes: [string, (w: number) => TimelineQuery][] = [
    [
      '7 d hourly by service',
      (w) => ({
        bucket: '1h',
        since_ms: w,
        until_ms: w + 7 * 86400_000,
        group_by: 'target_group',
        by_asn: false,
      }),
    ],
    [
      '2 d by 10 min by service',
      (w) => ({
        bucket: '10m',
        since_ms: w,
        until_ms: w + 2 * 86400_000,
        group_by: 'target_group',
        by_asn: false,
      }),
    ],
    [
      '7 d hourly by service and network',
      (w) => ({
        bucket: '1h',
        since_ms: w,
        until_ms: w + 7 * 86400_000,
        group_by: 'target_group',
        by_asn: true,
      }),
    ],
    [
      '7 d hourly one service by input',
      (w) => ({
        bucket: '1h',
        since_ms: w,
        until_ms: w + 7 * 86400_000,
        group_by: 'input',
        by_asn: false,
        target_group: 'group3',
      }),
    ],
  ];
  for (const [name, q] of shapes) {
    const times: number[] = [];
    let cells = 0;
    for (let i = 0; i < 100; i++) {
      const w = start + Math.floor(Math.random() * 7 * 24) * 3600_000;
      const t = performance.now();
      cells += (await s.timeline(q(w))).length;
      times.push(performance.now() - t);
    }
    console.log(
      `timeline ${label} ${name}: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms (${Math.round(cells / 100)} cells)`,
    );
  }
}

const server = await startServer();
try {
  console.log(`batches ${batches} × 100, concurrency ${concurrency}, timeline rows ${rows}`);
  await httpIngest('SQLite (1 collector)', [join(dir, 'ingest.db')], null);
  const d1 = await createTestDatabase(server.url, 'bench');
  await httpIngest('PostgreSQL (1 collector)', [d1.url], server);
  const d2 = await createTestDatabase(server.url, 'bench');
  await httpIngest('PostgreSQL (2 collectors, one database)', [d2.url, d2.url], server);
  await d1.drop();
  await d2.drop();

  const data = timelineData();
  const lite = openSqliteStorage({ path: join(dir, 'timeline.db') });
  await timelineBench('SQLite', lite, data);
  await lite.close();
  const d3 = await createTestDatabase(server.url, 'bench');
  const pgs = await openPostgresStorage({ url: d3.url });
  await timelineBench('PostgreSQL', pgs, data);
  await pgs.close();
  await d3.drop();
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
