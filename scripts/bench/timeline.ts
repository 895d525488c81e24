/**
 * timeline: a database of N synthetic measurements (200 probes on 10 networks, 60 inputs in 8 services, spread
 * evenly over 35 days; rows, current verdicts and rollups exactly as ingest keeps them), then dashboard-shaped
 * queries over real HTTP (`GET /api/v1/timeline`, served from the rollups). Baseline in the same run: the same
 * aggregation in plain SQL over the measurement rows (what a query costs without rollups).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { buildApp } from '../../collector/app.ts';
import { createLogger } from '../../collector/logging.ts';
import { KEY_SEQ_SPAN } from '../../collector/storage/measurement-keys.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { RECOUNTS, recountInto } from '../../collector/storage/sqlite/verify.ts';
import { percentile } from './machine.ts';
import { fillTimelinePg, PG_DESCRIPTION, pgVariantUnavailable, startPgBench } from './pg-variant.ts';
import type { Benchmark, BenchOptions, BenchResult } from './types.ts';

const T0 = Date.UTC(2024, 9, 1);
const DAY = 86_400_000;
export const SPAN_DAYS = 35;
const PROBES = 200;
const INPUTS = 60;

/** N measurements: round r = i / (probes × inputs) of every probe on every input, rounds spread over 35 days. */
export function fillTimelineDb(path: string, rows: number): void {
  const s = openSqliteStorage({ path, backgroundCheckpoints: false });
  const db = s.db;
  db.pragma('synchronous = OFF');
  const rounds = Math.ceil(rows / (PROBES * INPUTS));
  const roundSeconds = Math.floor((SPAN_DAYS * 86_400) / rounds);
  const t0s = T0 / 1000;
  const start = `(${t0s} + round * ${roundSeconds} + (probe * 37 + input * 11) % ${Math.min(3600, roundSeconds)})`;
  db.exec(`
    CREATE TEMP TABLE gen AS
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    SELECT i, i % ${PROBES} AS probe, (i / ${PROBES}) % ${INPUTS} AS input, i / ${PROBES * INPUTS} AS round FROM n;
    INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
      network_name, test_name, input, target_group, simulated)
    SELECT ${start} * ${KEY_SEQ_SPAN} + probe * 64 + input, printf('bench_%010d', i), ${start} * 1000, 0, 0, 0,
      printf('p_%03d', probe), printf('AS%d', 1000 + probe % 10), 'PK', NULL, 'web',
      printf('https://site%02d.example/', input), printf('group%d', input % 8), 0
    FROM gen;
    INSERT INTO verdicts (measurement_id, source, current, analysis_version, status, method, confidence, reason, evidence)
    SELECT id, 'collector', 1, 'synthetic',
      CASE WHEN target_group = 'group0' AND probe_asn IN ('AS1000', 'AS1001') AND (start_ms / ${DAY}) % 7 < 2
        THEN 'blocked' WHEN (id % 97) = 0 THEN 'error' ELSE 'ok' END,
      CASE WHEN target_group = 'group0' AND probe_asn IN ('AS1000', 'AS1001') AND (start_ms / ${DAY}) % 7 < 2
        THEN 'tls' ELSE NULL END, 0.9, '', '[]'
    FROM measurements;
    DROP TABLE gen;
  `);
  for (const table of Object.keys(RECOUNTS)) recountInto(db, table);
  db.exec(`INSERT INTO coverage SELECT probe_asn, probe_cc, probe_id, NULL, count(*), max(start_ms) FROM measurements
    GROUP BY probe_asn, probe_cc, probe_id`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

interface Shape {
  name: string;
  width: number;
  bucketS: number;
  params: Record<string, string>;
  byAsn: boolean;
}

const SHAPES: Shape[] = [
  { name: '30d_1h_by_service', width: 30 * DAY, bucketS: 3600, params: { bucket: '1h' }, byAsn: false },
  {
    name: '30d_1h_by_service_and_asn',
    width: 30 * DAY,
    bucketS: 3600,
    params: { bucket: '1h', by_asn: '1' },
    byAsn: true,
  },
  { name: '1y_1d_by_service', width: 365 * DAY, bucketS: 86_400, params: { bucket: '1d' }, byAsn: false },
];

/** A random window of the shape's width that overlaps the data (1-year windows end inside it). */
function windowFor(s: Shape, rnd: () => number): [number, number] {
  const span = SPAN_DAYS * DAY;
  const since =
    s.width >= span
      ? T0 + span - s.width + Math.floor(rnd() * 5) * DAY
      : T0 + Math.floor(rnd() * (span - s.width));
  return [since, since + s.width];
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The dashboard's queries over HTTP, `runs` spread over the shapes (3 warm-up queries each), alternating over
 * `pools` (one per collector): latencies per shape and over all.
 */
async function queryShapes(
  pools: Pool[],
  runs: number,
  rnd: () => number,
): Promise<{ perShape: Record<string, number[]>; all: number[] }> {
  const perShape: Record<string, number[]> = {};
  const all: number[] = [];
  let n = 0;
  for (const s of SHAPES) {
    const times: number[] = [];
    const warmup = 3;
    for (let i = -warmup; i < Math.ceil(runs / SHAPES.length); i++) {
      const [since, until] = windowFor(s, rnd);
      const q = new URLSearchParams({
        ...s.params,
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
      });
      const pool = pools[n++ % pools.length];
      const t = performance.now();
      const res = await pool.request({ path: `/api/v1/timeline?${q}`, method: 'GET' });
      const body = await res.body.text();
      if (i >= 0) times.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`timeline ${res.statusCode}: ${body.slice(0, 300)}`);
      if (!body.includes('"buckets":[{')) throw new Error(`timeline ${s.name} returned no buckets`);
    }
    perShape[s.name] = times;
    all.push(...times);
  }
  return { perShape, all };
}

/** The dashboard queries over HTTP to one collector (in this process) on the SQLite file. */
export async function sqliteApi(
  storage: ReturnType<typeof openSqliteStorage>,
  runs: number,
  rnd: () => number,
): Promise<{ perShape: Record<string, number[]>; all: number[] }> {
  const app = await buildApp({ storage, log: createLogger('warn'), prepareWorkers: 0 });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const pool = new Pool(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, {
      connections: 1,
    });
    try {
      return await queryShapes([pool], runs, rnd);
    } finally {
      await pool.close();
    }
  } finally {
    await app.close();
  }
}

/**
 * The same rows in PostgreSQL, two collector processes on the database, the same queries (same windows: the
 * generator restarts from the seed) alternating between them.
 */
export async function pgTwoCollectors(rows: number, runs: number, seed: number, log: (l: string) => void) {
  const tf = performance.now();
  const bench = await startPgBench({
    collectors: 2,
    fill: (url) =>
      fillTimelinePg(url, rows, {
        t0Ms: T0,
        spanDays: SPAN_DAYS,
        probes: PROBES,
        inputs: INPUTS,
        dayMs: DAY,
      }),
  });
  try {
    log(
      `PostgreSQL: filled ${rows} measurements, two collectors up in ${((performance.now() - tf) / 1000).toFixed(1)} s`,
    );
    const pools = bench.collectors.map((c) => new Pool(c.url, { connections: 1 }));
    try {
      return await queryShapes(pools, runs, mulberry32(seed));
    } finally {
      for (const p of pools) await p.close();
    }
  } finally {
    await bench.close();
  }
}

export const timeline: Benchmark = {
  name: 'timeline',
  description:
    'dashboard timeline queries over HTTP (rollups) vs the same aggregation in SQL over the rows; ' +
    'beside it the same queries to two collectors sharing one PostgreSQL',
  async run(o: BenchOptions): Promise<BenchResult> {
    const rows = o.quick ? 100_000 : 1_000_000;
    const apiRuns = o.quick ? 60 : 200;
    const rawRuns = o.quick ? 2 : 5;
    const rnd = mulberry32(o.seed);
    const notes = [
      'API latency includes HTTP and JSON on loopback (client in the same process); raw SQL is in-process',
      'the issue’s 10 M size is not part of this run (collector/bench/timeline-bench.ts measures it)',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-timeline-'));
    const path = join(dir, 'timeline.db');
    try {
      const tf = performance.now();
      fillTimelineDb(path, rows);
      const fillS = (performance.now() - tf) / 1000;
      o.log(`filled ${rows} measurements in ${fillS.toFixed(1)} s`);
      const storage = openSqliteStorage({ path });
      const figures: Record<string, number> = {};
      const baseline: Record<string, number> = {};
      const all: number[] = [];
      const allRaw: number[] = [];
      try {
        const r = await sqliteApi(storage, apiRuns, rnd);
        for (const [name, times] of Object.entries(r.perShape)) {
          figures[`${name}_p50_ms`] = percentile(times, 50);
          figures[`${name}_p95_ms`] = percentile(times, 95);
        }
        all.push(...r.all);
        // baseline: the same counts straight from the measurement rows (key range = time range)
        for (const s of SHAPES) {
          const stmt = storage.db.prepare(
            `SELECT (m.start_ms / 1000) - (m.start_ms / 1000) % ? AS t, m.target_group,
               ${s.byAsn ? 'm.probe_asn' : "''"}, v.status, v.method, count(*), count(DISTINCT m.probe_id)
             FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1
             WHERE m.id >= ? AND m.id < ? GROUP BY 1, 2, 3, 4, 5`,
          );
          const times: number[] = [];
          for (let i = 0; i < rawRuns; i++) {
            const [since, until] = windowFor(s, rnd);
            const t = performance.now();
            const out = stmt
              .raw()
              .all(
                s.bucketS,
                Math.floor(since / 1000) * KEY_SEQ_SPAN,
                Math.floor(until / 1000) * KEY_SEQ_SPAN,
              );
            times.push(performance.now() - t);
            if (out.length === 0) throw new Error(`raw SQL ${s.name} returned nothing`);
          }
          baseline[`raw_sql_${s.name}_p50_ms`] = percentile(times, 50);
          allRaw.push(...times);
        }
      } finally {
        await storage.close();
      }
      figures.all_p50_ms = percentile(all, 50);
      figures.all_p95_ms = percentile(all, 95);
      const skip = pgVariantUnavailable();
      if (skip) {
        o.log(`PostgreSQL variant skipped: ${skip}`);
        notes.push(`PostgreSQL variant not run: ${skip}`);
      } else {
        const pgr = await pgTwoCollectors(rows, apiRuns, o.seed, o.log);
        for (const [name, times] of Object.entries(pgr.perShape)) {
          figures[`pg_2_collectors_${name}_p50_ms`] = percentile(times, 50);
          figures[`pg_2_collectors_${name}_p95_ms`] = percentile(times, 95);
        }
        figures.pg_2_collectors_all_p50_ms = percentile(pgr.all, 50);
        figures.pg_2_collectors_all_p95_ms = percentile(pgr.all, 95);
        notes.push(
          `pg_*: ${PG_DESCRIPTION}; the same rows (generated in SQL, rollups by the storage's recount queries), ` +
            'two collector processes on the database, the same windows alternating between them over HTTP',
        );
      }
      baseline.raw_sql_all_p50_ms = percentile(allRaw, 50);
      baseline.raw_sql_all_p95_ms = percentile(allRaw, 95);
      const ratio = baseline.raw_sql_all_p50_ms / figures.all_p50_ms;
      return {
        name: 'timeline',
        parameters: {
          rows,
          span_days: SPAN_DAYS,
          probes: PROBES,
          inputs: INPUTS,
          services: 8,
          networks: 10,
          api_queries: all.length,
          warmup_queries_per_shape: 3,
          raw_sql_queries: allRaw.length,
          shapes: SHAPES.map((s) => s.name),
          fill_s: Math.round(fillS),
          postgres: pgVariantUnavailable() ? `not run: ${pgVariantUnavailable()}` : PG_DESCRIPTION,
        },
        figures,
        baseline,
        ratio,
        ratioLabel: 'raw SQL p50 / API p50 (× faster; higher is better)',
        targets: [
          {
            label: 'p95 ≤ 50 ms',
            met: figures.all_p95_ms <= 50,
            value: figures.all_p95_ms,
            target: 50,
          },
        ],
        notes,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
