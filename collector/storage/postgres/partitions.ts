/**
 * Monthly partitions of `measurements` and `verdicts` (schema version 3): a month's partitions are created
 * before the first measurement of that month is inserted — outside the ingest transaction, by the database
 * function `raabta_month_partitions` (advisory lock, attach in SHARE UPDATE EXCLUSIVE mode: other
 * collectors' reads and inserts go on). Months already seen by this process are remembered.
 */
import type pg from 'pg';

/** The first day (UTC) of the month of a measurement that started at `ms`, as `YYYY-MM-01`. */
export function monthOf(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export class MonthPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly pool: pg.Pool | pg.ClientBase) {}

  /** Makes sure the months of these start times have their partitions; returns the months it created. */
  async ensure(startMs: Iterable<number>): Promise<string[]> {
    const months = new Set<string>();
    for (const ms of startMs) {
      const m = monthOf(ms);
      if (!this.known.has(m)) months.add(m);
    }
    const made: string[] = [];
    for (const m of [...months].sort()) {
      const r = await this.pool.query('SELECT raabta_month_partitions($1::date) AS made', [m]);
      if (r.rows[0].made) made.push(m);
      this.known.add(m);
    }
    return made;
  }
}
