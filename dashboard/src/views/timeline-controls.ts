import { ispLabel, SERVICES } from '../catalog.ts';
import { button, h } from '../dom.ts';
import { svc, t } from '../i18n/index.ts';
import { update } from '../router.ts';
import { DAY, dayStart, parts } from '../time.ts';
import type { Network } from '../types.ts';
import { around, rangeParams, shift, type TimelineState } from './timeline-state.ts';

function select(
  label: string,
  cls: string,
  options: [string, string][],
  value: string,
  on: (v: string) => void,
) {
  const sel = h('select', { class: cls, 'aria-label': label });
  for (const [v, text] of options) sel.append(h('option', { value: v, selected: v === value }, text));
  sel.addEventListener('change', () => on(sel.value));
  return h('label', { class: 'ctl' }, h('span', {}, label), sel);
}

/**
 * A pan button: the arrow points the way the time axis runs (left = earlier) in both languages; arrow and
 * label are separate boxes so bidi reordering of an Urdu label cannot move the arrow.
 */
function pan(arrow: '←' | '→', label: string, fn: () => void, cls: string): HTMLButtonElement {
  const parts = [h('span', { 'aria-hidden': 'true' }, arrow), h('span', {}, label)];
  const b = h(
    'button',
    { type: 'button', class: `pan ${cls}` },
    ...(arrow === '←' ? parts : parts.reverse()),
  );
  b.addEventListener('click', fn);
  return b;
}

/** The timeline's controls: rows, service, network, date, range presets, pan and zoom. */
export function timelineControls(st: TimelineState, networks: Map<string, Network>): HTMLElement {
  const rows = select(
    t('rows'),
    'rows-mode',
    [
      ['service', t('rows_service')],
      ['isp', t('rows_isp')],
      ['target', t('rows_target')],
    ],
    st.rows,
    (v) =>
      update({
        rows: v === 'service' ? null : v,
        g: v === 'service' ? st.group : (st.group ?? 'x'),
        sel: null,
      }),
  );
  const service = select(
    t('service'),
    'service',
    SERVICES.map((g) => [g, svc(g)]),
    st.group ?? 'x',
    (v) => update({ g: v, rows: st.rows === 'service' ? 'isp' : st.rows, sel: null }),
  );
  const nets: [string, string][] = [
    ['', t('all_networks')],
    ...[...networks.keys()].map((a): [string, string] => [a, ispLabel(networks, a)]),
  ];
  const network = select(t('scope'), 'network', nets, st.asn ?? '', (v) =>
    update({ asn: v || null, sel: null }),
  );
  if (st.rows === 'isp') network.querySelector('select')?.setAttribute('disabled', '');
  const p = parts(st.from + (st.to - st.from) / 2, st.tz);
  const dateIn = h('input', {
    type: 'date',
    class: 'date-jump',
    'aria-label': t('find_date'),
    value: `${p.y}-${String(p.mo + 1).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`,
  });
  const jump = () => {
    const start = dayStart(dateIn.value, st.tz);
    if (start !== null) update(rangeParams(start, start + DAY));
  };
  dateIn.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') jump();
  });
  const dateBox = h(
    'label',
    { class: 'control' },
    h('span', {}, t('find_date')),
    dateIn,
    button(t('go'), jump, { class: 'date-go' }),
  );
  const presets = h(
    'div',
    { class: 'presets', role: 'group' },
    pan('←', t('earlier'), () => update(shift(st, -1)), 'pan-earlier'),
    ...(
      [
        ['range_day', DAY],
        ['range_week', 7 * DAY],
        ['range_month', 31 * DAY],
        ['range_year', 366 * DAY],
        ['range_all', 2 * 366 * DAY],
      ] as const
    ).map(([k, span]) => button(t(k), () => update(around(st, span)), { class: `preset-${k}` })),
    button(t('zoom_out'), () => update(around(st, (st.to - st.from) * 3)), { class: 'zoom-out' }),
    pan('→', t('later'), () => update(shift(st, 1)), 'pan-later'),
  );
  const mode =
    st.rows === 'service' ? [rows, network] : st.rows === 'isp' ? [rows, service] : [rows, service, network];
  return h('div', { class: 'controls' }, h('div', { class: 'control-row' }, ...mode, dateBox), presets);
}
