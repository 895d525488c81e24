import { apiUrl } from '../api.ts';
import { ispLabel } from '../catalog.ts';
import { attachBrush } from '../charts/brush.ts';
import { attachKeyboard } from '../charts/keyboard.ts';
import { bucketDetail } from '../components/bucket-detail.ts';
import { eventList } from '../components/event-card.ts';
import { rowSummary } from '../components/row-summary.ts';
import { feedUrl, shareBar } from '../components/share.ts';
import { h, mount } from '../dom.ts';
import { svc, t } from '../i18n/index.ts';
import { contentWidth, failed, loading, markSimulated, tzOf } from '../layout.ts';
import { type Route, update } from '../router.ts';
import { BUCKET_MS, floorTo, fmtDate, isoShort, parseTime } from '../time.ts';
import { bucketLabel, describeBucket, timelineHeatmap, timelineStacked } from './timeline-chart.ts';
import { timelineControls } from './timeline-controls.ts';
import { loadTimeline, type TimelineData } from './timeline-data.ts';
import { rangeParams, readState, seriesQuery, type TimelineState } from './timeline-state.ts';

export async function timelineView(main: HTMLElement, route: Route): Promise<void> {
  loading(main);
  const st = await readState(route, tzOf());
  let d: TimelineData;
  try {
    d = await loadTimeline(st);
  } catch (err) {
    failed(main, err);
    return;
  }
  markSimulated(d.simulated);
  document.title = `${t('nav_timeline')} — ${d.scopeLabel} — ${t('app_name')}`;
  const width = contentWidth(main);
  const { svg, layout } = timelineHeatmap(st, d, width);
  const hover = h('p', { class: 'hover-info', 'aria-live': 'polite' }, t('brush_hint'));
  const detail = h('section', { class: 'bucket-detail', 'aria-live': 'polite' });
  const stackBox = h('div', { class: 'stacked-box' });
  let stackedSvg: SVGSVGElement | null = null;
  const bucketMs = BUCKET_MS[st.bucket];
  const cellAt = (i: number, t0: number) => {
    const r = d.rows[i];
    const start = floorTo(t0, bucketMs);
    return { r, start, b: r.buckets.find((b) => Date.parse(b.t) === start) ?? null };
  };
  /** Selects a row (stacked view) and optionally a bucket (detail panel); both are kept in the URL. */
  const select = (i: number, at: number | null) => {
    const r = d.rows[i];
    stackedSvg = timelineStacked(st, d, r, width, layout.sc.x0);
    mount(stackBox, stackedSvg);
    stackBox.dataset.row = r.key;
    const sel = svg.querySelector('.row-sel');
    sel?.setAttribute('y', String(layout.rowsTop + i * layout.rowH));
    sel?.setAttribute('visibility', 'visible');
    if (at !== null) {
      const c = cellAt(i, at);
      mount(detail, bucketDetail(st, r, c.start, c.b, d.networks));
    }
  };
  attachBrush(svg, layout, d.rows.length, {
    onZoom: (from, to) => update(rangeParams(from, to)),
    onHover: (i, t0) => {
      if (i === null) {
        hover.textContent = t('brush_hint');
        return;
      }
      describe(i, t0);
    },
    onCell: (i, t0) => {
      const at = floorTo(t0, bucketMs);
      select(i, at);
      update({ sel: d.rows[i].key, at: isoShort(at) }, true, true);
    },
  });
  const describe = (i: number, t0: number) => {
    const { r, start, b } = cellAt(i, t0);
    hover.textContent = `${r.label} · ${bucketLabel(st, start)}: ${b ? describeBucket(b) : t('st_nodata')}`;
  };
  attachKeyboard(svg, layout, d.rows.length, bucketMs, {
    onFocus: describe,
    onSelect: (i, t0) => {
      select(i, t0);
      update({ sel: d.rows[i].key, at: isoShort(t0) }, true, true);
    },
    onZoom: (factor, centre) => {
      const span = (st.to - st.from) * factor;
      update(rangeParams(centre - span / 2, centre + span / 2));
    },
  });
  const feeds = [{ label: t('atom_all'), url: feedUrl({}) }];
  if (st.group && st.rows !== 'service')
    feeds.push({
      label: t('atom_service', { svc: svc(st.group) }),
      url: feedUrl({ target_group: st.group }),
    });
  if (st.asn && st.rows !== 'isp')
    feeds.push({
      label: t('atom_network', { isp: ispLabel(d.networks, st.asn) }),
      url: feedUrl({ probe_asn: st.asn }),
    });
  const embedHash = location.hash.replace(/^#\/timeline/, '#/embed/timeline');
  const share = shareBar({
    name: `raabta-timeline-${fmtDate(st.from, 'utc').replace(/\s+/g, '-')}`,
    chart: () => svg,
    csv: () => csvRows(st, d),
    embedHash,
    feeds,
    api: apiUrl('/api/v1/timeline', seriesQuery(st)),
  });
  const heading = h('h1', {}, `${t('timeline_title')}: ${d.scopeLabel}`);
  const list = h(
    'section',
    { class: 'events-in-range' },
    h('h2', {}, t('events_in_range')),
    eventList(d.events, d.networks, st.tz, st.from),
  );
  mount(
    main,
    heading,
    timelineControls(st, d.networks),
    h('p', { class: 'bucket-info' }, t('bucket_label', { b: t(`bucket_${st.bucket}` as const) })),
    h('div', { class: 'chart-box heatmap-box' }, svg),
    hover,
    rowSummary(d.rows, Math.ceil((st.to - st.from) / bucketMs), (t0) => bucketLabel(st, t0)),
    detail,
    stackBox,
    share,
    list,
  );
  const selIndex = d.rows.findIndex((r) => r.key === st.sel);
  if (selIndex >= 0) select(selIndex, parseTime(route.params.get('at')));
  main.dataset.chart = 'ready';
}

function csvRows(st: TimelineState, d: TimelineData): (string | number)[][] {
  const out: (string | number)[][] = [
    [
      'row',
      'bucket_start_utc',
      'bucket',
      'ok',
      'blocked',
      'down',
      'error',
      'inconclusive',
      'probes',
      'simulated',
    ],
  ];
  for (const r of d.rows) {
    for (const b of r.buckets) {
      out.push([
        r.label,
        b.t,
        st.bucket,
        b.ok,
        b.blocked,
        b.down,
        b.error,
        b.inconclusive,
        b.probes,
        String(d.simulated),
      ]);
    }
  }
  return out;
}
