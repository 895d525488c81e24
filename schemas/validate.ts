/** Validation against the published JSON Schema file (the same file researchers download). */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Measurement } from './src/measurement.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: ValidateFunction<Measurement> | undefined;

export function measurementValidator(): ValidateFunction<Measurement> {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(new URL('./measurement.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats(ajv);
    compiled = ajv.compile<Measurement>(schema);
  }
  return compiled;
}

/** One readable sentence naming the offending field, e.g. `/test_keys/queries/0/hostname: must be string`. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'invalid';
  const e = errors[0];
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (e.keyword === 'required') {
    return `${where}: missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
  }
  return `${where}: ${e.message ?? 'invalid'}`;
}

export function validateMeasurement(
  m: unknown,
): { ok: true; value: Measurement } | { ok: false; error: string } {
  const v = measurementValidator();
  if (v(m)) return { ok: true, value: m };
  return { ok: false, error: describeErrors(v.errors) };
}
