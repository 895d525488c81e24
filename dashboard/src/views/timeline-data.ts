import { api } from '../api.ts';
import { ispLabel, loadNetworks, SERVICES, serviceOrder } from '../catalog.ts';
import type { HeatRow } from '../charts/heatmap.ts';
import { svc, t } from '../i18n/index.ts';
import type { Network, RaabtaEvent, TimelineSeries } from '../types.ts';
import { seriesQuery, type TimelineState } from './timeline-state.ts';

export interface TimelineData {
  rows: HeatRow[];
  events: RaabtaEvent[];
  simulated: boolean;
  networks: Map<string, Network>;
  /** Human name of the scope: "All networks" or "PTCL (AS17557)", with the service in isp/target modes. */
  scopeLabel: string;
  /** "All networks" or the network filter's name. */
  placeLabel: string;
}

/** Fetches series, events and networks for a timeline state and shapes them into heatmap rows. */
export async function loadTimeline(st: TimelineState): Promise<TimelineData> {
  const since = new Date(st.from).toISOString();
  const until = new Date(st.to).toISOString();
  const countryQuery =
    st.rows === 'isp' ? { ...seriesQuery({ ...st, rows: 'service' }), target_group: st.group ?? '' } : null;
  const eventQuery: Record<string, string> = { since, until, limit: '200' };
  if (st.group && st.rows !== 'service') eventQuery.target_group = st.group;
  if (st.asn && st.rows !== 'isp') eventQuery.probe_asn = st.asn;
  const [networks, main, country, events] = await Promise.all([
    loadNetworks(),
    api.timeline(seriesQuery(st)),
    countryQuery ? api.timeline(countryQuery) : Promise.resolve(null),
    api.events(eventQuery).catch(() => [] as RaabtaEvent[]),
  ]);
  let rows: HeatRow[];
  if (st.rows === 'service') {
    const byGroup = new Map(main.series.map((s) => [s.key.target_group, s]));
    rows = serviceOrder([...SERVICES, ...byGroup.keys()]).map((g) => ({
      key: g,
      label: svc(g),
      buckets: byGroup.get(g)?.buckets ?? [],
    }));
  } else if (st.rows === 'isp') {
    const byAsn = new Map<string, TimelineSeries>();
    for (const s of main.series)
      if (s.key.probe_asn && s.key.target_group === st.group) byAsn.set(s.key.probe_asn, s);
    const asns = [...new Set([...networks.keys(), ...byAsn.keys()])].sort((a, b) =>
      ispLabel(networks, a).localeCompare(ispLabel(networks, b)),
    );
    rows = [
      { key: 'all', label: t('all_networks'), buckets: country?.series[0]?.buckets ?? [] },
      ...asns.map((a) => ({
        key: a,
        label: ispLabel(networks, a, false),
        buckets: byAsn.get(a)?.buckets ?? [],
      })),
    ];
  } else {
    rows = main.series
      .map((s) => ({ key: s.key.input ?? '', label: s.key.input ?? '?', buckets: s.buckets }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }
  const place = st.asn && st.rows !== 'isp' ? ispLabel(networks, st.asn) : t('all_networks');
  const scopeLabel =
    st.rows === 'service' ? place : `${svc(st.group ?? '')} — ${st.rows === 'isp' ? t('rows_isp') : place}`;
  return {
    rows,
    events,
    simulated: main.simulated || Boolean(country?.simulated) || events.some((e) => e.simulated),
    networks,
    scopeLabel,
    placeLabel: place,
  };
}
