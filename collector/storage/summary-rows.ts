/**
 * What both storage engines read for a measurement summary: the columns, the join with its current verdict,
 * the row shape and its mapping; and the probe's own verdict read from the raw measurement.
 */
import { decodeCursor, encodeCursor, keyAtOrAfter } from './measurement-keys.ts';
import type {
  MeasurementQuery,
  MeasurementSummaryRow,
  Status,
  VerdictRecord,
  VerdictSource,
} from './types.ts';

export const SUMMARY_COLUMNS = `m.id, m.uid, m.start_ms, m.probe_asn, m.probe_cc, m.network_name, m.test_name,
  m.input, m.target_group, m.simulated, v.source, v.analysis_version, v.status, v.method, v.confidence, v.reason,
  v.evidence`;
export const FROM_CURRENT =
  'FROM measurements m LEFT JOIN verdicts v ON v.measurement_id = m.id AND v.current = 1';

export interface SummarySqlRow {
  id: number;
  uid: string;
  start_ms: number;
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  simulated: number;
  source: VerdictSource | null;
  analysis_version: string | null;
  status: Status | null;
  method: string | null;
  confidence: number | null;
  reason: string | null;
  evidence: string | null;
}

export function summaryOf(r: SummarySqlRow): MeasurementSummaryRow {
  return {
    uid: r.uid,
    start_ms: r.start_ms,
    probe_asn: r.probe_asn,
    probe_cc: r.probe_cc,
    network_name: r.network_name,
    test_name: r.test_name,
    input: r.input,
    target_group: r.target_group,
    simulated: r.simulated === 1,
    verdict: verdictFromRow(r),
  };
}

export function verdictFromRow(r: {
  source: VerdictSource | null;
  analysis_version: string | null;
  status: Status | null;
  method: string | null;
  confidence: number | null;
  reason: string | null;
  evidence: string | null;
}): VerdictRecord | null {
  if (!r.source || !r.status) return null;
  return {
    source: r.source,
    analysis_version: r.analysis_version ?? '',
    status: r.status,
    method: r.method,
    confidence: r.confidence ?? 0,
    reason: r.reason ?? '',
    evidence: JSON.parse(r.evidence ?? '[]') as string[],
  };
}

/** `raabta.verdict` of a raw measurement, as a verdict record (null when the probe gave none). */
export function probeVerdictOf(raw: Buffer): VerdictRecord | null {
  const v = (
    JSON.parse(raw.toString('utf8')) as { raabta?: { verdict?: Omit<VerdictRecord, 'source'> | null } }
  ).raabta?.verdict;
  if (!v) return null;
  const { analysis_version, status, method, confidence, reason, evidence } = v;
  return { source: 'probe', analysis_version, status, method, confidence, reason, evidence };
}

/**
 * The WHERE of a measurement listing (key range from since/until/cursor, then the equality filters) and its
 * arguments; `placeholder(n)` writes the n-th (1-based) parameter in the engine's dialect.
 */
export function listFilter(
  q: MeasurementQuery,
  placeholder: (n: number) => string,
): { where: string; args: (string | number)[] } {
  let upper = q.until_ms !== undefined ? keyAtOrAfter(q.until_ms) : Number.MAX_SAFE_INTEGER;
  if (q.cursor) upper = Math.min(upper, decodeCursor(q.cursor));
  const args: (string | number)[] = [q.since_ms !== undefined ? keyAtOrAfter(q.since_ms) : 0, upper];
  const where = [`m.id >= ${placeholder(1)}`, `m.id < ${placeholder(2)}`];
  const eq: [string, string | number | undefined][] = [
    ['m.test_name', q.test_name],
    ['m.input', q.input],
    ['m.target_group', q.target_group],
    ['m.probe_asn', q.probe_asn],
    ['m.probe_cc', q.probe_cc],
    ['m.probe_id', q.probe_id],
    ['v.status', q.status],
    ['v.method', q.method],
    ['m.simulated', q.simulated === undefined ? undefined : q.simulated ? 1 : 0],
  ];
  for (const [col, val] of eq) {
    if (val === undefined) continue;
    args.push(val);
    where.push(`${col} = ${placeholder(args.length)}`);
  }
  return { where: where.join(' AND '), args };
}

/** One page of a listing fetched with `limit + 1` rows: the rows and the cursor of the next page. */
export function pageOf(
  rows: SummarySqlRow[],
  limit: number,
): { rows: MeasurementSummaryRow[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page.map(summaryOf), next_cursor: more ? encodeCursor(page[page.length - 1].id) : null };
}
