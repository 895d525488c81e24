/** Rollup keys shared by every storage implementation: which rows a measurement adds to. */
import type { PreparedMeasurement, Status, VerdictRecord } from './types.ts';

export const ROLLUP_BUCKETS = [600, 3600, 86400] as const;

export interface RollupDims {
  target_group: string;
  probe_asn: string;
  probe_cc: string;
  /** '' stands for null */
  input: string;
  simulated: 0 | 1;
}

/** Bucket start in seconds. */
export function bucketStart(ms: number, bucketSeconds: number): number {
  const s = Math.floor(ms / 1000);
  return s - (s % bucketSeconds);
}

export function dimsOf(m: {
  target_group: string;
  probe_asn: string;
  probe_cc: string;
  input: string | null;
  simulated: boolean;
}): RollupDims {
  return {
    target_group: m.target_group,
    probe_asn: m.probe_asn,
    probe_cc: m.probe_cc,
    input: m.input ?? '',
    simulated: m.simulated ? 1 : 0,
  };
}

/** What a verdict contributes: a measurement without any verdict counts as inconclusive. */
export function statusKey(v: Pick<VerdictRecord, 'status' | 'method'> | null): {
  status: Status;
  method: string;
} {
  return v ? { status: v.status, method: v.method ?? '' } : { status: 'inconclusive', method: '' };
}

export function currentVerdict(m: PreparedMeasurement): VerdictRecord | null {
  return m.verdicts.find((v) => v.source === m.current) ?? null;
}

export const STATUS_COLUMNS = ['ok', 'blocked', 'down', 'error', 'inconclusive'] as const;

/** One rollup cell: counts per status; `input` is set for per-input cells. */
export interface CellDelta {
  bucket: number;
  t: number;
  d: RollupDims;
  counts: Record<Status, number>;
  /** new distinct probes in this cell (per-service cells only) */
  probes: number;
}

export interface MethodDelta {
  bucket: number;
  t: number;
  d: RollupDims;
  method: string;
  n: number;
}

/**
 * Accumulates rollup changes for one transaction, so each row is written once: per-service cells
 * (`groupCells`, what most timelines read), per-input cells, blocking methods for both, and the probes seen
 * per service cell (`probes`, for distinct-probe counts).
 */
export class RollupDelta {
  readonly groupCells = new Map<string, CellDelta>();
  readonly inputCells = new Map<string, CellDelta>();
  readonly groupMethods = new Map<string, MethodDelta>();
  readonly inputMethods = new Map<string, MethodDelta>();
  /** key: the group cell key + probe id */
  readonly probes = new Map<string, { cell: string; probe_id: string }>();

  private static cell(
    map: Map<string, CellDelta>,
    key: string,
    bucket: number,
    t: number,
    d: RollupDims,
  ): CellDelta {
    let c = map.get(key);
    if (!c) {
      c = { bucket, t, d, counts: { ok: 0, blocked: 0, down: 0, error: 0, inconclusive: 0 }, probes: 0 };
      map.set(key, c);
    }
    return c;
  }

  add(
    startMs: number,
    d: RollupDims,
    s: { status: Status; method: string },
    n: number,
    probeId?: string,
  ): void {
    // the key's dimensions part is the same in the three buckets: built once (this runs per measurement)
    const dims = `${d.target_group}\u0000${d.probe_asn}\u0000${d.probe_cc}\u0000${d.simulated}`;
    const { status, method } = s;
    for (const bucket of ROLLUP_BUCKETS) {
      const t = bucketStart(startMs, bucket);
      const group = `${bucket}\u0000${t}\u0000${dims}`;
      const input = `${group}\u0000${d.input}`;
      RollupDelta.cell(this.groupCells, group, bucket, t, d).counts[status] += n;
      RollupDelta.cell(this.inputCells, input, bucket, t, d).counts[status] += n;
      if (method) {
        const gm = `${group}\u0000${method}`;
        const g = this.groupMethods.get(gm);
        if (g) g.n += n;
        else this.groupMethods.set(gm, { bucket, t, d, method, n });
        const im = `${input}\u0000${method}`;
        const i = this.inputMethods.get(im);
        if (i) i.n += n;
        else this.inputMethods.set(im, { bucket, t, d, method, n });
      }
      if (probeId !== undefined) {
        const pk = `${group}\u0000${probeId}`;
        if (!this.probes.has(pk)) this.probes.set(pk, { cell: group, probe_id: probeId });
      }
    }
  }
}
