/** Feeds the dataset exporter (collector/datasets/) one UTC day of stored measurements from the storage. */
import type { ExportItem, IterateRawByDay } from '../datasets/types.ts';
import type { RawRow, Storage } from '../storage/types.ts';

const DAY_MS = 86_400_000;

function item(r: RawRow): ExportItem {
  return { uid: r.uid, raw: r.raw, collector: r.current?.source === 'collector' ? r.current : null };
}

/** Measurements of `date` ordered by start time then uid (storage order is start time then arrival). */
export function iterateRawByDay(storage: Storage, pageSize = 2000): IterateRawByDay {
  return async function* (date: string) {
    const since = Date.parse(`${date}T00:00:00Z`);
    let after: number | null = null;
    let second: RawRow[] = [];
    let secondStart = -1;
    for (;;) {
      const rows = await storage.scanRaw({
        after_key: after,
        since_ms: since,
        until_ms: since + DAY_MS,
        limit: pageSize,
      });
      if (rows.length === 0) break;
      for (const r of rows) {
        const startSecond = r.start_ms;
        if (startSecond !== secondStart && second.length) {
          second.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
          for (const s of second) yield item(s);
          second = [];
        }
        secondStart = startSecond;
        second.push(r);
      }
      after = rows[rows.length - 1].key;
    }
    second.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    for (const s of second) yield item(s);
  };
}
