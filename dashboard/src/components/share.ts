import { exportCsv, exportPng, exportSvg } from '../charts/export.ts';
import { button, h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { permalink } from '../router.ts';

export interface ShareOptions {
  /** File name base for downloads, e.g. raabta-timeline-2024-11-10. */
  name: string;
  chart?: () => SVGSVGElement | null;
  csv?: () => (string | number)[][];
  /** Hash of the embeddable version of this view. */
  embedHash?: string;
  feeds?: { label: string; url: string }[];
  cite?: string;
  /** The API query behind the view (JSON). */
  api?: string;
}

/** Permalink, exports, embed code, Atom feeds and a citation for the current view. */
export function shareBar(o: ShareOptions): HTMLElement {
  const status = h('span', { class: 'share-status', role: 'status' });
  const copy = button(
    t('copy_link'),
    () => {
      const url = permalink();
      navigator.clipboard?.writeText(url).then(
        () => {
          status.textContent = t('copied');
        },
        () => {
          status.textContent = url;
        },
      );
    },
    { class: 'copy-link' },
  );
  const bar = h('div', { class: 'share-bar' }, copy);
  if (o.chart) {
    bar.append(
      button(
        t('download_svg'),
        () => {
          const svg = o.chart?.();
          if (svg) exportSvg(svg, o.name);
        },
        { class: 'export-svg', title: 'SVG' },
      ),
      button(
        t('download_png'),
        () => {
          const svg = o.chart?.();
          if (svg) void exportPng(svg, o.name);
        },
        { class: 'export-png', title: 'PNG' },
      ),
    );
  }
  if (o.csv) {
    const rows = o.csv;
    bar.append(button(t('download_csv'), () => exportCsv(rows(), o.name), { class: 'export-csv' }));
  }
  if (o.api) bar.append(h('a', { href: o.api, class: 'api-link', type: 'application/json' }, t('api_json')));
  const extra = h('div', { class: 'share-extra' });
  if (o.embedHash) {
    const code = `<iframe src="${permalink(o.embedHash)}" width="800" height="420" title="Raabta" loading="lazy"></iframe>`;
    const box = h('textarea', {
      readonly: true,
      rows: 2,
      class: 'embed-code',
      'aria-label': t('embed_hint'),
    });
    box.value = code;
    const det = h(
      'details',
      { class: 'embed' },
      h('summary', {}, t('embed')),
      h('p', {}, t('embed_hint')),
      box,
    );
    extra.append(det);
  }
  if (o.cite) {
    const box = h('textarea', { readonly: true, rows: 2, class: 'cite-text', 'aria-label': t('cite') });
    box.value = o.cite;
    extra.append(h('details', { class: 'cite' }, h('summary', {}, t('cite')), box));
  }
  const feeds = h('ul', { class: 'feeds' });
  for (const f of o.feeds ?? []) {
    feeds.append(
      h('li', {}, h('a', { href: f.url, class: 'atom-link', type: 'application/atom+xml' }, f.label)),
    );
  }
  return h('div', { class: 'share' }, bar, status, extra, feeds);
}

export function feedUrl(q: Record<string, string>): string {
  const p = new URLSearchParams(q);
  const qs = p.toString();
  return `/events.atom${qs ? `?${qs}` : ''}`;
}
