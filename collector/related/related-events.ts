/**
 * Related events: the detector makes one event per service × country, but a censor often hits several
 * services of one kind at once (the 10 November 2024 VPN disruption: OpenVPN, WireGuard and IKEv2 events,
 * same hours). For journalists these read as one disruption. Pure: events in, groups out.
 *
 * Two events are related when they are in the same country, their services belong to the same family,
 * both are simulated or both real, and their times overlap or one starts within `gapMs` of the other's end
 * (an open event has no end). Relation is transitive: A–B and B–C put A, B and C in one group even if A and
 * C never overlap.
 */

/** Services a censor tends to block together, by family. A service in no family is never grouped. */
export const SERVICE_FAMILIES: Readonly<Record<string, string>> = {
  openvpn: 'vpn',
  wireguard: 'vpn',
  ikev2: 'vpn',
  tor: 'vpn',
  whatsapp_text: 'whatsapp',
  whatsapp_media: 'whatsapp',
};

/** One detector bucket: events that touch within it are one disruption. */
export const RELATED_GAP_MS = 3600_000;

export interface Groupable {
  id: string;
  target_group: string;
  cc: string;
  start_ms: number;
  end_ms: number | null;
  simulated: boolean;
}

export function familyOf(targetGroup: string): string | null {
  return Object.hasOwn(SERVICE_FAMILIES, targetGroup) ? SERVICE_FAMILIES[targetGroup] : null;
}

/** The services of a family (empty for an unknown family). */
export function familyServices(family: string): string[] {
  return Object.keys(SERVICE_FAMILIES).filter((g) => SERVICE_FAMILIES[g] === family);
}

const byStart = (a: Groupable, b: Groupable) =>
  a.start_ms - b.start_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every event in exactly one group; each group sorted by start (then id), so `group[0]` is its first event.
 * Groups come in the order of their first events. Duplicate ids are kept once.
 */
export function groupRelated<T extends Groupable>(events: readonly T[], gapMs = RELATED_GAP_MS): T[][] {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()].sort(byStart);
  const groups: T[][] = [];
  const open = new Map<string, { members: T[]; end: number }>();
  for (const e of unique) {
    const family = familyOf(e.target_group);
    if (family === null) {
      groups.push([e]);
      continue;
    }
    const key = `${e.cc}\u0000${family}\u0000${e.simulated}`;
    const end = e.end_ms ?? Number.POSITIVE_INFINITY;
    const current = open.get(key);
    if (current && e.start_ms <= current.end + gapMs) {
      current.members.push(e);
      current.end = Math.max(current.end, end);
    } else {
      const members = [e];
      groups.push(members);
      open.set(key, { members, end });
    }
  }
  return groups;
}

/** Each event's group, by event id. */
export function groupIndex<T extends Groupable>(
  events: readonly T[],
  gapMs = RELATED_GAP_MS,
): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const g of groupRelated(events, gapMs)) for (const e of g) index.set(e.id, g);
  return index;
}
