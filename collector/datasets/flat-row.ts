/**
 * The flat table shared by the CSV and Parquet exports: one row per measurement, the verdicts side by side,
 * and a few key observations pulled out of the trace. Column order, types and meaning are documented in
 * collector/datasets/README.md; this list is the single source of both writers.
 */
import type { VerdictLike } from './types.ts';

export type ColumnType = 'STRING' | 'TIMESTAMP' | 'DOUBLE' | 'INT32' | 'BOOLEAN';

export interface FlatRow {
  measurement_uid: string;
  measurement_start_time: Date;
  source: string;
  probe_asn: string;
  probe_cc: string;
  probe_network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  category_code: string | null;
  probe_status: string | null;
  probe_method: string | null;
  probe_confidence: number | null;
  probe_analysis_version: string | null;
  collector_status: string | null;
  collector_method: string | null;
  collector_confidence: number | null;
  collector_analysis_version: string | null;
  failure: string | null;
  failed_operation: string | null;
  simulated: boolean;
  dns_first_answer: string | null;
  tls_failure: string | null;
  http_status: number | null;
  throughput_bytes_per_second: number | null;
}

export interface FlatColumn {
  name: keyof FlatRow;
  type: ColumnType;
  nullable: boolean;
}

const col = (name: keyof FlatRow, type: ColumnType, nullable = true): FlatColumn => ({
  name,
  type,
  nullable,
});

export const FLAT_COLUMNS: readonly FlatColumn[] = [
  col('measurement_uid', 'STRING', false),
  col('measurement_start_time', 'TIMESTAMP', false),
  col('source', 'STRING', false),
  col('probe_asn', 'STRING', false),
  col('probe_cc', 'STRING', false),
  col('probe_network_name', 'STRING'),
  col('test_name', 'STRING', false),
  col('input', 'STRING'),
  col('target_group', 'STRING', false),
  col('category_code', 'STRING'),
  col('probe_status', 'STRING'),
  col('probe_method', 'STRING'),
  col('probe_confidence', 'DOUBLE'),
  col('probe_analysis_version', 'STRING'),
  col('collector_status', 'STRING'),
  col('collector_method', 'STRING'),
  col('collector_confidence', 'DOUBLE'),
  col('collector_analysis_version', 'STRING'),
  col('failure', 'STRING'),
  col('failed_operation', 'STRING'),
  col('simulated', 'BOOLEAN', false),
  col('dns_first_answer', 'STRING'),
  col('tls_failure', 'STRING'),
  col('http_status', 'INT32'),
  col('throughput_bytes_per_second', 'DOUBLE'),
];

/** `YYYY-MM-DD HH:MM:SS` (UTC, OONI style) → Date. */
export function parseOoniTime(t: string): Date {
  return new Date(Date.parse(`${t.replace(' ', 'T')}Z`));
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]).map(obj) : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** First answer of the first DNS query that has one: an IPv4/IPv6 address or a CNAME target. */
function firstDnsAnswer(tk: Obj): string | null {
  for (const q of arr(tk.queries)) {
    for (const a of arr(q.answers)) {
      const v = str(a.ipv4) ?? str(a.ipv6) ?? str(a.hostname);
      if (v) return v;
    }
  }
  return null;
}

/** Final HTTP response status: the last request (hops are in time order) that got a response. */
function httpStatus(tk: Obj): number | null {
  const reqs = arr(tk.requests);
  for (let i = reqs.length - 1; i >= 0; i--) {
    const code = num(obj(reqs[i].response).code);
    if (code) return Math.trunc(code);
  }
  return null;
}

/** Flattens one parsed measurement (format v1) and the collector's verdict into a row. */
export function flattenMeasurement(m: Obj, collector: VerdictLike | null): FlatRow {
  const tk = obj(m.test_keys);
  const rb = obj(m.raabta);
  const pv = rb.verdict ? obj(rb.verdict) : null;
  const ann = obj(m.annotations);
  const tlsFail = arr(tk.tls_handshakes).find((h) => str(h.failure));
  const thr = arr(tk.throughput)[0];
  return {
    measurement_uid: String(m.measurement_uid),
    measurement_start_time: parseOoniTime(String(m.measurement_start_time)),
    source: str(ann.source) ?? 'raabta',
    probe_asn: String(m.probe_asn),
    probe_cc: String(m.probe_cc),
    probe_network_name: str(m.probe_network_name),
    test_name: String(m.test_name),
    input: str(m.input),
    target_group: String(rb.target_group ?? ''),
    category_code: str(rb.category_code),
    probe_status: pv ? str(pv.status) : null,
    probe_method: pv ? str(pv.method) : null,
    probe_confidence: pv ? num(pv.confidence) : null,
    probe_analysis_version: pv ? str(pv.analysis_version) : null,
    collector_status: collector?.status ?? null,
    collector_method: collector?.method ?? null,
    collector_confidence: collector ? collector.confidence : null,
    collector_analysis_version: collector?.analysis_version ?? null,
    failure: str(tk.failure),
    failed_operation: str(tk.failed_operation),
    simulated: ann.simulated === 'true',
    dns_first_answer: firstDnsAnswer(tk),
    tls_failure: tlsFail ? str(tlsFail.failure) : null,
    http_status: httpStatus(tk),
    throughput_bytes_per_second: thr ? num(thr.bytes_per_second) : null,
  };
}
