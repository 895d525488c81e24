/** Timeline from rollups only (same reading as collector/storage/sqlite/timeline.ts). */

import type pg from 'pg';
import { bucketStart } from '../rollup-keys.ts';
import { assembleCells, type CellRow, type MethodRow, type ProbeRow } from '../timeline-cells.ts';
import { BUCKET_SECONDS, type TimelineCell, type TimelineQuery } from '../types.ts';

export function createTimeline(pool: pg.Pool) {
  return async (q: TimelineQuery): Promise<TimelineCell[]> => {
    const bucket = BUCKET_SECONDS[q.bucket];
    const perInput = q.group_by === 'input' || q.input !== undefined;
    const args: (string | number)[] = [bucket, bucketStart(q.since_ms, bucket), Math.ceil(q.until_ms / 1000)];
    const where = ['bucket = $1', 't >= $2', 't < $3'];
    const filters: [string, string | number | undefined][] = [
      ['target_group', q.target_group],
      ['probe_asn', q.probe_asn],
      ['probe_cc', q.probe_cc],
      ['simulated', q.simulated === undefined ? undefined : q.simulated ? 1 : 0],
    ];
    for (const [col, val] of filters) {
      if (val === undefined) continue;
      args.push(val);
      where.push(`${col} = $${args.length}`);
    }
    const probeWhere = where.join(' AND ');
    const probeArgs = [...args];
    if (q.input !== undefined) {
      args.push(q.input);
      where.push(`input = $${args.length}`);
    }
    const byInput = q.group_by === 'input';
    const keys = perInput ? ['target_group', 't'] : ['t', 'target_group'];
    if (q.by_asn) keys.push('probe_asn');
    if (byInput) keys.push('input');
    const group = keys.join(', ');
    const cols = `t, target_group, ${byInput ? 'input' : "''"}, ${q.by_asn ? 'probe_asn' : "''"}`;
    const [cellRows, methodRows, probeRows] = await Promise.all([
      pool.query({
        text: `SELECT ${cols}, sum(ok), sum(blocked), sum(down), sum(error), sum(inconclusive), max(simulated),
           ${perInput ? 'NULL::bigint' : 'sum(probes)'}
         FROM ${perInput ? 'rollups_input' : 'rollups'} WHERE ${where.join(' AND ')} GROUP BY ${group}`,
        values: args,
        rowMode: 'array',
      }),
      pool.query({
        text: `SELECT ${cols}, method, sum(n) FROM ${perInput ? 'rollup_input_methods' : 'rollup_methods'}
         WHERE ${where.join(' AND ')} GROUP BY ${group}, method`,
        values: args,
        rowMode: 'array',
      }),
      perInput
        ? pool.query({
            text: `SELECT t, target_group, ${q.by_asn ? 'probe_asn' : "''"}, sum(probes) FROM rollups
             WHERE ${probeWhere} GROUP BY t, target_group${q.by_asn ? ', probe_asn' : ''}`,
            values: probeArgs,
            rowMode: 'array',
          })
        : Promise.resolve({ rows: [] as unknown[][] }),
    ]);
    return assembleCells(
      q,
      cellRows.rows as CellRow[],
      methodRows.rows as MethodRow[],
      probeRows.rows as ProbeRow[],
    ).sort((a, b) => a.t_ms - b.t_ms);
  };
}
