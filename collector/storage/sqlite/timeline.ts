/**
 * Timeline from rollups only: the cost follows the buckets asked for, not the rows stored. Series per
 * service read `rollups`; per input (or filtered by input) read `rollups_input`. Distinct probes are kept
 * per service, network and bucket (`rollups.probes`); a series over several networks adds them up (a
 * probe that changed network inside one bucket counts once per network); an input series shows the
 * probes that ran its service.
 */
import type Database from 'better-sqlite3';
import { bucketStart } from '../rollup-keys.ts';
import { assembleCells, type CellRow, type MethodRow, type ProbeRow } from '../timeline-cells.ts';
import { BUCKET_SECONDS, type TimelineCell, type TimelineQuery } from '../types.ts';

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
    const perInput = q.group_by === 'input' || q.input !== undefined;
    const where = ['bucket = ?', 't >= ?', 't < ?'];
    const args: (string | number)[] = [bucket, bucketStart(q.since_ms, bucket), Math.ceil(q.until_ms / 1000)];
    const filters: [string, string | number | undefined][] = [
      ['target_group', q.target_group],
      ['probe_asn', q.probe_asn],
      ['probe_cc', q.probe_cc],
      ['simulated', q.simulated === undefined ? undefined : q.simulated ? 1 : 0],
    ];
    for (const [col, val] of filters) {
      if (val === undefined) continue;
      where.push(`${col} = ?`);
      args.push(val);
    }
    const probeWhere = where.join(' AND ');
    const probeArgs = [...args];
    if (q.input !== undefined) {
      where.push('input = ?');
      args.push(q.input);
    }
    // summed in SQL in primary-key order (no sort), so JS sees one row per bucket and series
    const byInput = q.group_by === 'input';
    const keys = perInput ? ['target_group', 't'] : ['t', 'target_group'];
    if (q.by_asn) keys.push('probe_asn');
    if (byInput) keys.push('input');
    const group = keys.join(', ');
    const cols = `t, target_group, ${byInput ? 'input' : "''"}, ${q.by_asn ? 'probe_asn' : "''"}`;
    const cellRows = prepare(
      `SELECT ${cols}, sum(ok), sum(blocked), sum(down), sum(error), sum(inconclusive), max(simulated),
         ${perInput ? 'NULL' : 'sum(probes)'}
       FROM ${perInput ? 'rollups_input' : 'rollups'} WHERE ${where.join(' AND ')} GROUP BY ${group}`,
    )
      .raw()
      .all(...args) as CellRow[];
    const methodRows = prepare(
      `SELECT ${cols}, method, sum(n) FROM ${perInput ? 'rollup_input_methods' : 'rollup_methods'}
       WHERE ${where.join(' AND ')} GROUP BY ${group}, method`,
    )
      .raw()
      .all(...args) as MethodRow[];
    const probeGroup = `t, target_group${q.by_asn ? ', probe_asn' : ''}`;
    // an input series shows the probes that ran its service (per-service cells hold them)
    const probeRows = (
      perInput
        ? prepare(
            `SELECT t, target_group, ${q.by_asn ? 'probe_asn' : "''"}, sum(probes) FROM rollups WHERE ${probeWhere}
             GROUP BY ${probeGroup}`,
          )
            .raw()
            .all(...probeArgs)
        : []
    ) as ProbeRow[];
    return assembleCells(q, cellRows, methodRows, probeRows);
  };
}
