import { api } from '../api.ts';
import { ispLabel, loadNetworks } from '../catalog.ts';
import { editorForm } from '../components/editor.ts';
import { severityBadge, simulatedBadge } from '../components/event-card.ts';
import { eventData } from '../components/event-data.ts';
import { relatedSection } from '../components/event-group.ts';
import { evidenceSection } from '../components/evidence.ts';
import { feedUrl, shareBar } from '../components/share.ts';
import { h, mount } from '../dom.ts';
import { duration, method, svc, t, word } from '../i18n/index.ts';
import { contentWidth, failed, loading, markSimulated, tzOf } from '../layout.ts';
import { href, parseHash, permalink } from '../router.ts';
import { DAY, fmtDate, fmtDateTime, HOUR, isoShort } from '../time.ts';
import { timelineHeatmap } from './timeline-chart.ts';
import { loadTimeline } from './timeline-data.ts';
import { rangeParams, readState } from './timeline-state.ts';

export async function eventView(main: HTMLElement, id: string): Promise<void> {
  loading(main);
  try {
    const [e, nets] = await Promise.all([api.event(id), loadNetworks()]);
    markSimulated(e.simulated);
    const tz = tzOf();
    const start = Date.parse(e.start);
    const end = e.end ? Date.parse(e.end) : null;
    document.title = `${e.title} — ${t('app_name')}`;
    const when = (ms: number) => `${fmtDateTime(ms, tz)} (${fmtDateTime(ms, 'utc')})`;
    const isps = e.scope.asns.map((a) => ispLabel(nets, a));
    const facts: [string, HTMLElement | string][] = [
      [t('start'), when(start)],
      [t('end'), end ? when(end) : t('ongoing')],
      [t('duration'), end ? duration(end - start) : t('ongoing')],
      [t('severity'), severityBadge(e.severity)],
      [t('peak_share'), `${Math.round(e.peak_share * 100)}%`],
      [t('probes_agreed'), String(e.probes)],
      [t('services'), svc(e.target_group)],
    ];
    const summary = t('event_summary', {
      when: end
        ? t('event_summary_closed', {
            start: fmtDateTime(start, tz),
            end: fmtDateTime(end, tz),
            dur: duration(end - start),
          })
        : t('event_summary_open', { start: fmtDateTime(start, tz) }),
      svc: svc(e.target_group),
      n: e.scope.asns.length,
      isps: e.scope.asns.map((a) => ispLabel(nets, a, false)).join(', '),
      how: e.methods.map(method).join('; ') || '—',
      probes: e.probes,
      peak: Math.round(e.peak_share * 100),
    });
    const scope = h('ul', { class: 'isp-list' }, ...isps.map((n) => h('li', {}, n)));
    const how = h('ul', { class: 'method-list' }, ...e.methods.map((m) => h('li', {}, method(m))));
    // A timeline of the event's service by network, padded around the event.
    const pad = Math.max(2 * HOUR, ((end ?? start + DAY) - start) / 2);
    const range = rangeParams(start - pad, (end ?? start + DAY) + pad);
    const tlHash = href('timeline', null, { ...range, rows: 'isp', g: e.target_group });
    const st = await readState(parseHash(tlHash), tz);
    const tl = await loadTimeline(st);
    const chartWidth = contentWidth(main, 1200);
    const { svg } = timelineHeatmap(st, tl, chartWidth);
    const cite = `Raabta, "${e.title}", ${fmtDate(start, 'utc')}${end ? ` – ${fmtDate(end, 'utc')}` : ''}. ${permalink()} (accessed ${isoShort(Date.now()).slice(0, 10)}).${e.simulated ? ' [simulated data]' : ''}`;
    const feeds = [
      {
        label: t('atom_service', { svc: svc(e.target_group) }),
        url: feedUrl({ target_group: e.target_group }),
      },
      ...e.scope.asns.map((a) => ({
        label: t('atom_network', { isp: ispLabel(nets, a, false) }),
        url: feedUrl({ probe_asn: a }),
      })),
    ];
    mount(
      main,
      h('p', { class: 'kicker' }, t('event'), ' · ', word('ev', e.status)),
      h('h1', { class: 'event-title' }, h('bdi', {}, e.title), ' ', e.simulated ? simulatedBadge() : null),
      h('p', { class: 'event-summary' }, summary),
      relatedSection(e, nets, tz),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('section', { class: 'scope' }, h('h2', {}, t('networks_affected')), scope),
      h('section', { class: 'how' }, h('h2', {}, t('how_blocked')), how),
      e.notes.length
        ? h(
            'section',
            { class: 'notes' },
            h('h2', {}, t('notes')),
            h(
              'ul',
              {},
              ...e.notes.map((n) =>
                h('li', {}, `${fmtDateTime(Date.parse(n.at), tz)}: `, h('bdi', {}, n.text)),
              ),
            ),
          )
        : null,
      h('div', { class: 'chart-box' }, svg),
      h(
        'p',
        {},
        h(
          'a',
          { href: tlHash, class: 'open-timeline' },
          `${t('nav_timeline')}: ${svc(e.target_group)} — ${t('rows_isp')}`,
        ),
      ),
      shareBar({
        name: `raabta-event-${e.id}`,
        chart: () => svg,
        embedHash: tlHash.replace('#/timeline', '#/embed/timeline'),
        feeds,
        cite,
      }),
      editorForm(e, () => void eventView(main, id)),
      evidenceSection(e.evidence, nets, tz),
      eventData(e),
    );
    main.dataset.chart = 'ready';
  } catch (err) {
    failed(main, err);
  }
}
