/**
 * The Storage contract, as a suite any implementation runs: `storageContract('sqlite', factory)`.
 * Everything goes through prepareBatch (the real ingest preparation), so implementations see the same
 * prepared batches the HTTP route produces.
 */
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { prepareBatch } from '../../collector/ingest/prepare.ts';
import type { PreparedBatch, Storage, VerdictRecord } from '../../collector/storage/types.ts';
import { type SampleOptions, sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';

export type StorageFactory = () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;

const analyze = createAnalyzer();
const H = 3600_000;
const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);

export function batchOf(probeId: string, ms: Measurement[], analyzer = analyze): PreparedBatch {
  const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: probeId, measurements: ms })));
  const r = prepareBatch(
    {
      body,
      encoding: 'gzip',
      signature: null,
      probe_id: probeId,
      caller_ips: [],
      received_ms: T0,
      max_decompressed_bytes: 1 << 26,
    },
    analyzer,
    Date.now(),
  );
  if (!r.ok) throw new Error(`${r.code}: ${r.message} ${JSON.stringify(r.results ?? '')}`);
  return r.batch;
}

const m = (o: SampleOptions) => sampleMeasurement({ probe_id: 'p_a', ...o });

export function storageContract(name: string, factory: StorageFactory): void {
  const withStorage = (title: string, fn: (t: import('ava').ExecutionContext, s: Storage) => Promise<void>) =>
    test(`${name}: ${title}`, async (t) => {
      const { storage, cleanup } = await factory();
      t.teardown(cleanup);
      await fn(t, storage);
    });

  withStorage(
    'ingest stores new measurements and reports duplicates, within and across batches',
    async (t, s) => {
      const a = m({ start: new Date(T0) });
      const b = m({ start: new Date(T0) });
      const [first] = await s.ingest([batchOf('p_a', [a, b, a])]);
      t.deepEqual(first, { statuses: ['accepted', 'accepted', 'duplicate'] });
      const [second] = await s.ingest([batchOf('p_a', [b, m({ start: new Date(T0 + 1000) })])]);
      t.deepEqual(second, { statuses: ['duplicate', 'accepted'] });
      t.is((await s.stats()).measurements, 3);
      t.deepEqual(await s.verifyRollups(), []);
    },
  );

  withStorage('each batch of a group commit is all or nothing', async (t, s) => {
    const good = batchOf('p_a', [m({})]);
    const bad = batchOf('p_a', [m({}), m({})]);
    // the second measurement cannot be written (NOT NULL), after the first one already was
    (bad.measurements[1] as { uid: unknown }).uid = null;
    const after = batchOf('p_a', [m({})]);
    const out = await s.ingest([good, bad, after]);
    t.deepEqual(out[0], { statuses: ['accepted'] });
    t.true('error' in out[1]);
    t.deepEqual(out[2], { statuses: ['accepted'] });
    t.is((await s.stats()).measurements, 2);
    t.is(await s.getMeasurement(bad.measurements[0].uid), null, 'nothing of the failed batch remains');
    t.deepEqual(await s.verifyRollups(), []);
  });

  withStorage('a measurement comes back with its exact bytes and every verdict', async (t, s) => {
    const x = m({ verdict: { status: 'ok', method: null } });
    await s.ingest([batchOf('p_a', [x])]);
    const d = await s.getMeasurement(x.measurement_uid);
    t.truthy(d);
    t.is(d!.raw.toString('utf8'), JSON.stringify(x));
    t.deepEqual(d!.verdicts.map((v) => v.source).sort(), ['collector', 'probe']);
    t.is(d!.summary.verdict?.source, 'collector', 'the current verdict is the collector one');
    t.is(await s.getMeasurement('nonexistent-uid'), null);
  });

  withStorage('without a collector analysis the probe verdict is current', async (t, s) => {
    const x = m({ verdict: { status: 'blocked', method: 'dns' } });
    await s.ingest([batchOf('p_a', [x], () => null)]);
    const d = await s.getMeasurement(x.measurement_uid);
    t.deepEqual(
      d!.verdicts.map((v) => v.source),
      ['probe'],
    );
    t.like(d!.summary.verdict, { source: 'probe', status: 'blocked', method: 'dns' });
  });

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

  withStorage('replacing collector verdicts moves rollup counts and keeps raw data', async (t, s) => {
    const x = m({ start: new Date(T0), verdict: { status: 'ok', method: null } });
    await s.ingest([batchOf('p_a', [x], () => null)]);
    const [row] = await s.scanRaw({ after_key: null, since_ms: 0, limit: 10 });
    t.is(row.uid, x.measurement_uid);
    const verdict: VerdictRecord = {
      source: 'collector',
      analysis_version: 'test-2',
      status: 'blocked',
      method: 'dns',
      confidence: 0.9,
      reason: 'rescored',
      evidence: ['/test_keys/queries/0'],
    };
    t.is(await s.replaceCollectorVerdicts([{ key: row.key, verdict }]), 1);
    t.deepEqual(await s.verifyRollups(), []);
    const d = await s.getMeasurement(x.measurement_uid);
    t.is(d!.raw.toString('utf8'), JSON.stringify(x), 'raw untouched');
    t.like(d!.summary.verdict, { source: 'collector', status: 'blocked', method: 'dns' });
    t.is(d!.verdicts.length, 2);
    const cells = await s.timeline({
      bucket: '1h',
      since_ms: T0,
      until_ms: T0 + H,
      group_by: 'target_group',
      by_asn: false,
    });
    t.like(cells[0].counts, { ok: 0, blocked: 1 });
    t.is(
      await s.replaceCollectorVerdicts([{ key: row.key, verdict }]),
      0,
      'same verdict again: nothing moves',
    );
  });

  withStorage('probes register once per key and expose only their key', async (t, s) => {
    const key = new Uint8Array(32).fill(7);
    const rec = {
      probe_id: 'p_x',
      public_key: key,
      software_name: 'raabta-probe',
      software_version: '1',
      platform: null,
      created_ms: T0,
    };
    t.deepEqual(await s.registerProbe(rec), { probe_id: 'p_x', created: true });
    t.deepEqual(await s.registerProbe({ ...rec, probe_id: 'p_y' }), { probe_id: 'p_x', created: false });
    t.deepEqual(Buffer.from((await s.probeKey('p_x'))!), Buffer.from(key));
    t.is(await s.probeKey('p_nope'), null);
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
