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

export interface PartitionInfo {
  table: string;
  month: string;
  rows: number;
  bytes: number;
}

/** The attached partitions of `measurements` and `verdicts`, with estimated rows and size on disk. */
export async function listPartitions(c: pg.Pool | pg.ClientBase): Promise<PartitionInfo[]> {
  const r = await c.query(
    `SELECT parent.relname AS parent, child.relname AS table,
       greatest(child.reltuples, 0)::bigint AS rows, pg_total_relation_size(child.oid) AS bytes
     FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid
     WHERE parent.relname IN ('measurements', 'verdicts') AND child.relkind = 'r'
     ORDER BY child.relname`,
  );
  return r.rows.map((x) => ({
    table: x.table as string,
    month: (x.table as string).replace(/^.*_(\d{4})_(\d{2})$/, '$1-$2'),
    rows: x.rows as number,
    bytes: x.bytes as number,
  }));
}
