/**
 * The collector's measurement validator: the published JSON Schema file (schemas/measurement.schema.json),
 * compiled by ajv after factoring repeated subschemas into `$defs` (`inlineRefs: false`). The schema as
 * generated inlines everything; ajv then emits one ~800 KB function that V8 never optimises (~120 µs per
 * measurement). Factoring keeps the exact same constraints and error paths and runs ~6× faster.
 *
 * Compiled by ajv's core class, not `Ajv2020`: the schema uses no keyword whose meaning differs between
 * draft-07 and 2020-12 (no `unevaluated*`, `prefixItems`, `$dynamicRef`, array-form `items`;
 * `assertSameKeywords` checks at compile time), and `Ajv2020` always tracks evaluated properties for
 * `unevaluated*`, which stops every `anyOf` from returning at its first matching branch: each `failure` field
 * was tested against all 33 names of the failure vocabulary, allocating an error object per miss (half the
 * validation time of a trace). test/collector/validator.test.ts checks it agrees with schemas/validate.ts.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { describeErrors } from '../../schemas/validate.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Keywords of 2020-12 that draft-07 ajv would not apply the same way: refuse to compile if any appears. */
const DRAFT_2020_ONLY = new Set([
  'unevaluatedProperties',
  'unevaluatedItems',
  'prefixItems',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  'dependentRequired',
  'dependentSchemas',
  'minContains',
  'maxContains',
]);

function assertSameKeywords(s: Json, path = '#'): void {
  if (Array.isArray(s)) {
    s.forEach((x, i) => {
      assertSameKeywords(x, `${path}/${i}`);
    });
    return;
  }
  if (s === null || typeof s !== 'object') return;
  for (const [k, v] of Object.entries(s)) {
    if (DRAFT_2020_ONLY.has(k) || (k === 'items' && Array.isArray(v))) {
      throw new Error(`${path}/${k}: a 2020-12 keyword the collector's validator does not compile`);
    }
    if (!DATA.has(k)) assertSameKeywords(v, `${path}/${k}`);
  }
}

/** Keywords whose value is a map of name → subschema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data, not a schema. */
const DATA = new Set(['enum', 'const', 'required', 'examples', 'default', 'description', 'title']);
const MIN_FACTOR_LENGTH = 300;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function factorSchema(root: { [k: string]: Json }): { [k: string]: Json } {
  const defs: Record<string, Json> = {};
  const names = new Map<string, string>();
  const walk = (s: Json, isRoot: boolean): Json => {
    if (Array.isArray(s)) return s.map((x) => walk(x, false));
    if (s === null || typeof s !== 'object') return s;
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(s)) {
      if (SCHEMA_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
        out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, walk(sub, false)]));
      } else if (DATA.has(k)) out[k] = v;
      else out[k] = walk(v, false);
    }
    if (isRoot || '$id' in out || '$anchor' in out) return out;
    const key = JSON.stringify(out);
    if (key.length < MIN_FACTOR_LENGTH) return out;
    let name = names.get(key);
    if (!name) {
      name = `f${names.size}`;
      names.set(key, name);
      defs[name] = out;
    }
    return { $ref: `#/$defs/${name}` };
  };
  const out = walk(root, true) as { [k: string]: Json };
  out.$defs = { ...((out.$defs as Record<string, Json>) ?? {}), ...defs };
  return out;
}

let compiled: ValidateFunction<Measurement> | undefined;

export function fastMeasurementValidator(): ValidateFunction<Measurement> {
  if (!compiled) {
    const url = new URL('../../schemas/measurement.schema.json', import.meta.url);
    const schema = factorSchema(JSON.parse(readFileSync(url, 'utf8')));
    assertSameKeywords(schema);
    delete schema.$schema; // the 2020-12 meta-schema is not loaded in the core class
    const ajv = new Ajv({ allErrors: false, strict: false, inlineRefs: false });
    addFormats(ajv);
    compiled = ajv.compile<Measurement>(schema);
  }
  return compiled;
}

export function validateFast(m: unknown): { ok: true; value: Measurement } | { ok: false; error: string } {
  const v = fastMeasurementValidator();
  if (v(m)) return { ok: true, value: m };
  return { ok: false, error: describeErrors(v.errors) };
}
