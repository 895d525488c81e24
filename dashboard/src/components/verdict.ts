import { h } from '../dom.ts';
import { method, status, t } from '../i18n/index.ts';
import type { FullVerdict } from '../types.ts';

/** A verdict card: status, method in words, confidence, reason (text), analysis version. */
export function verdictCard(title: string, v: FullVerdict | null): HTMLElement {
  if (!v) return h('div', { class: 'verdict none' }, h('h3', {}, title), h('p', {}, t('none')));
  return h(
    'div',
    { class: `verdict st-${v.status}` },
    h('h3', {}, title),
    h(
      'p',
      { class: 'verdict-status' },
      h('span', { class: `badge st-${v.status}` }, status(v.status)),
      v.method ? ` ${method(v.method)}` : '',
    ),
    h('p', {}, `${t('confidence')}: ${Math.round((Number(v.confidence) || 0) * 100)}%`),
    h('p', { class: 'verdict-reason' }, `${t('reason')}: `, h('bdi', {}, v.reason)),
    h('p', { class: 'muted' }, `analysis ${v.analysis_version}`),
  );
}
