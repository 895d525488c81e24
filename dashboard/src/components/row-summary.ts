import type { HeatRow } from '../charts/heatmap.ts';
import { blockedShare, sumBuckets, usable } from '../charts/scale.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';

/**
 * The heatmap in words, one line per row: measurements, overall blocked share, the worst bucket and how many
 * buckets had no data. For screen readers, and for journalists who want the numbers under the colours.
 */
export function rowSummary(rows: HeatRow[], bucketCount: number, label: (t0: number) => string): HTMLElement {
  const body = rows.map((r) => {
    const total = r.buckets.length ? sumBuckets(r.buckets) : null;
    const share = total ? blockedShare(total) : null;
    let peak: { t: number; share: number } | null = null;
    for (const b of r.buckets) {
      const sh = blockedShare(b);
      if (sh !== null && sh > 0 && (!peak || sh > peak.share)) peak = { t: Date.parse(b.t), share: sh };
    }
    const empty = Math.max(0, bucketCount - r.buckets.filter((b) => usable(b) > 0).length);
    return h(
      'tr',
      { 'data-row': r.key },
      h('th', { scope: 'row' }, r.label),
      h('td', { class: 'num' }, total ? String(usable(total) + total.error) : '0'),
      h('td', { class: 'num' }, share === null ? t('st_nodata') : `${Math.round(share * 100)}%`),
      h('td', {}, peak ? `${Math.round(peak.share * 100)}% · ${label(peak.t)}` : '—'),
      h('td', { class: 'num' }, `${empty} / ${bucketCount}`),
    );
  });
  const head = [t('rows'), t('measurements_h'), t('legend_share'), t('peak_share'), t('st_nodata')];
  return h(
    'details',
    { class: 'row-summary' },
    h('summary', {}, t('table_view')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...body),
      ),
    ),
  );
}
