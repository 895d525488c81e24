/**
 * Exports a range of UTC days, one partition per day, by asking the storage for each day in turn; and an
 * IterateRawByDay built on the storage contract's `scanRaw`.
 */
import { exportDay } from './export-day.ts';
import { isDay } from './manifest.ts';
import type { DayManifest, ExportFormat, ExportItem, IterateRawByDay, VerdictLike } from './types.ts';

const DAY_MS = 86_400_000;

/** Days from `since` (inclusive) to `until` (exclusive), both `YYYY-MM-DD`. */
export function daysBetween(since: string, until: string): string[] {
  if (!isDay(since)) throw new Error(`since: "${since}" is not a YYYY-MM-DD day`);
  if (!isDay(until)) throw new Error(`until: "${until}" is not a YYYY-MM-DD day`);
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t < Date.parse(`${until}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface ExportAllOptions {
  since: string;
  /** exclusive; default: today (UTC), so only complete days are exported */
  until?: string;
  outDir: string;
  formats?: readonly ExportFormat[];
  iterateRawByDay: IterateRawByDay;
  parquetRowGroupSize?: number;
  now?: () => Date;
  /** called after each day (null when it had no measurements) */
  onDay?: (date: string, manifest: DayManifest | null, ms: number) => void;
}

export interface ExportAllResult {
  days: DayManifest[];
  empty: string[];
}

export async function exportAll(o: ExportAllOptions): Promise<ExportAllResult> {
  const until = o.until ?? utcDay(o.now?.() ?? new Date());
  const result: ExportAllResult = { days: [], empty: [] };
  for (const date of daysBetween(o.since, until)) {
    const t0 = performance.now();
    const manifest = await exportDay({
      date,
      items: o.iterateRawByDay(date),
      outDir: o.outDir,
      formats: o.formats,
      parquetRowGroupSize: o.parquetRowGroupSize,
      now: o.now,
    });
    if (manifest) result.days.push(manifest);
    else result.empty.push(date);
    o.onDay?.(date, manifest, performance.now() - t0);
  }
  return result;
}

/** The fields of storage's RawRow this adapter reads (structural, so the storage can add fields freely). */
export interface ScannedRow {
  key: number;
  uid: string;
  raw: Uint8Array;
  current: (VerdictLike & { source: string }) | null;
}

export type ScanRaw = (opts: {
  after_key: number | null;
  since_ms: number;
  until_ms?: number;
  limit: number;
}) => Promise<ScannedRow[]>;

/**
 * An IterateRawByDay built on the storage contract's `scanRaw` (collector/storage/types.ts), page by page,
 * so memory stays flat. `scanRaw` returns rows in key order; the SQLite storage derives its keys from the
 * measurement's start time, so a day comes out in start-time order. Only a `collector` current verdict is
 * passed on as the collector's verdict (the probe's own verdict is inside the raw measurement).
 */
export function iterateRawByDayFromScan(scanRaw: ScanRaw, pageSize = 1000): IterateRawByDay {
  return async function* (date: string): AsyncGenerator<ExportItem> {
    const since = Date.parse(`${date}T00:00:00Z`);
    let after: number | null = null;
    for (;;) {
      const rows = await scanRaw({
        after_key: after,
        since_ms: since,
        until_ms: since + DAY_MS,
        limit: pageSize,
      });
      for (const r of rows) {
        const collector: VerdictLike | null = r.current?.source === 'collector' ? r.current : null;
        yield { uid: r.uid, raw: r.raw, collector };
      }
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].key;
    }
  };
}
