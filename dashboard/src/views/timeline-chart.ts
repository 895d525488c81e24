import { SPARSE_PROBES } from '../catalog.ts';
import { type HeatmapLayout, type HeatRow, heatmap } from '../charts/heatmap.ts';
import { stacked } from '../charts/stacked.ts';
import { method, probes, status, svc, t } from '../i18n/index.ts';
import { href, permalink } from '../router.ts';
import { BUCKET_MS, fmtClock, fmtDate, fmtDateTime, zoneLabel } from '../time.ts';
import type { TimelineBucket } from '../types.ts';
import type { TimelineData } from './timeline-data.ts';
import type { TimelineState } from './timeline-state.ts';

export function bucketLabel(st: TimelineState, t0: number): string {
  if (st.bucket === '1d') return `${fmtDate(t0, 'utc')} (UTC)`;
  return `${fmtDateTime(t0, st.tz)}–${fmtClock(t0 + BUCKET_MS[st.bucket], st.tz)}`;
}

export function describeBucket(b: TimelineBucket): string {
  const n = b.ok + b.blocked + b.down + b.inconclusive;
  const pct = n ? Math.round((b.blocked / n) * 100) : 0;
  const methods = Object.entries(b.methods ?? {})
    .filter(([, v]) => v > 0)
    .map(([m, v]) => `${method(m)}: ${v}`)
    .join('; ');
  const parts = [
    n ? t('pct_blocked', { p: pct }) : status(null),
    t('n_measurements', { n: n + b.error }),
    probes(b.probes),
  ];
  if (b.probes < SPARSE_PROBES) parts.push(t('few_probes'));
  return methods ? `${parts.join(', ')}. ${methods}` : parts.join(', ');
}

/** A title that says what the chart shows, so an exported image stands on its own. */
export function chartTitle(st: TimelineState, d: TimelineData): string {
  const service = svc(st.group ?? '');
  if (st.rows === 'isp') return t('chart_by_isp', { svc: service });
  if (st.rows === 'target') return t('chart_by_target', { svc: service, scope: d.placeLabel });
  return t('chart_by_service', { scope: d.placeLabel });
}

function caption(st: TimelineState): string[] {
  return [
    t('chart_source', { url: permalink() }),
    `${t('times_in')} ${zoneLabel(st.tz)} · ${t('bucket_label', { b: t(`bucket_${st.bucket}` as const) })}`,
  ];
}

/** The heatmap of a timeline state: used by the timeline page and the embeddable chart. */
export function timelineHeatmap(
  st: TimelineState,
  d: TimelineData,
  width: number,
): { svg: SVGSVGElement; layout: HeatmapLayout } {
  const title = chartTitle(st, d);
  const range = `${fmtDateTime(st.from, st.tz)} – ${fmtDateTime(st.to, st.tz)}`;
  return heatmap({
    width,
    title,
    description: `${title}, ${range}`,
    caption: [`${range}`, ...caption(st)],
    simulated: d.simulated,
    simulatedLabel: t('simulated_short'),
    rows: d.rows,
    from: st.from,
    to: st.to,
    bucketMs: BUCKET_MS[st.bucket],
    tz: st.tz,
    events: d.events,
    eventHref: (e) => href('event', e.id),
    selected: st.sel,
    concerns: (e, key) =>
      st.rows === 'service'
        ? e.target_group === key
        : st.rows === 'isp'
          ? key === 'all' || e.scope.asns.includes(key)
          : true,
    sparseBelow: SPARSE_PROBES,
    cellText: (row: HeatRow, b) => `${row.label} · ${bucketLabel(st, Date.parse(b.t))}: ${describeBucket(b)}`,
    legend: {
      share: t('legend_share'),
      noData: t('st_nodata'),
      sparse: t('few_probes_legend'),
      event: t('legend_events'),
      note: t('legend_notes'),
    },
  });
}

export function timelineStacked(
  st: TimelineState,
  d: TimelineData,
  row: HeatRow,
  width: number,
  labelW: number,
): SVGSVGElement {
  const title = t('stacked_title', { row: `${row.label} — ${d.scopeLabel}` });
  return stacked({
    width,
    labelW,
    title,
    description: title,
    caption: caption(st),
    simulated: d.simulated,
    simulatedLabel: t('simulated_short'),
    buckets: row.buckets,
    from: st.from,
    to: st.to,
    bucketMs: BUCKET_MS[st.bucket],
    tz: st.tz,
    statusLabel: (s) => status(s),
    barText: (b) => `${bucketLabel(st, Date.parse(b.t))}: ${describeBucket(b)}`,
  });
}
