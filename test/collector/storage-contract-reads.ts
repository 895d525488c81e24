/** Storage contract: listing, timeline, coverage, events. */
import { batchOf, H, m, T0, type WithStorage } from './storage-contract-kit.ts';

export function readContract(withStorage: WithStorage): void {
  withStorage('listing is newest first, filtered, and pages with a stable cursor', async (t, s) => {
    const ms = Array.from({ length: 25 }, (_, i) =>
      m({
        start: new Date(T0 + i * 60_000),
        target_group: i % 2 ? 'x' : 'news',
        probe_asn: i % 3 ? 'AS17557' : 'AS38193',
      }),
    );
    await s.ingest([batchOf('p_a', ms.slice(0, 10)), batchOf('p_a', ms.slice(10))]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.listMeasurements({ limit: 7, cursor });
      seen.push(...page.rows.map((r) => r.uid));
      cursor = page.next_cursor ?? undefined;
      // a newer measurement arriving between pages must not disturb the walk
      if (seen.length === 7) await s.ingest([batchOf('p_a', [m({ start: new Date(T0 + 99 * 60_000) })])]);
    } while (cursor);
    t.deepEqual(seen, ms.map((x) => x.measurement_uid).reverse());
    const x = await s.listMeasurements({ limit: 100, target_group: 'x', probe_asn: 'AS17557' });
    t.true(x.rows.length > 0);
    t.true(x.rows.every((r) => r.target_group === 'x' && r.probe_asn === 'AS17557'));
    const ranged = await s.listMeasurements({
      limit: 100,
      since_ms: T0 + 5 * 60_000,
      until_ms: T0 + 8 * 60_000,
    });
    t.deepEqual(
      ranged.rows.map((r) => r.start_ms),
      [T0 + 7 * 60_000, T0 + 6 * 60_000, T0 + 5 * 60_000],
    );
    await t.throwsAsync(() => s.listMeasurements({ limit: 5, cursor: 'garbage' }), { message: /cursor/ });
  });

  withStorage('timeline counts by status, method and distinct probes per bucket', async (t, s) => {
    const blocked = { status: 'blocked' as const, method: 'tls' as const };
    await s.ingest([
      batchOf(
        'p_a',
        [
          m({ start: new Date(T0), verdict: blocked, probe_id: 'p_a' }),
          m({ start: new Date(T0 + 60_000), verdict: { status: 'ok', method: null }, probe_id: 'p_a' }),
        ],
        () => null,
      ),
      batchOf('p_b', [m({ start: new Date(T0 + 2 * H), verdict: blocked, probe_id: 'p_b' })], () => null),
      batchOf('p_c', [m({ start: new Date(T0 + 2 * H), verdict: blocked, probe_id: 'p_c' })], () => null),
    ]);
    const cells = await s.timeline({
      bucket: '1h',
      since_ms: T0 - H,
      until_ms: T0 + 5 * H,
      group_by: 'target_group',
      by_asn: false,
    });
    t.is(cells.length, 2);
    const [c1, c2] = cells.sort((a, b) => a.t_ms - b.t_ms);
    t.like(c1, { t_ms: T0, probes: 1, counts: { ok: 1, blocked: 1, down: 0, error: 0, inconclusive: 0 } });
    t.deepEqual(c1.methods, { tls: 1 });
    t.like(c2, { t_ms: T0 + 2 * H, probes: 2, counts: { blocked: 2 } });
    const day = await s.timeline({
      bucket: '1d',
      since_ms: T0 - H,
      until_ms: T0 + 5 * H,
      group_by: 'input',
      by_asn: true,
    });
    t.is(day.length, 1);
    t.like(day[0], {
      probes: 3,
      probe_asn: 'AS17557',
      input: 'https://x.com/',
      counts: { blocked: 3, ok: 1 },
    });
    const none = await s.timeline({
      bucket: '10m',
      since_ms: T0 + 10 * H,
      until_ms: T0 + 11 * H,
      group_by: 'target_group',
      by_asn: false,
    });
    t.deepEqual(none, []);
  });

  withStorage('coverage counts probes and measurements per network', async (t, s) => {
    await s.ingest([
      batchOf('p_a', [m({ probe_id: 'p_a' }), m({ probe_id: 'p_a' })]),
      batchOf('p_b', [m({ probe_id: 'p_b', probe_asn: 'AS38193', network_name: 'Jazz' })]),
    ]);
    const rows = (await s.coverage()).sort((a, b) => a.probe_asn.localeCompare(b.probe_asn));
    t.like(rows[0], { probe_asn: 'AS17557', probes: 1, measurements: 2 });
    t.like(rows[1], { probe_asn: 'AS38193', probes: 1, measurements: 1, network_name: 'Jazz' });
    t.false(Object.keys(rows[0]).some((k) => k.includes('probe_id')));
  });

  withStorage('events are upserted by key, keep admin titles, and collect notes', async (t, s) => {
    const e = {
      key: 'x|PK|AS17557|2024-11-10',
      title: 'X blocked on PTCL',
      target_group: 'x',
      cc: 'PK',
      asns: ['AS17557'],
      methods: ['tls'],
      start_ms: T0,
      end_ms: null,
      severity: 'high',
      peak_share: 0.9,
      probes: 4,
      status: 'open' as const,
      simulated: false,
      evidence: [],
    };
    await s.upsertEvents([e]);
    const [listed] = await s.listEvents({ limit: 10 });
    t.like(listed, { title: 'X blocked on PTCL', status: 'open', asns: ['AS17557'] });
    const edited = await s.editEvent(listed.id, {
      title: 'Curated title',
      note: 'confirmed by reports',
      at_ms: T0 + H,
    });
    t.like(edited, { title: 'Curated title', notes: [{ at_ms: T0 + H, text: 'confirmed by reports' }] });
    await s.upsertEvents([{ ...e, title: 'detector title', status: 'closed', end_ms: T0 + 5 * H }]);
    t.like(await s.getEvent(listed.id), { title: 'Curated title', status: 'closed', end_ms: T0 + 5 * H });
    t.is((await s.listEvents({ limit: 10, probe_asn: 'AS38193' })).length, 0);
    t.is((await s.listEvents({ limit: 10, probe_asn: 'AS17557', status: 'closed' })).length, 1);
    t.is((await s.listEvents({ limit: 10, since_ms: T0 + 6 * H })).length, 0, 'ended before since');
    t.is(await s.editEvent('ev_missing', { note: 'x', at_ms: T0 }), null);
  });
}
