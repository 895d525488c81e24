/**
 * ingest: a collector in a child process (fresh SQLite file, default worker threads) and a load generator in
 * another (signed gzip batches of 100 realistic measurements, several connections). Baseline in the same run:
 * the raw better-sqlite3 insert rate of the same batches' rows (batch blob, measurement row, current verdict)
 * into the same tables, prepared statements, one transaction per batch — the floor the collector's own work
 * (HTTP, signature, gunzip, JSON, schema validation, re-analysis, rollups, coverage) is added to.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { prepareBatch } from '../../collector/ingest/prepare.ts';
import { KEY_SEQ_SPAN } from '../../collector/storage/measurement-keys.ts';
import { INSERT_MEASUREMENT, measurementRow } from '../../collector/storage/sqlite/measurement-row.ts';
import { openDatabase } from '../../collector/storage/sqlite/open.ts';
import type { PreparedBatch } from '../../collector/storage/types.ts';
import { benchMeasurement, meanTemplateBytes } from './data.ts';
import { rssSampler } from './machine.ts';
import { PG_DESCRIPTION, pgVariantUnavailable, startPgBench } from './pg-variant.ts';
import { BENCH_ROOT, type CollectorProc, cpuSeconds, runJsonChild, startCollector } from './procs.ts';
import type { Benchmark, BenchOptions, BenchResult } from './types.ts';

const PER_BATCH = 100;
const BASELINE_KEY = generateKeyPairSync('ed25519').privateKey;

/** The collector's prepared form of batch `b` (as its worker makes it), built outside any timing. */
function preparedBatch(b: number, analyze: ReturnType<typeof createAnalyzer>): PreparedBatch {
  const probeId = 'p_rawbaseline';
  const ms = Array.from({ length: PER_BATCH }, (_, i) => benchMeasurement(b * PER_BATCH + i, { probeId }));
  const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: probeId, measurements: ms })));
  const r = prepareBatch(
    {
      body,
      encoding: 'gzip',
      signature: sign(null, body, BASELINE_KEY),
      probe_id: probeId,
      caller_ips: ['127.0.0.1'],
      received_ms: Date.now(),
      max_decompressed_bytes: 64 * 2 ** 20,
    },
    analyze,
    Date.now(),
  );
  if (!r.ok) throw new Error(`baseline batch ${b} did not prepare: ${r.code} ${r.message}`);
  return r.batch;
}

/** Raw insert rate (rows/s): the same rows, same tables, prepared statements, one transaction per batch. */
function rawInsertRate(dir: string, batches: number): { perS: number; seconds: number } {
  const db = openDatabase({ path: join(dir, 'raw.db'), backgroundCheckpoints: false });
  const insBatch = db.prepare(
    'INSERT INTO raw_batches (probe_id, received_ms, gzip, signature) VALUES (?, ?, ?, ?)',
  );
  const insM = db.prepare(INSERT_MEASUREMENT);
  const insV = db.prepare(
    `INSERT INTO verdicts (measurement_id, source, current, analysis_version, status, method, confidence, reason,
       evidence) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)`,
  );
  const seq = new Map<number, number>();
  const one = db.transaction((b: PreparedBatch) => {
    const batchId = Number(insBatch.run(b.probe_id, b.received_ms, b.gzip, b.signature).lastInsertRowid);
    for (const m of b.measurements) {
      const base = Math.floor(m.start_ms / 1000) * KEY_SEQ_SPAN;
      const s = seq.get(base) ?? 0;
      seq.set(base, s + 1);
      const id = base + s;
      insM.run(...measurementRow(id, batchId, b.probe_id, m));
      const v = m.verdicts.find((x) => x.source === m.current);
      if (v)
        insV.run(
          id,
          v.source,
          v.analysis_version,
          v.status,
          v.method,
          v.confidence,
          v.reason,
          JSON.stringify(v.evidence),
        );
    }
  });
  const analyze = createAnalyzer();
  let ms = 0;
  let rows = 0;
  for (let b = 0; b < batches; b++) {
    const batch = preparedBatch(b, analyze);
    const t = performance.now();
    one(batch);
    ms += performance.now() - t;
    rows += batch.measurements.length;
  }
  db.close();
  return { perS: rows / (ms / 1000), seconds: ms / 1000 };
}

interface HttpRun {
  accepted: number;
  perS: number;
  p50: number;
  p99: number;
  /** CPU of all the collector processes per accepted measurement */
  collectorUs: number;
  /** the largest of the collectors' peak RSS */
  peakRss: number;
  /** PostgreSQL server CPU per accepted measurement (when a server was given) */
  serverUs: number;
  ready: Record<string, unknown>;
}

/** The load generator against `collectors` (requests spread over them); CPU and RSS of the collectors. */
async function httpRun(
  collectors: CollectorProc[],
  o: { measurements: number; concurrency: number; probes: number; serverCpu?: () => number },
): Promise<HttpRun> {
  const pids = collectors.map((c) => c.child.pid ?? 0);
  const rss = pids.map((pid) => rssSampler(pid, 100));
  let cpu0 = 0;
  let server0 = 0;
  let done: Record<string, unknown> | undefined;
  let ready: Record<string, unknown> | undefined;
  let collectorCpu = 0;
  let serverCpu = 0;
  let peakRss = 0;
  const cpuNow = () => pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
  try {
    await runJsonChild(
      `${BENCH_ROOT}scripts/bench/ingest-loadgen.ts`,
      [
        '--url',
        collectors.map((c) => c.url).join(','),
        '--measurements',
        String(o.measurements),
        '--concurrency',
        String(o.concurrency),
        '--probes',
        String(o.probes),
        '--batch',
        String(PER_BATCH),
      ],
      (v) => {
        if (v.phase === 'ready') ready = v;
        if (v.phase === 'start') {
          cpu0 = cpuNow();
          server0 = o.serverCpu?.() ?? 0;
        }
        if (v.phase === 'done') done = v;
      },
    );
  } finally {
    collectorCpu = cpuNow() - cpu0;
    serverCpu = (o.serverCpu?.() ?? 0) - server0;
    peakRss = Math.max(...rss.map((r) => r.stop()));
  }
  if (!done || !ready) throw new Error('load generator reported no result');
  const accepted = Number(done.accepted);
  if (accepted !== Math.ceil(o.measurements / PER_BATCH) * PER_BATCH) {
    throw new Error(`collectors accepted ${accepted} of ${o.measurements} measurements`);
  }
  return {
    accepted,
    perS: accepted / Number(done.seconds),
    p50: Number(done.p50_ms),
    p99: Number(done.p99_ms),
    collectorUs: (collectorCpu / accepted) * 1e6,
    peakRss,
    serverUs: (serverCpu / accepted) * 1e6,
    ready,
  };
}

