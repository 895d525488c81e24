/**
 * Argument handling of `raabta export` and `raabta import-ooni`. The storage comes in through `deps`, so the
 * collector CLI wires its own database and these functions stay testable without one. Both return the
 * process exit code: 0 success, 1 partial failure (import: some lines could not be converted), 2 usage error.
 */
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { exportAll, utcDay } from './export-all.ts';
import { isDay } from './manifest.ts';
import { importOoniFile } from './ooni-import.ts';
import { EXPORT_FORMATS, type ExportFormat, type IterateRawByDay, isExportFormat } from './types.ts';

export interface CliIo {
  /** progress and errors (stderr) */
  log?: (line: string) => void;
  /** the result summary (stdout) */
  out?: (line: string) => void;
  now?: () => Date;
}

export interface ExportCliDeps extends CliIo {
  openSource(db: string): Promise<{ iterateRawByDay: IterateRawByDay; close(): Promise<void> }>;
}

export interface ImportedMeasurement {
  uid: string;
  /** the converted measurement's JSON, to be stored as its raw bytes */
  raw: string;
  measurement: Measurement;
}

export interface ImportCliDeps extends CliIo {
  openSink(db: string): Promise<{
    /** stores the batch (idempotent by uid); how many were new and how many already there */
    insert(batch: ImportedMeasurement[]): Promise<{ accepted: number; duplicate: number }>;
    close(): Promise<void>;
  }>;
}

export const EXPORT_USAGE =
  'usage: raabta export --db FILE --out DIR --since YYYY-MM-DD [--until YYYY-MM-DD (exclusive, default today UTC)] [--format jsonl.gz,csv,parquet,ooni]';
export const IMPORT_USAGE = 'usage: raabta import-ooni FILE.jsonl[.gz]... --db FILE [--batch N] [--dry-run]';

/** `--format` list → formats; `ooni` is short for `ooni.jsonl.gz`. */
export function parseFormats(s: string): ExportFormat[] {
  const out = s
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (f === 'ooni' ? 'ooni.jsonl.gz' : f));
  const bad = out.filter((f) => !isExportFormat(f));
  if (bad.length)
    throw new Error(`--format: unknown ${bad.join(', ')} (known: ${EXPORT_FORMATS.join(', ')}, ooni)`);
  return out as ExportFormat[];
}

function usageError(io: CliIo, message: string, usage: string): number {
  const log = io.log ?? console.error;
  log(message);
  log(usage);
  return 2;
}

export async function runExportCli(argv: string[], deps: ExportCliDeps): Promise<number> {
  const log = deps.log ?? console.error;
  const out = deps.out ?? console.log;
  let formats: ExportFormat[];
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        out: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
    if (v.help)
      return usageError(deps, 'raabta export: daily dataset files and their manifests', EXPORT_USAGE);
    formats = v.format ? parseFormats(v.format as string) : [...EXPORT_FORMATS];
  } catch (err) {
    return usageError(deps, (err as Error).message, EXPORT_USAGE);
  }
  const until = (v.until as string | undefined) ?? utcDay(deps.now?.() ?? new Date());
  for (const k of ['db', 'out', 'since'] as const)
    if (!v[k]) return usageError(deps, `--${k} is required`, EXPORT_USAGE);
  for (const [k, d] of [
    ['since', v.since],
    ['until', until],
  ] as const) {
    if (!isDay(d as string)) return usageError(deps, `--${k}: "${d}" is not a YYYY-MM-DD day`, EXPORT_USAGE);
  }
  const source = await deps.openSource(v.db as string);
  try {
    const r = await exportAll({
      since: v.since as string,
      until,
      outDir: v.out as string,
      formats,
      iterateRawByDay: source.iterateRawByDay,
      now: deps.now,
      onDay: (date, m, ms) =>
        log(
          m
            ? `${date}: ${m.files[0].rows} measurements, ${m.files.length} files, ${Math.round(ms)} ms`
            : `${date}: no measurements`,
        ),
    });
    const rows = r.days.reduce((n, d) => n + (d.files[0]?.rows ?? 0), 0);
    out(`exported ${rows} measurements over ${r.days.length} days (${r.empty.length} empty) to ${v.out}`);
    return 0;
  } finally {
    await source.close();
  }
}

export async function runImportOoniCli(argv: string[], deps: ImportCliDeps): Promise<number> {
  const log = deps.log ?? console.error;
  const out = deps.out ?? console.log;
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        batch: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    return usageError(deps, (err as Error).message, IMPORT_USAGE);
  }
  const v = parsed.values;
  if (v.help)
    return usageError(deps, 'raabta import-ooni: OONI measurements into the collector', IMPORT_USAGE);
  const files = parsed.positionals;
  const dry = v['dry-run'] === true;
  const batchSize = v.batch ? Number(v.batch) : 500;
  if (!files.length) return usageError(deps, 'no input file', IMPORT_USAGE);
  if (!dry && !v.db) return usageError(deps, '--db is required (or --dry-run)', IMPORT_USAGE);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    return usageError(deps, '--batch: a positive integer', IMPORT_USAGE);

  for (const f of files) {
    if (
      !(await access(f).then(
        () => true,
        () => false,
      ))
    )
      return usageError(deps, `${f}: cannot read`, IMPORT_USAGE);
  }
  const sink = dry ? null : await deps.openSink(v.db as string);
  const totals = { converted: 0, accepted: 0, duplicate: 0, failed: 0 };
  let batch: ImportedMeasurement[] = [];
  const flush = async () => {
    if (sink && batch.length) {
      const r = await sink.insert(batch);
      totals.accepted += r.accepted;
      totals.duplicate += r.duplicate;
    }
    batch = [];
  };
  try {
    for (const file of files) {
      for await (const r of importOoniFile(file)) {
        if (!r.ok) {
          totals.failed++;
          log(`${file}:${r.line}: ${r.reason}`);
          continue;
        }
        totals.converted++;
        batch.push({ uid: r.measurement.measurement_uid, raw: r.raw, measurement: r.measurement });
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();
  } finally {
    await sink?.close();
  }
  const stored = dry
    ? 'dry run, nothing stored'
    : `${totals.accepted} new, ${totals.duplicate} already there`;
  out(
    `converted ${totals.converted} OONI measurements (${stored}); ${totals.failed} lines could not be converted`,
  );
  return totals.failed ? 1 : 0;
}
