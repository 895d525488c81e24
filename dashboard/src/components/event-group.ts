/**
 * Related events as one disruption (collector/API.md: family, group_id, related): the overview's entry for a
 * group, and the event page's "Part of a wider disruption". All text goes in as text nodes (dom.ts).
 */
import { ispLabel, serviceOrder } from '../catalog.ts';
import { h } from '../dom.ts';
import { method, networks, svc, t } from '../i18n/index.ts';
import { href } from '../router.ts';
import { fmtClock, fmtDate, fmtDateTime, type Tz, zoneLabel } from '../time.ts';
import type { Network, RaabtaEvent, RelatedEvent } from '../types.ts';
import { eventCard, severityBadge, simulatedBadge } from './event-card.ts';

/** A group of events seen as one: members by start (the first is the group's id), their union. */
export interface EventGroup {
  id: string;
  family: string | null;
  members: RelatedEvent[];
  /** in the catalogue's order (OpenVPN, WireGuard, IKEv2, Tor) */
  services: string[];
  asns: string[];
  methods: string[];
  start: number;
  /** null while any member is ongoing */
  end: number | null;
}

const uniq = (xs: string[]) => [...new Set(xs)];

/** The group of `e`: itself and its related events. */
export function groupOf(e: RaabtaEvent): EventGroup {
  const self: RelatedEvent = { ...e, asns: e.scope.asns };
  const members = [self, ...(e.related ?? [])].sort(
    (a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const ends = members.map((m) => (m.end ? Date.parse(m.end) : null));
  return {
    id: e.group_id ?? e.id,
    family: e.family ?? null,
    members,
    services: serviceOrder(members.map((m) => m.target_group)),
    asns: uniq(members.flatMap((m) => m.asns)),
    methods: uniq(members.flatMap((m) => m.methods)),
    start: Math.min(...members.map((m) => Date.parse(m.start))),
    end: ends.includes(null) ? null : Math.max(...(ends as number[])),
  };
}

/** "10 Nov 2024, 13:00–15:00 PKT"; across days both dates; "since …" while ongoing. */
export function fmtSpan(start: number, end: number | null, tz: Tz): string {
  if (end === null) return t('since', { start: fmtDateTime(start, tz) });
  if (fmtDate(start, tz) === fmtDate(end, tz))
    return `${fmtDate(start, tz)}, ${fmtClock(start, tz)}–${fmtClock(end, tz)} ${zoneLabel(tz)}`;
  return `${fmtDateTime(start, tz)} – ${fmtDateTime(end, tz)}`;
}

/** "VPN disruption: OpenVPN, WireGuard, IKEv2/IPsec VPN". */
export function groupTitle(g: EventGroup): string {
  const fam = g.family === 'vpn' || g.family === 'whatsapp' ? t(`fam_${g.family}`) : t('fam_other');
  return t('group_title', { family: fam, services: g.services.map(svc).join(', ') });
}

/** The sentence to quote: when, on how many networks, which services, how. */
export function groupSummary(g: EventGroup, nets: Map<string, Network>, tz: Tz): string {
  return t('group_summary', {
    when: fmtSpan(g.start, g.end, tz),
    services: g.services.map(svc).join(', '),
    n: g.asns.length,
    isps: g.asns.map((a) => ispLabel(nets, a, false)).join(', '),
    how: g.methods.map(method).join('; ') || '—',
  });
}

/** An overview entry for a group of two or more events; it links to the group's first event. */
export function groupCard(e: RaabtaEvent, nets: Map<string, Network>, tz: Tz): HTMLElement {
  const g = groupOf(e);
  if (g.members.length < 2) return eventCard(e, nets, tz);
  const isps = g.asns.map((a) => ispLabel(nets, a, false)).join(', ');
  return h(
    'li',
    {
      class: 'event-card event-group',
      'data-event': g.id,
      'data-services': g.services.join(' '),
      'data-start': new Date(g.start).toISOString(),
    },
    h('a', { href: href('event', g.id), class: 'event-link' }, groupTitle(g)),
    ' ',
    severityBadge(e.severity),
    e.simulated ? simulatedBadge() : null,
    h('div', { class: 'event-meta when' }, fmtSpan(g.start, g.end, tz)),
    h('div', { class: 'event-meta isps' }, `${networks(g.asns.length)}: ${isps}`),
    g.methods.length ? h('div', { class: 'event-meta methods' }, g.methods.map(method).join('; ')) : null,
  );
}

/**
 * Latest events with each group once (at the place of its newest listed member), newest first; at most
 * `max` entries.
 */
export function groupedEventList(
  events: RaabtaEvent[],
  nets: Map<string, Network>,
  tz: Tz,
  max: number,
): HTMLElement {
  if (!events.length) return h('p', { class: 'empty' }, t('no_events'));
  const seen = new Set<string>();
  const entries: RaabtaEvent[] = [];
  for (const e of [...events].sort((a, b) => Date.parse(b.start) - Date.parse(a.start))) {
    const id = e.group_id ?? e.id;
    if (seen.has(id)) continue;
    seen.add(id);
    entries.push(e);
  }
  return h('ul', { class: 'event-list' }, ...entries.slice(0, max).map((e) => groupCard(e, nets, tz)));
}

/** The event page's "Part of a wider disruption": the group in one sentence and links to the others. */
export function relatedSection(e: RaabtaEvent, nets: Map<string, Network>, tz: Tz): HTMLElement | null {
  if (!e.related?.length) return null;
  const g = groupOf(e);
  return h(
    'section',
    { class: 'related-events' },
    h('h2', {}, t('wider_disruption')),
    h('p', { class: 'group-summary' }, groupSummary(g, nets, tz)),
    h(
      'ul',
      { class: 'related-list' },
      ...e.related.map((r) =>
        h(
          'li',
          { 'data-event': r.id, 'data-group': r.target_group },
          h('a', { href: href('event', r.id), class: 'related-link' }, svc(r.target_group)),
          ' · ',
          h('bdi', {}, fmtSpan(Date.parse(r.start), r.end ? Date.parse(r.end) : null, tz)),
          ' · ',
          networks(r.asns.length),
          ' · ',
          h('bdi', {}, r.title),
        ),
      ),
    ),
  );
}
