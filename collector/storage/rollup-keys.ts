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

/** Accumulates rollup deltas for one transaction, so each distinct row is written once. */
export class RollupDelta {
  readonly counts = new Map<
    string,
    { bucket: number; t: number; d: RollupDims; status: string; method: string; n: number }
  >();
  readonly probes = new Map<string, { bucket: number; t: number; d: RollupDims; probe_id: string }>();

  add(
    startMs: number,
    d: RollupDims,
    s: { status: string; method: string },
    n: number,
    probeId?: string,
  ): void {
    for (const bucket of ROLLUP_BUCKETS) {
      const t = bucketStart(startMs, bucket);
      const base = `${bucket}\u0000${t}\u0000${d.target_group}\u0000${d.probe_asn}\u0000${d.probe_cc}\u0000${d.input}\u0000${d.simulated}`;
      const key = `${base}\u0000${s.status}\u0000${s.method}`;
      const row = this.counts.get(key);
      if (row) row.n += n;
      else this.counts.set(key, { bucket, t, d, status: s.status, method: s.method, n });
      if (probeId !== undefined) {
        const pk = `${base}\u0000${probeId}`;
        if (!this.probes.has(pk)) this.probes.set(pk, { bucket, t, d, probe_id: probeId });
      }
    }
  }
}
