/** Timeline from rollups only: the cost follows the buckets asked for, not the rows stored. */
import type Database from 'better-sqlite3';
import { bucketStart } from '../rollup-keys.ts';
import { BUCKET_SECONDS, type Status, type TimelineCell, type TimelineQuery } from '../types.ts';

const STATUSES: Status[] = ['ok', 'blocked', 'down', 'error', 'inconclusive'];

export function emptyCounts(): Record<Status, number> {
  return { ok: 0, blocked: 0, down: 0, error: 0, inconclusive: 0 };
}

export function createTimeline(db: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  return (q: TimelineQuery): TimelineCell[] => {
    const bucket = BUCKET_SECONDS[q.bucket];
    const where = ['bucket = ?', 't >= ?', 't < ?'];
    const args: (string | number)[] = [bucket, bucketStart(q.since_ms, bucket), Math.ceil(q.until_ms / 1000)];
    const filters: [string, string | number | undefined][] = [
      ['target_group', q.target_group],
      ['input', q.input],
      ['probe_asn', q.probe_asn],
      ['probe_cc', q.probe_cc],
      ['simulated', q.simulated === undefined ? undefined : q.simulated ? 1 : 0],
    ];
    for (const [col, val] of filters) {
      if (val === undefined) continue;
      where.push(`${col} = ?`);
      args.push(val);
    }
    const keys = ['t', 'target_group'];
    if (q.group_by === 'input') keys.push('input');
    if (q.by_asn) keys.push('probe_asn');
    const k = keys.join(', ');
    const w = where.join(' AND ');
    const counts = prepare(
      `SELECT ${k}, status, method, sum(n) AS n, max(simulated) AS sim FROM rollups WHERE ${w}
       GROUP BY ${k}, status, method`,
    ).all(...args) as Record<string, string | number>[];
    const probes = prepare(
      `SELECT ${k}, count(DISTINCT probe_id) AS probes FROM rollup_probes WHERE ${w} GROUP BY ${k}`,
    ).all(...args) as Record<string, string | number>[];

    const cells = new Map<string, TimelineCell>();
    const cellOf = (r: Record<string, string | number>): TimelineCell => {
      const id = keys.map((key) => r[key]).join('\u0000');
      let c = cells.get(id);
      if (!c) {
        c = {
          t_ms: (r.t as number) * 1000,
          target_group: r.target_group as string,
          counts: emptyCounts(),
          methods: {},
          probes: 0,
          simulated: false,
        };
        if (q.group_by === 'input') c.input = r.input === '' ? null : (r.input as string);
        if (q.by_asn) c.probe_asn = r.probe_asn as string;
        cells.set(id, c);
      }
      return c;
    };
    for (const r of counts) {
      const c = cellOf(r);
      const n = r.n as number;
      const status = r.status as Status;
      if (STATUSES.includes(status)) c.counts[status] += n;
      if (r.method) c.methods[r.method as string] = (c.methods[r.method as string] ?? 0) + n;
      if (r.sim === 1) c.simulated = true;
    }
    for (const r of probes) {
      const c = cells.get(keys.map((key) => r[key]).join('\u0000'));
      if (c) c.probes = r.probes as number;
    }
    return [...cells.values()];
  };
}