/** The same load against two collector processes on one PostgreSQL database; every row stored exactly once. */
async function pgTwoCollectors(o: {
  measurements: number;
  concurrency: number;
  probes: number;
}): Promise<HttpRun> {
  const bench = await startPgBench({ collectors: 2, extra: ['--uploads-per-minute', '100000000'] });
  try {
    const r = await httpRun(bench.collectors, { ...o, serverCpu: () => bench.server.cpuSeconds() });
    const [n] = await bench.query<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT uid) AS d FROM measurements',
    );
    if (Number(n.n) !== r.accepted || Number(n.d) !== r.accepted)
      throw new Error(`PostgreSQL holds ${n.n} rows (${n.d} distinct) for ${r.accepted} accepted`);
    return r;
  } finally {
    await bench.close();
  }
}

export const ingest: Benchmark = {
  name: 'ingest',
  description:
    'signed gzip batches over HTTP from a separate load generator vs raw better-sqlite3 inserts; ' +
    'beside it the same load on two collectors sharing one PostgreSQL',
  async run(o: BenchOptions): Promise<BenchResult> {
    const measurements = o.quick ? 10_000 : 200_000;
    const concurrency = 8;
    const probes = 20;
    const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-ingest-'));
    try {
      const collector = await startCollector(join(dir, 'collector.db'), [
        '--uploads-per-minute',
        '100000000',
      ]);
      let lite: HttpRun;
      try {
        lite = await httpRun([collector], { measurements, concurrency, probes });
      } finally {
        await collector.stop();
      }
      o.log(`HTTP (SQLite): ${lite.accepted} accepted, ${Math.round(lite.perS)}/s; raw baseline…`);
      const raw = rawInsertRate(dir, Math.min(Math.ceil(measurements / PER_BATCH), o.quick ? 100 : 1000));
      const ratio = lite.perS / raw.perS;
      const figures: Record<string, number> = {
        measurements_per_s: lite.perS,
        batch_p50_ms: lite.p50,
        batch_p99_ms: lite.p99,
        collector_peak_rss_mib: lite.peakRss,
        collector_cpu_us_per_measurement: lite.collectorUs,
      };
      const notes = [
        'collector and load generator share this machine’s cores; the raw baseline runs alone after it',
        'raw baseline: batch blob + measurement row + current verdict per measurement, no rollups/coverage',
      ];
      const skip = pgVariantUnavailable();
      if (skip) {
        o.log(`PostgreSQL variant skipped: ${skip}`);
        notes.push(`PostgreSQL variant not run: ${skip}`);
      } else {
        o.log('the same load on two collectors sharing one PostgreSQL…');
        const pgr = await pgTwoCollectors({ measurements, concurrency, probes });
        o.log(`HTTP (PostgreSQL, 2 collectors): ${pgr.accepted} accepted, ${Math.round(pgr.perS)}/s`);
        Object.assign(figures, {
          pg_2_collectors_measurements_per_s: pgr.perS,
          pg_2_collectors_batch_p50_ms: pgr.p50,
          pg_2_collectors_batch_p99_ms: pgr.p99,
          pg_2_collectors_peak_rss_mib: pgr.peakRss,
          pg_2_collectors_cpu_us_per_measurement: pgr.collectorUs,
          pg_server_cpu_us_per_measurement: pgr.serverUs,
          pg_2_collectors_vs_sqlite: pgr.perS / lite.perS,
        });
        notes.push(
          `pg_*: ${PG_DESCRIPTION}; two collector processes on one database, requests spread over both, ` +
            'all on the same 2 cores as the load generator; every accepted measurement checked stored once',
        );
      }
      return {
        name: 'ingest',
        parameters: {
          measurements,
          batch: PER_BATCH,
          concurrency,
          probes,
          mean_measurement_bytes: meanTemplateBytes(),
          gzip_mb: Math.round(Number(lite.ready.gzip_bytes) / 1e5) / 10,
          json_mb: Math.round(Number(lite.ready.raw_bytes) / 1e5) / 10,
          collector_workers: 'default',
          baseline_measurements: Math.min(measurements, (o.quick ? 100 : 1000) * PER_BATCH),
          postgres: skip ? `not run: ${skip}` : PG_DESCRIPTION,
        },
        figures,
        baseline: { raw_insert_rows_per_s: raw.perS },
        ratio,
        ratioLabel: 'ingest / raw insert (higher is better)',
        targets: [
          { label: '≥ 20,000 measurements/s', met: lite.perS >= 20_000, value: lite.perS, target: 20_000 },
          { label: '≥ 40% of raw insert', met: ratio >= 0.4, value: ratio, target: 0.4 },
        ],
        notes,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
