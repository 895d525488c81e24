/**
 * An IterateRawByDay built on the storage contract's `scanRaw` (collector/storage/types.ts), page by page,
 * so memory stays flat. `scanRaw` returns rows in key order; the SQLite storage derives its keys from the
 * measurement's start time, so a day comes out in start-time order. Only a `collector` current verdict is
 * passed on as the collector's verdict (the probe's own verdict is inside the raw measurement).
 */
import type { ExportItem, IterateRawByDay, VerdictLike } from './types.ts';

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

const DAY_MS = 86_400_000;

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
