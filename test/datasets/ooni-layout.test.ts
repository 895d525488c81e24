import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { exportDay } from '../../collector/datasets/export-day.ts';
import { readJsonlLines } from '../../collector/datasets/ooni-import.ts';
import { fromOoniLayout, toOoniLayout } from '../../collector/datasets/ooni-layout.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { generated, generateItems } from './helpers/generate.ts';

const DAY = '2024-11-10';
type Obj = Record<string, unknown>;

test('the OONI layout keeps the envelope and OONI trace keys, and moves Raabta-only parts under x_raabta', (t) => {
  const { m } = generated(DAY, 2);
  const collector = { status: 'blocked' as const, method: 'tls', confidence: 0.9, analysis_version: 'web-1' };
  const o = toOoniLayout(m as unknown as Obj, collector);
  for (const k of [
    'measurement_uid',
    'report_id',
    'probe_asn',
    'probe_cc',
    'test_name',
    'input',
    'measurement_start_time',
  ]) {
    t.deepEqual(o[k], (m as unknown as Obj)[k], k);
  }
  t.false('raabta' in o);
  t.deepEqual(o.x_raabta, m.raabta);
  t.deepEqual(o.x_raabta_collector_verdict, collector);
  const tk = o.test_keys as Obj;
  for (const k of [
    'queries',
    'tcp_connect',
    'tls_handshakes',
    'requests',
    'network_events',
    'failure',
    'failed_operation',
  ]) {
    t.true(k in tk, k);
  }
  for (const k of ['handshakes', 'throughput', 'control']) t.false(k in tk, k);
  t.deepEqual(tk.x_raabta_control, m.test_keys.control);
  t.deepEqual(tk.x_raabta_handshakes, m.test_keys.handshakes);
});

test('fromOoniLayout undoes toOoniLayout: the result is the same valid measurement', (t) => {
  for (const i of [0, 1, 2, 7]) {
    const { m, collector } = generated(DAY, i, true);
    const back = fromOoniLayout(JSON.parse(JSON.stringify(toOoniLayout(m as unknown as Obj, collector))));
    t.deepEqual(back.measurement, m as unknown as Obj);
    t.deepEqual(back.collector, collector);
    t.true(validateMeasurement(back.measurement).ok);
  }
});

test('the ooni.jsonl.gz export has one OONI-layout measurement per line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-ooni-layout-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const m = await exportDay({
    date: DAY,
    items: generateItems(DAY, 40),
    outDir: dir,
    formats: ['ooni.jsonl.gz'],
  });
  t.is(m?.files[0].name, `raabta-${DAY}.ooni.jsonl.gz`);
  let n = 0;
  for await (const line of readJsonlLines(join(dir, DAY, `raabta-${DAY}.ooni.jsonl.gz`))) {
    const o = JSON.parse(line) as Obj;
    const { m: want } = generated(DAY, n);
    t.is(o.measurement_uid, want.measurement_uid);
    t.is(o.data_format_version, '0.2.0');
    t.truthy(o.x_raabta);
    n++;
  }
  t.is(n, 40);
});
