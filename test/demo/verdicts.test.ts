import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { ingestMeasurements } from '../../collector/ingest/local-ingest.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import type { MeasurementSummaryRow } from '../../collector/storage/types.ts';
import { buildMeasurement } from '../../scripts/demo/build/index.ts';
import { DEMO_SCENARIO, DEMO_SEED, type Observation, simulate } from '../../scripts/demo/index.ts';

const want = (o: Observation) => (o.outcome === 'blocked' ? `blocked:${o.method}` : o.outcome);
const got = (v: { status: string; method: string | null } | null) =>
  v ? (v.status === 'blocked' ? `blocked:${v.method}` : v.status) : 'none';

test("the collector's own analysis gives every demo measurement the verdict it was made to show", (t) => {
  const analyze = createAnalyzer((name, err) => t.fail(`${name}: ${err.message}`));
  const confusion = new Map<string, number>();
  for (const o of simulate(DEMO_SCENARIO, DEMO_SEED).observations()) {
    const m = buildMeasurement(o, DEMO_SEED);
    const k = `${m.test_name} ${want(o)} → ${got(analyze(m))}`;
    confusion.set(k, (confusion.get(k) ?? 0) + 1);
  }
  const wrong = [...confusion].filter(([k]) => {
    const [, a, , b] = k.split(' ');
    return a !== b;
  });
  t.deepEqual(wrong, []);
  const kinds = new Set([...confusion.keys()].map((k) => k.split(' → ')[0]));
  for (const k of [
    'web blocked:tls',
    'web blocked:throttle',
    'web ok',
    'web down',
    'web error',
    'tcp ok',
    'tcp blocked:tcp',
  ]) {
    t.true(kinds.has(k), `the demo has ${k}`);
  }
  for (const p of ['openvpn', 'wireguard', 'ikev2']) t.true(kinds.has(`${p} blocked:protocol`), p);
});

test('ingested into the collector (validation, analysis, storage) the demo keeps those verdicts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-demo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const storage = openSqliteStorage({ path: join(dir, 'demo.db') });
  t.teardown(() => storage.close());
  // the VPN day: every kind of test and verdict, a few thousand measurements
  const from = Date.parse('2024-11-09T19:00:00Z');
  const until = Date.parse('2024-11-10T19:00:00Z');
  const sim = simulate(DEMO_SCENARIO, DEMO_SEED);
  const obs = [...sim.observations(until)].filter((o) => o.t_ms >= from);
  const r = await ingestMeasurements(
    storage,
    obs.map((o) => buildMeasurement(o, DEMO_SEED)),
    { analyze: createAnalyzer(), fallbackProbeId: 'demo' },
  );
  t.like(r, { accepted: obs.length, invalid: 0, duplicate: 0 });
  const stored: MeasurementSummaryRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.listMeasurements({ since_ms: from, until_ms: until, limit: 1000, cursor });
    stored.push(...page.rows);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  t.is(stored.length, obs.length);
  const byUid = new Map(stored.map((s) => [s.uid, s]));
  const mismatches: string[] = [];
  for (const o of obs) {
    const m = buildMeasurement(o, DEMO_SEED);
    const s = byUid.get(m.measurement_uid);
    if (!s || got(s.verdict) !== want(o) || s.verdict?.source !== 'collector' || !s.simulated)
      mismatches.push(`${m.measurement_uid}: ${want(o)} vs ${got(s?.verdict ?? null)}`);
  }
  t.deepEqual(mismatches.slice(0, 5), []);
  t.true(stored.some((s) => s.verdict?.method === 'protocol'));
  const probes = new Set(obs.map((o) => o.probe.probe_id)).size;
  t.true(probes >= 35);
  t.is(
    (await storage.coverage()).reduce((n, c) => n + c.probes, 0),
    probes,
    'distinct probes counted by probe id',
  );
});
