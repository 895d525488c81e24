import { defaultRange } from '../latest.ts';
import type { Route } from '../router.ts';
import { BUCKET_MS, DAY, HOUR, isoShort, parseTime, pickBucket, type Tz } from '../time.ts';
import type { Bucket } from '../types.ts';

export type RowMode = 'service' | 'isp' | 'target';

/** Everything the timeline shows, read from (and written back to) the URL. */
export interface TimelineState {
  from: number;
  to: number;
  bucket: Bucket;
  /** Network filter (ASN) or null for the whole country. Ignored in 'isp' mode (rows are networks). */
  asn: string | null;
  rows: RowMode;
  /** Service (target group): required for 'isp' and 'target' rows. */
  group: string | null;
  /** Selected row key (service, ASN or 'all', target). */
  sel: string | null;
  tz: Tz;
}

export const MIN_SPAN = 2 * HOUR;
export const MAX_SPAN = 3 * 366 * DAY;

export async function readState(r: Route, tz: Tz): Promise<TimelineState> {
  const p = r.params;
  let from = parseTime(p.get('from'));
  let to = parseTime(p.get('to'));
  if (from === null || to === null || to <= from) [from, to] = await defaultRange();
  [from, to] = clampSpan(from, to);
  const rowsRaw = p.get('rows');
  const group = p.get('g');
  const rows: RowMode = (rowsRaw === 'isp' || rowsRaw === 'target') && group ? rowsRaw : 'service';
  return {
    from,
    to,
    bucket: pickBucket(to - from),
    asn: p.get('asn'),
    rows,
    group,
    sel: p.get('sel'),
    tz,
  };
}

export function clampSpan(from: number, to: number): [number, number] {
  const span = Math.min(MAX_SPAN, Math.max(MIN_SPAN, to - from));
  const mid = (from + to) / 2;
  return [Math.round(mid - span / 2), Math.round(mid + span / 2)];
}

/** URL params for a time range, aligned to the bucket the range will be drawn with. */
export function rangeParams(from: number, to: number): Record<string, string> {
  const [f, t] = clampSpan(from, to);
  const ms = BUCKET_MS[pickBucket(t - f)];
  return { from: isoShort(Math.floor(f / ms) * ms), to: isoShort(Math.ceil(t / ms) * ms) };
}

/** The range `span` long centred on the middle of the current one. */
export function around(st: TimelineState, span: number): Record<string, string> {
  const mid = (st.from + st.to) / 2;
  return rangeParams(mid - span / 2, mid + span / 2);
}

export function shift(st: TimelineState, dir: -1 | 1): Record<string, string> {
  const d = ((st.to - st.from) / 2) * dir;
  return rangeParams(st.from + d, st.to + d);
}

/** API query for the timeline series of this state. */
export function seriesQuery(st: TimelineState): Record<string, string> {
  const q: Record<string, string> = {
    since: new Date(st.from).toISOString(),
    until: new Date(st.to).toISOString(),
    bucket: st.bucket,
  };
  if (st.rows === 'service') q.group_by = 'target_group';
  if (st.rows === 'isp') Object.assign(q, { group_by: 'target_group', by_asn: '1', target_group: st.group });
  if (st.rows === 'target') Object.assign(q, { group_by: 'input', target_group: st.group });
  if (st.asn && st.rows !== 'isp') q.probe_asn = st.asn;
  return q;
}
