import { h, mount } from './dom.ts';
import { getLang, t } from './i18n/index.ts';
import { currentRoute, href, update } from './router.ts';
import type { Tz } from './time.ts';

export function tzOf(): Tz {
  return currentRoute().params.get('tz') === 'utc' ? 'utc' : 'pkt';
}

/** Header with navigation, language and time-zone switches; returns the element views render into. */
export function shell(root: HTMLElement, active: string): HTMLElement {
  const lang = getLang();
  const nav = h(
    'nav',
    { 'aria-label': 'main' },
    ...(
      [
        ['overview', t('nav_overview')],
        ['timeline', t('nav_timeline')],
        ['data', t('nav_data')],
      ] as const
    ).map(([v, label]) =>
      h(
        'a',
        {
          href: href(v),
          class: v === active ? 'active' : null,
          'aria-current': v === active ? 'page' : null,
          'data-nav': v,
        },
        label,
      ),
    ),
  );
  const langBtn = h(
    'button',
    { type: 'button', class: 'lang-switch', lang: lang === 'ur' ? 'en' : 'ur' },
    t('switch_lang'),
  );
  langBtn.addEventListener('click', () => update({ lang: lang === 'ur' ? null : 'ur' }));
  const tzSel = h(
    'select',
    { 'aria-label': t('times_in'), class: 'tz-switch' },
    h('option', { value: 'pkt', selected: tzOf() === 'pkt' }, t('tz_pkt')),
    h('option', { value: 'utc', selected: tzOf() === 'utc' }, t('tz_utc')),
  );
  tzSel.addEventListener('change', () => update({ tz: tzSel.value === 'utc' ? 'utc' : null }));
  const header = h(
    'header',
    { class: 'top' },
    h('a', { href: href('overview'), class: 'brand' }, t('app_name')),
    nav,
    h('div', { class: 'switches' }, h('label', {}, `${t('times_in')} `, tzSel), langBtn),
  );
  const banner = h('div', { class: 'simulated-banner', role: 'note', hidden: true }, t('simulated_banner'));
  const main = h('main', { id: 'main', tabindex: -1 });
  const footer = h(
    'footer',
    {},
    h('span', {}, t('tagline')),
    ' · ',
    h('a', { href: '/events.atom', class: 'atom-link', type: 'application/atom+xml' }, t('atom_all')),
  );
  mount(root, header, banner, main, footer);
  return main;
}

/** Width available for a chart inside `el` (its content box), clamped to [320, max]. */
export function contentWidth(el: HTMLElement, max = 1400): number {
  const cs = getComputedStyle(el);
  const w =
    el.clientWidth - Number.parseFloat(cs.paddingLeft || '0') - Number.parseFloat(cs.paddingRight || '0');
  return Math.max(320, Math.min(max, Math.floor(w || 960)));
}

/** Shows the page-wide simulated-data banner (charts carry their own badge too). */
export function markSimulated(on: boolean): void {
  const b = document.querySelector<HTMLElement>('.simulated-banner');
  if (b && on) b.hidden = false;
}

export function loading(el: HTMLElement): void {
  mount(el, h('p', { class: 'loading', role: 'status' }, t('loading')));
}

export function failed(el: HTMLElement, err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  mount(el, h('p', { class: 'error', role: 'alert' }, t('load_failed', { msg })));
}
