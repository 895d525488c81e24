/**
 * Exports a range of UTC days, one partition per day, by asking the storage for each day in turn.
 */
import { exportDay } from './export-day.ts';
import { isDay } from './manifest.ts';
import type { DayManifest, ExportFormat, IterateRawByDay } from './types.ts';

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
