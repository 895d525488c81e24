/**
 * export: one day of N stored measurements (realistic traces, as the storage hands them to the exporter: raw
 * bytes plus the collector's verdict) written by collector/datasets' exportDay to JSONL.gz, CSV and Parquet,
 * one format per pass. Baseline in the same run: plain `JSON.stringify(JSON.parse(raw))` of the same items to
 * a file stream, one line each — the cheapest way to dump them.
 */

import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportDay } from '../../collector/datasets/export-day.ts';
import type { ExportFormat, ExportItem } from '../../collector/datasets/types.ts';
import { benchMeasurement } from './data.ts';
import { rssSampler } from './machine.ts';
import type { Benchmark, BenchOptions, BenchResult } from './types.ts';

const DATE = '2024-11-01';
const POOL = 2000;

/** A pool of distinct stored measurements of one day (start every 40 s), cycled to `n` items. */
function itemPool(): { items: ExportItem[]; bytes: number } {
  let bytes = 0;
  const items = Array.from({ length: POOL }, (_, k): ExportItem => {
    const m = benchMeasurement(k, { stepMs: 40_000, tag: 'x' });
    const raw = Buffer.from(JSON.stringify(m));
    bytes += raw.length;
    const v = m.raabta.verdict;
    return {
      uid: m.measurement_uid,
      raw,
      collector: v
        ? { status: v.status, method: v.method, confidence: v.confidence, analysis_version: 'bench' }
        : null,
    };
  });
  return { items, bytes };
}

function* cycle(items: ExportItem[], n: number): Generator<ExportItem> {
  for (let i = 0; i < n; i++) yield items[i % items.length];
}

async function plainJson(items: ExportItem[], n: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const it of cycle(items, n)) {
    const line = `${JSON.stringify(JSON.parse(Buffer.from(it.raw).toString('utf8')))}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const exportBench: Benchmark = {
  name: 'export',
  description: 'dataset export (collector/datasets) to JSONL.gz, CSV, Parquet vs plain JSON.stringify lines',
  async run(o: BenchOptions): Promise<BenchResult> {
    const rows = o.quick ? 10_000 : 200_000;
    const formats: ExportFormat[] = ['jsonl.gz', 'csv', 'parquet'];
    const { items, bytes: poolBytes } = itemPool();
    const meanBytes = poolBytes / POOL;
    const inputMb = (rows * meanBytes) / 1e6;
    const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-export-'));
    const figures: Record<string, number> = {};
    const baseline: Record<string, number> = {};
    try {
      // baseline first and last (the machine drifts): the mean of both
      const plain = async () => {
        const t = performance.now();
        await plainJson(items, rows, join(dir, 'plain.jsonl'));
        const s = (performance.now() - t) / 1000;
        rmSync(join(dir, 'plain.jsonl'), { force: true });
        return rows / s;
      };
      const plain1 = await plain();
      let slowest = Number.POSITIVE_INFINITY;
      for (const f of formats) {
        global.gc?.();
        const rss0 = process.memoryUsage().rss;
        const rss = rssSampler(undefined, 50);
        const t = performance.now();
        const manifest = await exportDay({
          date: DATE,
          items: cycle(items, rows),
          outDir: dir,
          formats: [f],
        });
        const s = (performance.now() - t) / 1000;
        const peak = rss.stop();
        const file = manifest?.files[0];
        if (!file || file.rows !== rows)
          throw new Error(`${f}: expected ${rows} rows, manifest says ${file?.rows}`);
        const key = f.replace('.', '_');
        figures[`${key}_rows_per_s`] = rows / s;
        figures[`${key}_input_mb_per_s`] = inputMb / s;
        figures[`${key}_output_mb`] = file.bytes / 1e6;
        figures[`${key}_rss_growth_mib`] = Math.max(0, peak - rss0 / 2 ** 20);
        slowest = Math.min(slowest, rows / s);
        rmSync(join(dir, DATE), { recursive: true, force: true });
        o.log(`${f}: ${Math.round(rows / s)} rows/s`);
      }
      const plain2 = await plain();
      baseline.plain_json_rows_per_s = (plain1 + plain2) / 2;
      baseline.plain_json_input_mb_per_s = (baseline.plain_json_rows_per_s * meanBytes) / 1e6;
      for (const f of formats) {
        const key = f.replace('.', '_');
        figures[`${key}_vs_plain`] = figures[`${key}_rows_per_s`] / baseline.plain_json_rows_per_s;
      }
      const ratio = figures.jsonl_gz_rows_per_s / baseline.plain_json_rows_per_s;
      return {
        name: 'export',
        parameters: {
          rows,
          formats,
          distinct_measurements: POOL,
          mean_measurement_bytes: Math.round(meanBytes),
          input_mb: Math.round(inputMb),
        },
        figures: { ...figures, slowest_format_rows_per_s: slowest },
        baseline,
        ratio,
        ratioLabel: 'JSONL.gz rows/s / plain JSON.stringify rows/s (higher is better)',
        targets: [],
        notes: [
          'rss_growth = peak RSS during the pass minus RSS before it (streaming: should not grow with rows)',
          'input MB/s counts the stored JSON bytes read; the baseline writes uncompressed lines',
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
