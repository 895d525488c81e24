import { api, apiUrl } from '../api.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { href } from '../router.ts';
import { DAY, fmtBytes } from '../time.ts';
import type { RaabtaEvent } from '../types.ts';

/** UTC dates (YYYY-MM-DD) an interval touches, at most `max` of them. */
export function utcDates(start: number, end: number, max = 7): string[] {
  const out: string[] = [];
  for (let d = Math.floor(start / DAY) * DAY; d <= end && out.length < max; d += DAY)
    out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

/**
 * The data behind an event for researchers: the daily files of the days it covers (from the datasets
 * manifest, with checksums) and the API query of its measurements.
 */
export function eventData(e: RaabtaEvent): HTMLElement {
  const start = Date.parse(e.start);
  const end = e.end ? Date.parse(e.end) : start + DAY;
  const dates = utcDates(start, end);
  const list = h('ul', { class: 'event-files' });
  const measurementsApi = apiUrl('/api/v1/measurements', {
    since: new Date(start).toISOString(),
    until: new Date(end).toISOString(),
    target_group: e.target_group,
    limit: 1000,
  });
  void api
    .datasets()
    .then((sets) => {
      for (const d of sets.filter((s) => dates.includes(s.date))) {
        for (const f of d.files) {
          list.append(
            h(
              'li',
              {},
              h('a', { href: f.url, download: f.name, class: 'dataset-link' }, `${d.date} · ${f.format}`),
              ` · ${fmtBytes(f.bytes)} · sha256 `,
              h('code', { class: 'sha' }, f.sha256),
            ),
          );
        }
      }
      if (!list.childElementCount) list.append(h('li', {}, t('none')));
    })
    .catch(() => list.append(h('li', {}, t('none'))));
  return h(
    'section',
    { class: 'event-data' },
    h('h2', {}, t('event_data')),
    list,
    h(
      'p',
      {},
      h('a', { href: measurementsApi, class: 'api-link', type: 'application/json' }, t('event_api')),
      ' · ',
      h('a', { href: href('data', null, { date: dates[0] ?? null }) }, t('data_title')),
    ),
  );
}
