/**
 * The collector's validator (ajv's core class over the factored schema) against schemas/validate.ts (Ajv2020
 * over the published file) on the recorded lab traces, with every `failure` field of each trace set to each
 * kind of value: the same verdict, and for invalid ones the same error sentence.
 */
import test from 'ava';
import { validateFast } from '../../collector/ingest/validator.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { templatesOf } from '../../scripts/bench/data.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths of every `failure` key in a measurement. */
function failurePaths(v: Json, path: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, x] of Object.entries(v)) {
    const p = [...path, Array.isArray(v) ? Number(k) : k];
    if (k === 'failure' && !Array.isArray(v)) out.push(p);
    out.push(...failurePaths(x as Json, p));
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): void {
  let o = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  o[path[path.length - 1]] = value;
}

const VALUES: Json[] = [
  null,
  'connection_refused',
  'unknown_failure', // the last name of the vocabulary
  'unknown_failure: odd detail',
  'blocked_by_censor',
  7,
  `unknown_failure: ${'x'.repeat(600)}`,
];

test('fast and reference validators agree on every recorded trace and failure value', (t) => {
  let checked = 0;
  for (const template of templatesOf()) {
    const ref = validateMeasurement(template);
    t.true(ref.ok, 'the recorded trace is valid');
    t.true(validateFast(structuredClone(template)).ok);
    for (const path of failurePaths(template as unknown as Json)) {
      for (const value of VALUES) {
        const m = structuredClone(template) as unknown as Json;
        setAt(m, path, value);
        const a = validateMeasurement(m);
        const b = validateFast(m);
        t.is(b.ok, a.ok, `${path.join('/')} = ${JSON.stringify(value)}`);
        if (!a.ok && !b.ok) t.is(b.error, a.error);
        checked++;
      }
    }
  }
  t.true(checked > 500, `${checked} cases`);
});
