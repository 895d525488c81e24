/**
 * Timeline cells from rollup rows, the same for every storage engine: rows summed per (bucket, service[,
 * network][, input]), blocking methods added, and distinct probes taken from the per-service rollups when a
 * series is per input (per-input rows do not keep probes).
 */
import type { Status, TimelineCell, TimelineQuery } from './types.ts';

export function emptyCounts(): Record<Status, number> {
  return { ok: 0, blocked: 0, down: 0, error: 0, inconclusive: 0 };
}

/** t (s), group, input ('' when not per input), asn ('' when not per network), five counts, simulated, probes */
export type CellRow = [
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
];
/** t, group, input, asn, method, n */
export type MethodRow = [number, string, string, string, string, number];
/** t, group, asn, probes */
export type ProbeRow = [number, string, string, number];

export function assembleCells(
  q: Pick<TimelineQuery, 'group_by' | 'by_asn'>,
  cellRows: Iterable<CellRow>,
  methodRows: Iterable<MethodRow>,
  probeRows: Iterable<ProbeRow>,
): TimelineCell[] {
  const byInput = q.group_by === 'input';
  const seriesKey = (t: number, group: string, asn: string) =>
    q.by_asn ? `${t}\u0000${group}\u0000${asn}` : `${t}\u0000${group}`;
  const probesBy = new Map<string, number>();
  for (const [t, group, asn, n] of probeRows) {
    const k = seriesKey(t, group, asn);
    probesBy.set(k, (probesBy.get(k) ?? 0) + n);
  }
  const cells = new Map<string, TimelineCell>();
  for (const [t, group, input, asn, ok, blocked, down, error, inconclusive, sim, probes] of cellRows) {
    const pk = seriesKey(t, group, asn);
    const id = byInput ? `${pk}\u0000${input}` : pk;
    let c = cells.get(id);
    if (!c) {
      c = {
        t_ms: t * 1000,
        target_group: group,
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
  for (const [t, group, input, asn, method, n] of methodRows) {
    const pk = seriesKey(t, group, asn);
    const c = cells.get(byInput ? `${pk}\u0000${input}` : pk);
    if (c) c.methods[method] = (c.methods[method] ?? 0) + n;
  }
  return [...cells.values()];
}
