import { api } from '../api.ts';
import { ispLabel } from '../catalog.ts';
import type { HeatRow } from '../charts/heatmap.ts';
import { h } from '../dom.ts';
import { status, svc, t } from '../i18n/index.ts';
import { href } from '../router.ts';
import { BUCKET_MS, fmtDateTime } from '../time.ts';
import { type Network, STATUSES, type TimelineBucket } from '../types.ts';
import { bucketLabel, describeBucket } from '../views/timeline-chart.ts';
import type { TimelineState } from '../views/timeline-state.ts';

/** Filters of the measurements behind one heatmap row. */
export function rowFilter(st: TimelineState, row: HeatRow): Record<string, string> {
  const q: Record<string, string> = {};
  if (st.rows === 'service') q.target_group = row.key;
  else if (st.group) q.target_group = st.group;
  if (st.rows === 'target') q.input = row.key;
  const asn = st.rows === 'isp' ? (row.key === 'all' ? null : row.key) : st.asn;
  if (asn) q.probe_asn = asn;
  return q;
}

/** Details of one bucket: counts per status, probes, methods, links to views and sample measurements. */
export function bucketDetail(
  st: TimelineState,
  row: HeatRow,
  start: number,
  b: TimelineBucket | null,
  nets: Map<string, Network>,
): HTMLElement {
  const counts = h('ul', { class: 'counts' });
  for (const s of STATUSES) {
    const sw = h('span', { class: `swatch st-${s}` });
    counts.append(h('li', {}, sw, `${status(s)}: ${b ? b[s] : 0}`));
  }
  const filter = rowFilter(st, row);
  const links = h('p', { class: 'detail-links' });
  if (st.rows === 'service') {
    links.append(
      h(
        'a',
        { href: href('timeline', null, { ...rangeOf(st), rows: 'isp', g: row.key }) },
        `${svc(row.key)}: ${t('rows_isp')}`,
      ),
    );
    links.append(' · ');
    links.append(
      h(
        'a',
        { href: href('timeline', null, { ...rangeOf(st), rows: 'target', g: row.key, asn: st.asn }) },
        `${svc(row.key)}: ${t('rows_target')}`,
      ),
    );
  }
  const samples = h('ul', { class: 'samples' });
  const box = h(
    'div',
    { class: 'detail' },
    h('h2', {}, `${row.label} · ${bucketLabel(st, start)}`),
    h('p', {}, b ? describeBucket(b) : t('st_nodata')),
    counts,
    links,
    h('h3', {}, t('evidence')),
    samples,
  );
  void api
    .measurements({
      ...filter,
      since: new Date(start).toISOString(),
      until: new Date(start + BUCKET_MS[st.bucket]).toISOString(),
      limit: 6,
    })
    .then((r) => {
      for (const m of r.results) {
        const label = `${fmtDateTime(Date.parse(m.measurement_start_time), st.tz)} · ${ispLabel(nets, m.probe_asn, false)} · ${m.input ?? m.test_name} · ${status(m.verdict?.status ?? null)}`;
        samples.append(
          h('li', {}, h('a', { href: href('measurement', m.measurement_uid), class: 'sample-link' }, label)),
        );
      }
      if (!r.results.length) samples.append(h('li', {}, t('none')));
    })
    .catch(() => samples.append(h('li', {}, t('none'))));
  return box;
}

function rangeOf(st: TimelineState): Record<string, string> {
  return {
    from: new Date(st.from).toISOString().replace(/:00\.000Z$/, 'Z'),
    to: new Date(st.to).toISOString().replace(/:00\.000Z$/, 'Z'),
  };
}
