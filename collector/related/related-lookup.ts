/**
 * The related events of some stored events, looked up in storage: only the services of their families are
 * read, over a window that widens until every group is complete (a chain A–B–C may reach beyond the time
 * of the events asked about).
 */
import type { EventQuery, EventRecord } from '../storage/types.ts';
import { familyOf, familyServices, groupIndex, RELATED_GAP_MS } from './related-events.ts';

export interface EventSource {
  listEvents(q: EventQuery): Promise<EventRecord[]>;
}

/** Events read per service and window; a window holding more would group only the newest that many. */
export const RELATED_POOL_LIMIT = 1000;
const MAX_WIDENINGS = 20;

interface Window {
  lo: number;
  hi: number;
}

function extent(events: readonly EventRecord[], gapMs: number): Window {
  return {
    lo: Math.min(...events.map((e) => e.start_ms)) - gapMs,
    hi: Math.max(...events.map((e) => e.end_ms ?? Number.POSITIVE_INFINITY)) + gapMs,
  };
}

async function pool(src: EventSource, services: string[], w: Window): Promise<EventRecord[]> {
  const lists = await Promise.all(
    services.map((target_group) =>
      src.listEvents({
        target_group,
        since_ms: w.lo,
        // + 1: the storage's until is exclusive, a start exactly gapMs after an end still joins
        until_ms: Number.isFinite(w.hi) ? w.hi + 1 : undefined,
        limit: RELATED_POOL_LIMIT,
      }),
    ),
  );
  return lists.flat();
}

/** For each given event, its whole group (itself included, sorted by start), keyed by event id. */
export async function relatedGroups(
  src: EventSource,
  events: readonly EventRecord[],
  gapMs = RELATED_GAP_MS,
): Promise<Map<string, EventRecord[]>> {
  const result = new Map<string, EventRecord[]>();
  const grouped = events.filter((e) => familyOf(e.target_group) !== null);
  for (const e of events) if (!grouped.includes(e)) result.set(e.id, [e]);
  if (!grouped.length) return result;
  const families = [...new Set(grouped.map((e) => familyOf(e.target_group) as string))];
  const services = families.flatMap(familyServices);
  let w = extent(grouped, gapMs);
  let index = new Map<string, EventRecord[]>();
  for (let i = 0; i < MAX_WIDENINGS; i++) {
    index = groupIndex([...(await pool(src, services, w)), ...grouped], gapMs);
    const reach = extent(
      grouped.flatMap((e) => index.get(e.id) ?? [e]),
      gapMs,
    );
    if (reach.lo >= w.lo && reach.hi <= w.hi) break;
    w = { lo: Math.min(w.lo, reach.lo), hi: Math.max(w.hi, reach.hi) };
  }
  for (const e of grouped) result.set(e.id, index.get(e.id) ?? [e]);
  return result;
}
