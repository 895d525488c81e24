import { api } from '../api.ts';
import { ispLabel } from '../catalog.ts';
import { h, mount } from '../dom.ts';
import { status, t } from '../i18n/index.ts';
import { href } from '../router.ts';
import { fmtDateTime, type Tz } from '../time.ts';
import type { MeasurementSummary, Network } from '../types.ts';
import { traceView } from './trace.ts';
import { verdictCard } from './verdict.ts';

/** Sample measurements of an event; the first is loaded and shown with its full step trace. */
export function evidenceSection(ev: MeasurementSummary[], nets: Map<string, Network>, tz: Tz): HTMLElement {
  const first = h('div', { class: 'evidence-trace' }, t('loading'));
  const list = h(
    'ul',
    { class: 'evidence-list' },
    ...ev.map((m) =>
      h(
        'li',
        {},
        h(
          'a',
          { href: href('measurement', m.measurement_uid), class: 'sample-link' },
          m.input ?? m.test_name,
        ),
        ` · ${ispLabel(nets, m.probe_asn, false)} · ${fmtDateTime(Date.parse(m.measurement_start_time), tz)} · `,
        h('span', { class: `badge st-${m.verdict?.status ?? 'none'}` }, status(m.verdict?.status ?? null)),
        m.verdict?.reason ? h('div', { class: 'muted reason', dir: 'auto' }, m.verdict.reason) : null,
      ),
    ),
  );
  const sample = ev[0];
  if (sample) {
    api
      .measurement(sample.measurement_uid)
      .then((d) => {
        const collector = d.verdicts.find((v) => v.source === 'collector') ?? d.verdicts[0] ?? null;
        mount(
          first,
          h(
            'h3',
            {},
            `${t('open_measurement')}: `,
            h('a', { href: href('measurement', sample.measurement_uid) }, sample.input ?? sample.test_name),
          ),
          verdictCard(t('verdict_collector'), collector),
          traceView(d.measurement, collector?.evidence ?? []),
        );
        first.dataset.ready = '1';
      })
      .catch(() => mount(first, t('not_found')));
  } else {
    mount(first, t('none'));
  }
  return h(
    'section',
    { class: 'evidence' },
    h('h2', {}, t('evidence')),
    h('p', {}, t('evidence_intro')),
    list,
    first,
  );
}
