import { api } from '../api.ts';
import { ispLabel, loadNetworks } from '../catalog.ts';
import { datasetTable } from '../components/dataset-table.ts';
import { feedUrl } from '../components/share.ts';
import { h, mount } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { failed, loading, tzOf } from '../layout.ts';
import { fmtDateTime } from '../time.ts';
import type { Coverage } from '../types.ts';

export const SCHEMA_URL = '/schemas/measurement.schema.json';

function curlExamples(origin: string): string {
  return [
    '# Events (JSON), then one event with its evidence',
    `curl -s '${origin}/api/v1/events?since=2024-11-01T00:00:00Z&until=2024-12-01T00:00:00Z'`,
    `curl -s '${origin}/api/v1/events/<id>'`,
    '# Hourly timeline of the VPN protocols, one series per network',
    `curl -s '${origin}/api/v1/timeline?since=2024-11-10T00:00:00Z&until=2024-11-11T00:00:00Z&bucket=1h&group_by=target_group&by_asn=1&target_group=openvpn'`,
    '# Blocked measurements on one network, then one raw measurement',
    `curl -s '${origin}/api/v1/measurements?probe_asn=AS17557&status=blocked&limit=50'`,
    `curl -s '${origin}/api/v1/measurements/<measurement_uid>/raw'`,
    '# A daily file, checked against the manifest',
    `curl -s '${origin}/api/v1/datasets' | jq '.results[0]'`,
    `curl -sO '${origin}/api/v1/datasets/2024-11-10/<name>' && sha256sum <name>`,
  ].join('\n');
}

function coverageTable(cov: Coverage[], nets: Awaited<ReturnType<typeof loadNetworks>>): HTMLElement {
  const tz = tzOf();
  return h(
    'table',
    { class: 'coverage' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[t('network'), t('probes_h'), t('measurements_h'), t('last_seen')].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...cov.map((c) =>
        h(
          'tr',
          { class: c.probes < 3 ? 'sparse' : null },
          h(
            'td',
            {},
            nets.has(c.probe_asn) ? ispLabel(nets, c.probe_asn) : `${c.network_name ?? ''} (${c.probe_asn})`,
          ),
          h('td', { class: 'num' }, `${c.probes}${c.probes < 3 ? ` · ${t('few_probes')}` : ''}`),
          h('td', { class: 'num' }, String(c.measurements)),
          h('td', {}, c.last_seen ? fmtDateTime(Date.parse(c.last_seen), tz) : '—'),
        ),
      ),
    ),
  );
}

export async function dataView(main: HTMLElement, date: string | null = null): Promise<void> {
  loading(main);
  try {
    const [sets, cov, nets] = await Promise.all([
      api.datasets(),
      api.coverage().catch(() => []),
      loadNetworks(),
    ]);
    document.title = `${t('data_title')} — ${t('app_name')}`;
    mount(
      main,
      h('h1', {}, t('data_title')),
      h('section', {}, h('h2', {}, t('downloads')), datasetTable(sets, date)),
      h(
        'section',
        {},
        h('h2', {}, t('schema')),
        h('p', {}, t('schema_text'), ' ', h('a', { href: SCHEMA_URL, class: 'schema-link' }, SCHEMA_URL)),
      ),
      h(
        'section',
        {},
        h('h2', {}, t('api_examples')),
        h('pre', { class: 'curl', dir: 'ltr' }, curlExamples(location.origin)),
      ),
      h('section', {}, h('h2', {}, t('coverage')), coverageTable(cov, nets)),
      h(
        'p',
        {},
        h('a', { href: feedUrl({}), class: 'atom-link', type: 'application/atom+xml' }, t('atom_all')),
      ),
    );
    main.dataset.chart = 'ready';
  } catch (err) {
    failed(main, err);
  }
}
