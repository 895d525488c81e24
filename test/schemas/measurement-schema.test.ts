import { readFileSync } from 'node:fs';
import test from 'ava';
import { analyzeMeasurement } from '../../probe/analysis/index.ts';
import { validateMeasurement } from '../../schemas/validate.ts';

function readmeExample(): Record<string, unknown> {
  const text = readFileSync(new URL('../../schemas/README.md', import.meta.url), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error('schemas/README.md has no json example');
  return JSON.parse(block[1]);
}

test('the documented example is a valid measurement', (t) => {
  const r = validateMeasurement(readmeExample());
  t.true(r.ok, r.ok ? '' : r.error);
});

test('the documented example carries the verdict the analysis gives it', (t) => {
  const m = readmeExample() as { raabta: { verdict: unknown } };
  t.deepEqual(analyzeMeasurement(m as never), m.raabta.verdict);
});

test('a missing field is named in the error', (t) => {
  const m = readmeExample();
  delete m.probe_asn;
  const r = validateMeasurement(m);
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /probe_asn/);
});

test('a failure outside the closed vocabulary is rejected', (t) => {
  const m = readmeExample() as { test_keys: { failure: string } };
  m.test_keys.failure = 'blocked_by_censor';
  const r = validateMeasurement(m);
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /test_keys\/failure/);
});

test('unknown_failure with a detail is accepted', (t) => {
  const m = readmeExample() as { test_keys: { failure: string } };
  m.test_keys.failure = 'unknown_failure: weird socket state';
  t.true(validateMeasurement(m).ok);
});

test('a probe IP other than the placeholder is rejected', (t) => {
  const m = readmeExample();
  m.probe_ip = '203.0.113.7';
  const r = validateMeasurement(m);
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /probe_ip/);
});

test('an unknown field is rejected and named', (t) => {
  const m = readmeExample();
  m.probe_lat = 33.6;
  const r = validateMeasurement(m);
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /probe_lat/);
});
