/**
 * Runs → events: per (service, country), the runs of every network's series and of the country's series
 * that overlap or touch (within one bucket) are one event. Its networks are those whose own series ran;
 * when only the country's series could see it (few probes per network), the networks whose measurements
 * in the event's buckets were mostly blocked.
 */

import type { DetectorSeries } from '../jobs/detect-job.ts';
import type { DetectedEvent } from '../storage/types.ts';
import type { DetectParams } from './params.ts';
import type { Run } from './runs.ts';

const LABELS: Record<string, string> = {
  x: 'X',
  whatsapp_text: 'WhatsApp messages',
  whatsapp_media: 'WhatsApp media',
  news: 'News sites',
  openvpn: 'OpenVPN',
  wireguard: 'WireGuard',
  ikev2: 'IKEv2 VPN',
  tor: 'Tor',
  dns: 'DNS',
};

/** Identifies an event across runs: re-detection with the same start updates the same stored event. */
export function eventKey(target_group: string, cc: string, start_ms: number): string {
  return `${target_group}|${cc}|${start_ms}`;
}

export function clusters(runs: Run[], bucket_ms: number): Run[][] {
  const sorted = [...runs].sort((a, b) => a.start_ms - b.start_ms);
  const out: Run[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const r of sorted) {
    if (out.length && r.start_ms <= end + bucket_ms) {
      out[out.length - 1].push(r);
      end = Math.max(end, r.last_end_ms);
    } else {
      out.push([r]);
      end = r.last_end_ms;
    }
  }
  return out;
}

function networksOf(group: Run[], country: Run[], others: DetectorSeries[], p: DetectParams): string[] {
  const out = new Set(group.flatMap((r) => (r.series.scope.asn ? [r.series.scope.asn] : [])));
  const times = new Set(country.flatMap((r) => r.buckets.map((b) => b.t_ms)));
  for (const s of others) {
    if (!s.scope.asn || out.has(s.scope.asn)) continue;
    let blocked = 0;
    let n = 0;
    for (const b of s.buckets) {
      if (!times.has(b.t_ms)) continue;
      blocked += b.blocked;
      n += b.ok + b.blocked;
    }
    if (blocked > 0 && blocked / n >= p.warnShare) out.add(s.scope.asn);
  }
  return [...out].sort();
}

export function toEvent(
  group: Run[],
  networkSeries: DetectorSeries[],
  o: { now_ms: number; bucket_ms: number; p: DetectParams },
): DetectedEvent {
  const first = group[0].series;
  const country = group.filter((r) => r.series.scope.asn === null);
  const basis = country.length ? country : group;
  const buckets = basis.flatMap((r) => r.buckets);
  const methods: Record<string, number> = {};
  for (const b of buckets)
    for (const [m, n] of Object.entries(b.bucket.methods)) methods[m] = (methods[m] ?? 0) + n;
  const blocked = Object.values(methods).reduce((a, b) => a + b, 0);
  const listed = Object.entries(methods)
    .filter(([, n]) => n / Math.max(blocked, 1) >= o.p.methodShare)
    .sort((a, b) => b[1] - a[1])
    .map(([m]) => m);
  const start_ms = Math.min(...group.map((r) => r.start_ms));
  const last = group.reduce((a, b) => (b.last_end_ms > a.last_end_ms ? b : a));
  const open = !last.cleared && o.now_ms - last.last_end_ms <= o.p.openWithinMs;
  const peak = Math.max(...buckets.map((b) => b.share ?? 0));
  const byTime = new Map<number, number>();
  for (const b of buckets) byTime.set(b.t_ms, (byTime.get(b.t_ms) ?? 0) + b.blockingProbes);
  const asns = networksOf(group, country, networkSeries, o.p);
  const hours = (last.last_end_ms - start_ms) / o.bucket_ms;
  const severity = peak >= o.p.critShare ? (hours >= 3 || asns.length >= 3 ? 'high' : 'medium') : 'low';
  const label = LABELS[first.target_group] ?? first.target_group;
  const verb = listed[0] === 'throttle' ? 'throttled' : 'blocked';
  const where = asns.length === 1 ? asns[0] : `${asns.length} networks`;
  return {
    key: eventKey(first.target_group, first.scope.cc, start_ms),
    title: `${label} ${verb} on ${where} in ${first.scope.cc}${listed[0] ? ` (${listed[0]})` : ''}`,
    target_group: first.target_group,
    cc: first.scope.cc,
    asns,
    methods: listed,
    start_ms,
    end_ms: open ? null : last.last_end_ms,
    severity,
    peak_share: Math.round(peak * 1000) / 1000,
    probes: Math.max(0, ...byTime.values()),
    status: open ? 'open' : 'closed',
    simulated: group.some((r) => r.series.simulated),
    evidence: [],
  };
}
