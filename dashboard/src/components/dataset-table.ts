import { button, h, mount } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { fmtBytes } from '../time.ts';
import type { Dataset, DatasetFile } from '../types.ts';

const FORMATS = ['jsonl.gz', 'csv', 'parquet'];
const PAGE = 31;

function fileCell(f: DatasetFile | undefined): HTMLElement {
  if (!f) return h('td', { class: 'empty' }, '—');
  return h(
    'td',
    {},
    h('a', { href: f.url, download: f.name, class: 'dataset-link' }, f.name),
    h('div', { class: 'muted' }, fmtBytes(f.bytes)),
    h('code', { class: 'sha', title: 'SHA-256' }, f.sha256),
  );
}

/**
 * Daily files, one row per day (newest first), one column per format with size and SHA-256. The latest
 * month is shown; a date filter (also `?date=` in the URL) finds any other day.
 */
export function datasetTable(sets: Dataset[], date: string | null): HTMLElement {
  const sorted = [...sets].sort((a, b) => b.date.localeCompare(a.date));
  const body = h('tbody', {});
  const more = h('p', {});
  const render = (filter: string, limit: number) => {
    const rows = sorted.filter((d) => !filter || d.date.startsWith(filter));
    mount(
      body,
      ...rows
        .slice(0, limit)
        .map((d) =>
          h(
            'tr',
            { 'data-date': d.date, class: d.date === date ? 'highlight' : null },
            h('th', { scope: 'row' }, d.date),
            h('td', { class: 'num' }, String(Math.max(0, ...d.files.map((f) => f.rows)))),
            ...FORMATS.map((fmt) => fileCell(d.files.find((f) => f.format === fmt))),
          ),
        ),
    );
    mount(
      more,
      rows.length > limit
        ? button(`${t('show_all')} (${rows.length})`, () => render(filter, rows.length))
        : null,
    );
  };
  const filter = h('input', {
    type: 'search',
    class: 'date-filter',
    placeholder: 'YYYY-MM-DD',
    'aria-label': t('date'),
    value: date ?? '',
  });
  filter.addEventListener('input', () => render(filter.value.trim(), PAGE));
  render(date ?? '', PAGE);
  return h(
    'div',
    {},
    h('label', { class: 'ctl' }, h('span', {}, t('date')), filter),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'datasets' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('date')),
            h('th', { scope: 'col' }, t('row_count')),
            ...FORMATS.map((f) => h('th', { scope: 'col' }, f)),
          ),
        ),
        body,
      ),
    ),
    more,
  );
}
