import { ispLabel } from '../catalog.ts';
import { h } from '../dom.ts';
import { duration, method, svc, t, word } from '../i18n/index.ts';
import { href } from '../router.ts';
import { fmtDateTime, type Tz } from '../time.ts';
import type { Network, RaabtaEvent } from '../types.ts';

export function severityBadge(sev: string): HTMLElement {
  const cls = /^(critical|high|major)$/i.test(sev)
    ? 'high'
    : /^(medium|moderate)$/i.test(sev)
      ? 'medium'
      : 'low';
  return h('span', { class: `badge severity-${cls}` }, word('sev', sev));
}

export function simulatedBadge(): HTMLElement {
  return h('span', { class: 'badge simulated' }, t('simulated_short'));
}

/** One event as a card: title (a link to its page), when, how long, where, how. */
export function eventCard(e: RaabtaEvent, nets: Map<string, Network>, tz: Tz): HTMLElement {
  const start = Date.parse(e.start);
  const end = e.end ? Date.parse(e.end) : null;
  const when = `${fmtDateTime(start, tz)} · ${end ? duration(end - start) : t('ongoing')}`;
  const isps = e.scope.asns.map((a) => ispLabel(nets, a, false)).join(', ');
  return h(
    'li',
    { class: 'event-card', 'data-event': e.id, 'data-group': e.target_group, 'data-start': e.start },
    h('a', { href: href('event', e.id), class: 'event-link', dir: 'auto' }, e.title),
    ' ',
    severityBadge(e.severity),
    e.simulated ? simulatedBadge() : null,
    h('div', { class: 'event-meta' }, when),
    h('div', { class: 'event-meta' }, `${svc(e.target_group)} · ${isps || e.scope.cc}`),
    e.methods.length ? h('div', { class: 'event-meta methods' }, e.methods.map(method).join('; ')) : null,
  );
}

/**
 * Events as cards, newest first. With a range, events that started inside it come before those that were
 * already going on (a journalist asking about a day wants what began that day first).
 */
export function eventList(
  events: RaabtaEvent[],
  nets: Map<string, Network>,
  tz: Tz,
  from?: number,
): HTMLElement {
  if (!events.length) return h('p', { class: 'empty' }, t('no_events'));
  const began = (e: RaabtaEvent) => (from !== undefined && Date.parse(e.start) >= from ? 1 : 0);
  const sorted = [...events].sort((a, b) => began(b) - began(a) || Date.parse(b.start) - Date.parse(a.start));
  return h('ul', { class: 'event-list' }, ...sorted.map((e) => eventCard(e, nets, tz)));
}
