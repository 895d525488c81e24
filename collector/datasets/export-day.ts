/**
 * One pass over a day's measurements feeds every requested format at once (the storage is read once), each
 * file written through a FileSink (temporary name, backpressure, SHA-256 while writing, renamed when done),
 * then the day's manifest. Memory stays flat: one measurement at a time, plus one Parquet row group.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION } from '../../schemas/src/measurement.ts';
import { csvHeader, csvLine } from './csv.ts';
import { type FileSink, openFileSink } from './file-sink.ts';
import { flattenMeasurement } from './flat-row.ts';
import { datasetFileName, isDay, writeDayManifest } from './manifest.ts';
import { toOoniLayout } from './ooni-layout.ts';
import { ParquetRowWriter } from './parquet.ts';
import {
  type DatasetFile,
  type DayManifest,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportItem,
} from './types.ts';

export interface ExportDayOptions {
  /** UTC day, `YYYY-MM-DD` */
  date: string;
  /** that day's measurements, in time order */
  items: AsyncIterable<ExportItem> | Iterable<ExportItem>;
  /** dataset root: files go to `<outDir>/<date>/` */
  outDir: string;
  formats?: readonly ExportFormat[];
  parquetRowGroupSize?: number;
  now?: () => Date;
  /** recorded in the manifest (see DayManifest.verdict_counts) */
  verdictCounts?: DayManifest['verdict_counts'];
}

interface Open {
  format: ExportFormat;
  sink: FileSink;
  parquet?: ParquetRowWriter;
}

/**
 * A stored measurement as one JSONL line: its bytes unchanged, except that line breaks — which valid JSON can
 * only hold as insignificant whitespace between tokens — become spaces (same length), so a pretty-printed
 * upload still takes exactly one line.
 */
export function jsonlLine(raw: Buffer): Buffer {
  if (raw.includes(0x0a) || raw.includes(0x0d)) {
    raw = Buffer.from(raw);
    for (let i = 0; i < raw.length; i++) if (raw[i] === 0x0a || raw[i] === 0x0d) raw[i] = 0x20;
  }
  return raw;
}

const NEWLINE = Buffer.from('\n');

function openAll(dayDir: string, date: string, formats: readonly ExportFormat[], rowGroup?: number): Open[] {
  return formats.map((format) => {
    const sink = openFileSink(join(dayDir, datasetFileName(date, format)), { gzip: format.endsWith('.gz') });
    if (format !== 'parquet') return { format, sink };
    const kv = [
      { key: 'raabta.date', value: date },
      { key: 'raabta.measurement_format_version', value: FORMAT_VERSION },
    ];
    return { format, sink, parquet: new ParquetRowWriter(sink, rowGroup, kv) };
  });
}

async function writeItem(open: Open[], date: string, item: ExportItem): Promise<void> {
  const raw = typeof item.raw === 'string' ? Buffer.from(item.raw, 'utf8') : Buffer.from(item.raw);
  const m = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  const start = String(m.measurement_start_time ?? '');
  if (!start.startsWith(date)) {
    throw new Error(`measurement ${item.uid} starts at "${start}", outside the partition of ${date}`);
  }
  const row = open.some((o) => o.format === 'csv' || o.parquet)
    ? flattenMeasurement(m, item.collector)
    : null;
  for (const o of open) {
    if (o.format === 'jsonl.gz') {
      await o.sink.write(jsonlLine(raw));
      await o.sink.write(NEWLINE);
    } else if (o.format === 'csv') await o.sink.write(csvLine(row!));
    else if (o.parquet) await o.parquet.add(row!);
    else await o.sink.write(`${JSON.stringify(toOoniLayout(m, item.collector))}\n`);
  }
}

/** Exports one day; null (and no files) when the day has no measurements. */
export async function exportDay(o: ExportDayOptions): Promise<DayManifest | null> {
  if (!isDay(o.date)) throw new Error(`date: "${o.date}" is not a YYYY-MM-DD day`);
  const formats = o.formats?.length ? [...new Set(o.formats)] : [...EXPORT_FORMATS];
  const dayDir = join(o.outDir, o.date);
  let open: Open[] | null = null;
  let rows = 0;
  try {
    for await (const item of o.items) {
      if (!open) {
        await mkdir(dayDir, { recursive: true });
        open = openAll(dayDir, o.date, formats, o.parquetRowGroupSize);
        for (const f of open) if (f.format === 'csv') await f.sink.write(csvHeader());
      }
      await writeItem(open, o.date, item);
      rows++;
    }
    if (!open) return null;
    const files: DatasetFile[] = [];
    for (const f of open) {
      await f.parquet?.finish();
      const { bytes, sha256 } = await f.sink.close();
      files.push({ name: datasetFileName(o.date, f.format), format: f.format, bytes, rows, sha256 });
    }
    const manifest: DayManifest = {
      manifest_version: 1,
      date: o.date,
      generated_at: (o.now?.() ?? new Date()).toISOString(),
      measurement_format_version: FORMAT_VERSION,
      files,
      ...(o.verdictCounts ? { verdict_counts: o.verdictCounts } : {}),
    };
    await writeDayManifest(dayDir, manifest);
    return manifest;
  } catch (err) {
    for (const f of open ?? []) await f.sink.abort();
    throw err;
  }
}
