/**
 * The periodic disruption detection: reads rollups (hourly buckets of the last `windowDays`), builds one
 * series per (service, network) and per (service, country), runs the pure detector from collector/detect/,
 * adds sample measurements as evidence and upserts the events it reports.
 */
import type { Logger } from 'pino';
import { detectEvents, eventKey } from '../detect/index.ts';
import type { DetectedEvent, Status, Storage, TimelineCell } from '../storage/types.ts';
import { type ExclusiveLock, lockFor } from './exclusive.ts';

export interface DetectorBucket {
  t_ms: number;
  ok: number;
  blocked: number;
  down: number;
  error: number;
  inconclusive: number;
  probes: number;
  methods: Record<string, number>;
}

export interface DetectorSeries {
  target_group: string;
  /** asn null: the whole country */
  scope: { cc: string; asn: string | null };
  simulated: boolean;
  buckets: DetectorBucket[];
}

export type DetectFn = (input: { now: Date; bucket_ms: number; series: DetectorSeries[] }) => DetectedEvent[];

const HOUR = 3600_000;

function toBucket(c: TimelineCell): DetectorBucket {
  const counts = c.counts as Record<Status, number>;
  return { t_ms: c.t_ms, ...counts, probes: c.probes, methods: c.methods };
}

/** Series per (service, ASN) and per (service, country) over [since, until), hourly. */
export async function detectorInput(
  storage: Storage,
  since_ms: number,
  until_ms: number,
): Promise<DetectorSeries[]> {
  const out: DetectorSeries[] = [];
  const countries = [...new Set((await storage.coverage()).map((r) => r.probe_cc))];
  for (const cc of countries) {
    const base = {
      bucket: '1h' as const,
      since_ms,
      until_ms,
      group_by: 'target_group' as const,
      probe_cc: cc,
    };
    const groups = new Map<string, TimelineCell[]>();
    for (const c of await storage.timeline({ ...base, by_asn: true })) {
      const k = `${c.target_group}\u0000${c.probe_asn}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const c of await storage.timeline({ ...base, by_asn: false })) {
      const k = `${c.target_group}\u0000`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const [k, cells] of groups) {
      const [target_group, asn] = k.split('\u0000');
      cells.sort((a, b) => a.t_ms - b.t_ms);
      out.push({
        target_group,
        scope: { cc, asn: asn || null },
        simulated: cells.some((c) => c.simulated),
        buckets: cells.map(toBucket),
      });
    }
  }
  return out;
}

const EVIDENCE_PER_NETWORK = 2;
const EVIDENCE_NETWORKS = 6;

/** The detector sees counts only: sample blocked measurements of each event (a few per network) as evidence. */
export async function withEvidence(
  storage: Storage,
  events: DetectedEvent[],
  bucket_ms: number,
): Promise<DetectedEvent[]> {
  const out: DetectedEvent[] = [];
  for (const e of events) {
    if (e.evidence.length) {
      out.push(e);
      continue;
    }
    const until_ms = e.end_ms ?? e.start_ms + 24 * bucket_ms;
    const uids: string[] = [];
    for (const asn of e.asns.slice(0, EVIDENCE_NETWORKS)) {
      const { rows } = await storage.listMeasurements({
        since_ms: e.start_ms,
        until_ms,
        target_group: e.target_group,
        probe_asn: asn,
        probe_cc: e.cc,
        status: 'blocked',
        limit: EVIDENCE_PER_NETWORK,
      });
      uids.push(...rows.map((r) => r.uid));
    }
    out.push({ ...e, evidence: uids });
  }
  return out;
}

/**
 * A disruption that began before the window is seen starting at the first bucket of data in the window, so
 * each run would store it again under a later start. Such an event continues the stored open event of the
 * same service and country that started earlier: its start, key and networks carry over.
 */
export async function continueOpen(
  storage: Storage,
  events: DetectedEvent[],
  series: DetectorSeries[],
): Promise<DetectedEvent[]> {
  const firstData = new Map<string, number>();
  for (const s of series) {
    const k = `${s.target_group}\u0000${s.scope.cc}`;
    const t = s.buckets[0]?.t_ms ?? Number.POSITIVE_INFINITY;
    firstData.set(k, Math.min(firstData.get(k) ?? t, t));
  }
  const out: DetectedEvent[] = [];
  for (const e of events) {
    if (e.start_ms > (firstData.get(`${e.target_group}\u0000${e.cc}`) ?? Number.NEGATIVE_INFINITY)) {
      out.push(e);
      continue;
    }
    const open = await storage.listEvents({ target_group: e.target_group, status: 'open', limit: 100 });
    const prev = open
      .filter((p) => p.cc === e.cc && p.start_ms < e.start_ms)
      .sort((a, b) => b.start_ms - a.start_ms)[0];
    if (!prev) {
      out.push(e);
      continue;
    }
    out.push({
      ...e,
      key: eventKey(e.target_group, e.cc, prev.start_ms),
      start_ms: prev.start_ms,
      asns: [...new Set([...prev.asns, ...e.asns])].sort(),
      peak_share: Math.max(prev.peak_share, e.peak_share),
      probes: Math.max(prev.probes, e.probes),
      evidence: e.evidence.length ? e.evidence : prev.evidence,
    });
  }
  return out;
}

/** One detection over [since, until): series from the rollups → detector → events with evidence → stored. */
export async function detectAndStore(
  storage: Storage,
  detect: DetectFn,
  o: { since_ms: number; until_ms: number; now: Date },
): Promise<DetectedEvent[]> {
  const series = await detectorInput(storage, o.since_ms, o.until_ms);
  const found = await continueOpen(storage, detect({ now: o.now, bucket_ms: HOUR, series }), series);
  const events = await withEvidence(storage, found, HOUR);
  await storage.upsertEvents(events);
  return events;
}

export interface DetectJob {
  runOnce(): Promise<number>;
  stop(): void;
}

export function startDetectJob(
  storage: Storage,
  log: Logger,
  o: {
    everyMs: number;
    windowDays?: number;
    now?: () => Date;
    detect?: DetectFn | null;
    /** once at a time across the collectors on this database (default: the storage engine's, exclusive.ts) */
    lock?: ExclusiveLock;
  },
): DetectJob {
  const lock = o.lock ?? lockFor(storage);
  /** events stored by this run; 0 when another run (here or at another collector) held the turn */
  const runOnce = async (): Promise<number> => {
    try {
      const detect = o.detect === undefined ? detectEvents : o.detect;
      if (!detect) return 0;
      const stored = await lock.run('detect', async () => {
        const now = o.now?.() ?? new Date();
        const until = Math.ceil(now.getTime() / HOUR) * HOUR;
        const since = until - (o.windowDays ?? 14) * 24 * HOUR;
        return (await detectAndStore(storage, detect, { since_ms: since, until_ms: until, now })).length;
      });
      return stored ?? 0;
    } catch (err) {
      log.error({ err }, 'disruption detection failed');
      return 0;
    }
  };
  const timer = o.everyMs > 0 ? setInterval(() => void runOnce(), o.everyMs) : null;
  timer?.unref();
  if (o.everyMs > 0) setTimeout(() => void runOnce(), 1000).unref();
  return {
    runOnce,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
