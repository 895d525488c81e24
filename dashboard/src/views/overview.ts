import { api } from '../api.ts';
import { loadNetworks } from '../catalog.ts';
import { simulatedBadge } from '../components/event-card.ts';
import { groupedEventList } from '../components/event-group.ts';
import { feedUrl } from '../components/share.ts';
import { button, h, mount } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { latestDataTime } from '../latest.ts';
import { failed, loading, markSimulated, tzOf } from '../layout.ts';
import { go, href } from '../router.ts';
import { DAY, dayStart, fmtDateTime, HOUR, isoShort } from '../time.ts';
import type { Coverage } from '../types.ts';
import { stateGrid } from './overview-grid.ts';

/** Entries in "Latest detected events" (a group of related events is one entry). */
const LATEST = 8;

/** "What happened on…?": a date goes to that day (midnight to midnight in the chosen zone) on the timeline. */
function dateFinder(): HTMLElement {
  const input = h('input', { type: 'date', class: 'date-jump', id: 'find-date', min: '2015-01-01' });
  const show = () => {
    const start = dayStart(input.value, tzOf());
    if (start !== null) go(href('timeline', null, { from: isoShort(start), to: isoShort(start + DAY) }));
  };
  const form = h(
    'form',
    { class: 'date-finder', role: 'search' },
    h('label', { for: 'find-date' }, t('find_date')),
    input,
    button(t('go'), show, { class: 'date-go' }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    show();
  });
  return form;
}

export async function overviewView(main: HTMLElement): Promise<void> {
  loading(main);
  try {
    const end = await latestDataTime();
    const since = new Date(end - 24 * HOUR).toISOString();
    const until = new Date(end + 1000).toISOString();
    const [nets, byAsn, country, events, coverage] = await Promise.all([
      loadNetworks(),
      api.timeline({ since, until, bucket: '1h', group_by: 'target_group', by_asn: 1 }),
      api.timeline({ since, until, bucket: '1h', group_by: 'target_group' }),
      // related events share one entry: ask for more than are shown
      api.events({ limit: 3 * LATEST }),
      api.coverage().catch(() => [] as Coverage[]),
    ]);
    const simulated = byAsn.simulated || country.simulated || events.some((e) => e.simulated);
    markSimulated(simulated);
    document.title = `${t('nav_overview')} — ${t('app_name')}`;
    const tz = tzOf();
    mount(
      main,
      h('h1', {}, t('current_state'), simulated ? simulatedBadge() : null),
      dateFinder(),
      h('p', { class: 'as-of' }, t('as_of', { t: fmtDateTime(end, tz) })),
      stateGrid(byAsn, country, nets, coverage, end),
      h(
        'section',
        { class: 'latest-events' },
        h('h2', {}, t('latest_events')),
        groupedEventList(events, nets, tz, LATEST),
        h(
          'p',
          {},
          h('a', { href: feedUrl({}), class: 'atom-link', type: 'application/atom+xml' }, t('atom_all')),
        ),
      ),
    );
    main.dataset.chart = 'ready';
  } catch (err) {
    failed(main, err);
  }
}
