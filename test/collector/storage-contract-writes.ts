/** Storage contract: ingest, verdicts, re-scoring, probes. */
import type { VerdictRecord } from '../../collector/storage/types.ts';
import { batchOf, H, m, T0, type WithStorage } from './storage-contract-kit.ts';

export function writeContract(withStorage: WithStorage): void {
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
}
