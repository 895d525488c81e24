/** Timeline from rollups only (same reading as collector/storage/sqlite/timeline.ts). */

import type pg from 'pg';
import { bucketStart } from '../rollup-keys.ts';
import { emptyCounts } from '../sqlite/timeline.ts';
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
    const seriesKey = (t: number, g: string, asn: string) =>
      q.by_asn ? `${t}\u0000${g}\u0000${asn}` : `${t}\u0000${g}`;
    const probesBy = new Map<string, number>();
    for (const [t, g, asn, n] of probeRows.rows as [number, string, string, number][]) {
      const k = seriesKey(t, g, asn);
      probesBy.set(k, (probesBy.get(k) ?? 0) + n);
    }
    const cells = new Map<string, TimelineCell>();
    for (const [t, g, input, asn, ok, blocked, down, error, inconclusive, sim, probes] of cellRows.rows as [
      number,
      string,
      string,
      string,
      number,
      number,
      number,
      number,
      number,
      number,
      number | null,
    ][]) {
      const pk = seriesKey(t, g, asn);
      const id = byInput ? `${pk}\u0000${input}` : pk;
      let c = cells.get(id);
      if (!c) {
        c = {
          t_ms: t * 1000,
          target_group: g,
          counts: emptyCounts(),
          methods: {},
          probes: probes ?? probesBy.get(pk) ?? 0,
          simulated: false,
        };
        if (byInput) c.input = input === '' ? null : input;
        if (q.by_asn) c.probe_asn = asn;
        cells.set(id, c);
      }
      c.counts.ok += ok;
      c.counts.blocked += blocked;
      c.counts.down += down;
      c.counts.error += error;
      c.counts.inconclusive += inconclusive;
      if (sim === 1) c.simulated = true;
    }
    for (const [t, g, input, asn, method, n] of methodRows.rows as [
      number,
      string,
      string,
      string,
      string,
      number,
    ][]) {
      const pk = seriesKey(t, g, asn);
      const c = cells.get(byInput ? `${pk}\u0000${input}` : pk);
      if (c) c.methods[method] = (c.methods[method] ?? 0) + n;
    }
    return [...cells.values()].sort((a, b) => a.t_ms - b.t_ms);
  };
}
