import { ispLabel, SERVICES, SPARSE_PROBES, serviceOrder } from '../catalog.ts';
import { blockedShare, sumBuckets } from '../charts/scale.ts';
import { h } from '../dom.ts';
import { probes, status, svc, t, word } from '../i18n/index.ts';
import { href } from '../router.ts';
import { DAY, isoShort } from '../time.ts';
import type { Coverage, Network, TimelineResponse } from '../types.ts';

/** CSS class for a blocked share: discrete steps, so no inline styles are needed (CSP). */
export function shareClass(share: number | null): string {
  if (share === null) return 'share-nodata';
  if (share < 0.02) return 'share-ok';
  return `share-${Math.min(4, Math.ceil(share * 4))}`;
}

/**
 * Services × networks: the blocked share in the last 24 hours of data, with how many probes measured.
 * Cells with fewer than SPARSE_PROBES probes are marked as sparse; cells without data say so.
 */
export function stateGrid(
  byAsn: TimelineResponse,
  country: TimelineResponse,
  nets: Map<string, Network>,
  coverage: Coverage[],
  end: number,
): HTMLElement {
  const asns = [
    ...new Set([...nets.keys(), ...byAsn.series.flatMap((s) => (s.key.probe_asn ? [s.key.probe_asn] : []))]),
  ].sort((a, b) => ispLabel(nets, a).localeCompare(ispLabel(nets, b)));
  const groups = serviceOrder([...SERVICES, ...country.series.map((s) => s.key.target_group)]);
  const probesOf = new Map(coverage.map((c) => [c.probe_asn, c.probes]));
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, t('service')),
    h('th', { scope: 'col' }, t('all_networks')),
    ...asns.map((a) => {
      const n = probesOf.get(a);
      return h(
        'th',
        { scope: 'col', class: n !== undefined && n < SPARSE_PROBES ? 'sparse' : null },
        h('span', { class: 'isp-name' }, ispLabel(nets, a, false)),
        h(
          'span',
          { class: 'isp-meta' },
          `${a}${nets.get(a)?.kind ? ` · ${word('kind', nets.get(a)?.kind ?? '')}` : ''}${n !== undefined ? ` · ${probes(n)}` : ''}`,
        ),
      );
    }),
  );
  const range = { from: isoShort(end - 30 * DAY), to: isoShort(end) };
  const cell = (group: string, asn: string | null, res: TimelineResponse) => {
    const series = res.series.find(
      (s) => s.key.target_group === group && (asn === null || s.key.probe_asn === asn),
    );
    const b = series?.buckets.length ? sumBuckets(series.buckets) : null;
    const share = b ? blockedShare(b) : null;
    const sparse = b !== null && b.probes < SPARSE_PROBES;
    const label =
      share === null
        ? status(null)
        : share < 0.02
          ? status('ok')
          : t('pct_blocked', { p: Math.round(share * 100) });
    const link = href('timeline', null, { ...range, rows: 'isp', g: group, sel: asn ?? 'all' });
    return h(
      'td',
      {
        class: `state ${shareClass(share)}${sparse ? ' sparse' : ''}`,
        'data-group': group,
        'data-asn': asn ?? 'all',
      },
      h(
        'a',
        { href: link },
        h('span', { class: 'state-label' }, label),
        b
          ? h('span', { class: 'state-meta' }, `${probes(b.probes)}${sparse ? ` · ${t('few_probes')}` : ''}`)
          : null,
      ),
    );
  };
  const body = groups.map((g) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, svc(g)),
      cell(g, null, country),
      ...asns.map((a) => cell(g, a, byAsn)),
    ),
  );
  const legend = h(
    'p',
    { class: 'grid-legend' },
    ...(
      [
        ['share-ok', status('ok')],
        ['share-1', '< 25%'],
        ['share-2', '< 50%'],
        ['share-3', '< 75%'],
        ['share-4', '≤ 100%'],
        ['share-nodata', status(null)],
        ['sparse', t('few_probes_legend')],
      ] as const
    ).map(([cls, label]) =>
      h('span', { class: 'legend-item' }, h('span', { class: `legend-swatch ${cls}` }), label),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll' },
    legend,
    h(
      'table',
      { class: 'state-grid' },
      h('caption', {}, t('state_caption')),
      h('thead', {}, head),
      h('tbody', {}, ...body),
    ),
  );
}
