import { api } from '../api.ts';
import { ispLabel, loadNetworks } from '../catalog.ts';
import { simulatedBadge } from '../components/event-card.ts';
import { shareBar } from '../components/share.ts';
import { traceView } from '../components/trace.ts';
import { arr, obj, str } from '../components/trace-steps.ts';
import { verdictCard } from '../components/verdict.ts';
import { h, mount } from '../dom.ts';
import { svc, t } from '../i18n/index.ts';
import { failed, loading, markSimulated, tzOf } from '../layout.ts';
import { fmtDateTime } from '../time.ts';
import type { FullVerdict } from '../types.ts';

/** OONI time "YYYY-MM-DD HH:MM:SS" (UTC) → ms. */
function ooniTime(v: string): number {
  return Date.parse(`${v.replace(' ', 'T')}Z`);
}

export async function measurementView(main: HTMLElement, uid: string): Promise<void> {
  loading(main);
  try {
    const [detail, nets] = await Promise.all([api.measurement(uid), loadNetworks()]);
    const m = detail.measurement;
    const rb = obj(m.raabta);
    const ann = obj(m.annotations);
    const simulated = str(ann.simulated) === 'true';
    markSimulated(simulated);
    const verdicts = Array.isArray(detail.verdicts) ? detail.verdicts : [];
    const probeV = verdicts.find((v) => v.source === 'probe') ?? ((rb.verdict as FullVerdict | null) || null);
    const collectorV = verdicts.find((v) => v.source === 'collector') ?? null;
    const when = ooniTime(str(m.measurement_start_time));
    const tz = tzOf();
    const asn = str(m.probe_asn);
    const input = str(m.input) || str(m.test_name);
    document.title = `${t('measurement')}: ${input} — ${t('app_name')}`;
    const facts: [string, string][] = [
      [t('target'), input],
      [t('service'), svc(str(rb.target_group))],
      [t('test'), `${str(m.test_name)} ${str(m.test_version)}`],
      [
        t('network'),
        `${nets.has(asn) ? ispLabel(nets, asn) : asn} · ${str(m.probe_network_name)} · ${str(m.probe_cc)}`,
      ],
      [
        t('time'),
        Number.isFinite(when)
          ? `${fmtDateTime(when, tz)} · ${fmtDateTime(when, 'utc')}`
          : str(m.measurement_start_time),
      ],
      ['measurement_uid', str(m.measurement_uid) || uid],
    ];
    const evidence = [...arr(probeV ? [probeV] : []), ...arr(collectorV ? [collectorV] : [])].flatMap((v) =>
      Array.isArray(v.evidence) ? v.evidence.map(str) : [],
    );
    mount(
      main,
      h(
        'h1',
        { class: 'measurement-title' },
        `${t('measurement')}: `,
        h('span', { class: 'm-input' }, input),
        simulated ? simulatedBadge() : null,
      ),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h(
        'div',
        { class: 'verdicts two-col' },
        verdictCard(t('verdict_probe'), probeV),
        verdictCard(t('verdict_collector'), collectorV),
      ),
      h(
        'p',
        {},
        h('a', { href: api.rawUrl(uid), class: 'raw-link', type: 'application/json' }, t('raw_json')),
      ),
      traceView(m, evidence),
      shareBar({ name: `raabta-measurement-${uid}` }),
    );
    main.dataset.chart = 'ready';
  } catch (err) {
    failed(main, err);
  }
}
