/**
 * Run in a child process with --expose-gc: exports N generated measurements (all formats) while sampling the
 * heap after forced collections, and prints a JSON report. Used by streaming-memory.test.ts and for the
 * throughput figures in collector/datasets/README.md:
 *   node --expose-gc --import tsx test/datasets/helpers/memory-run.ts 50000 /tmp/out [formats]
 */
import { exportDay } from '../../../collector/datasets/export-day.ts';
import { EXPORT_FORMATS, type ExportFormat, type ExportItem } from '../../../collector/datasets/types.ts';
import { generateItems } from './generate.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const n = Number(process.argv[2] ?? 50_000);
const out = process.argv[3] ?? '/tmp/raabta-memory-run';
const formats = (process.argv[4]?.split(',') ?? [...EXPORT_FORMATS]) as ExportFormat[];
const DAY = '2024-11-10';

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

// warm up: load modules and JIT the paths once, so the baseline is steady state
await exportDay({ date: DAY, items: generateItems(DAY, 2_000), outDir: `${out}-warmup`, formats });
const baseline = heap();
const samples: number[] = [];
let rawBytes = 0;
async function* sampled(): AsyncGenerator<ExportItem> {
  let i = 0;
  for (const item of generateItems(DAY, n)) {
    rawBytes += Buffer.byteLength(item.raw as string);
    if (++i % 5_000 === 0) samples.push(heap());
    yield item;
  }
}
const t0 = performance.now();
const manifest = await exportDay({ date: DAY, items: sampled(), outDir: out, formats });
const ms = performance.now() - t0;
samples.push(heap());
console.log(
  JSON.stringify({
    rows: manifest?.files[0].rows ?? 0,
    raw_bytes: rawBytes,
    baseline,
    peak: Math.max(...samples),
    growth: Math.max(...samples) - baseline,
    ms,
    files: manifest?.files.map((f) => ({ format: f.format, bytes: f.bytes })),
  }),
);
