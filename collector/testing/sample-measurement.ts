/**
 * Valid measurements for tests and benchmarks, built from the documented example in schemas/README.md
 * (so they follow the format as documented) with the fields a test wants to vary.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';

let example: Measurement | undefined;

export function documentedExample(): Measurement {
  if (!example) {
    const text = readFileSync(new URL('../../schemas/README.md', import.meta.url), 'utf8');
    const block = /```json\n([\s\S]*?)```/.exec(text);
    if (!block) throw new Error('schemas/README.md has no json example');
    example = JSON.parse(block[1]) as Measurement;
  }
  return structuredClone(example);
}

export interface SampleOptions {
  start?: Date;
  uid?: string;
  probe_id?: string | null;
  probe_asn?: string;
  probe_cc?: string;
  network_name?: string | null;
  input?: string;
  target_group?: string;
  /** the probe's verdict; null for none */
  verdict?: Pick<Verdict, 'status' | 'method'> | null;
  simulated?: boolean;
}

export function ooniTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function sampleUid(d: Date, cc = 'PK'): string {
  const stamp = d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}_${cc}_web_${randomBytes(8).toString('hex')}`;
}

export function sampleMeasurement(o: SampleOptions = {}): Measurement {
  const m = documentedExample();
  const start = o.start ?? new Date('2024-11-10T08:15:00Z');
  m.measurement_uid = o.uid ?? sampleUid(start, o.probe_cc ?? 'PK');
  m.measurement_start_time = ooniTime(start);
  m.test_start_time = ooniTime(start);
  if (o.probe_id !== undefined) m.raabta.probe_id = o.probe_id;
  if (o.probe_asn) m.probe_asn = o.probe_asn;
  if (o.probe_cc) m.probe_cc = o.probe_cc;
  if (o.network_name !== undefined) m.probe_network_name = o.network_name;
  if (o.input) m.input = o.input;
  if (o.target_group) m.raabta.target_group = o.target_group;
  if (o.verdict === null) m.raabta.verdict = null;
  else if (o.verdict && m.raabta.verdict) {
    m.raabta.verdict.status = o.verdict.status;
    m.raabta.verdict.method = o.verdict.method;
  }
  if (o.simulated) m.annotations = { ...m.annotations, simulated: 'true' };
  return m;
}
