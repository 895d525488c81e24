/**
 * Suites are data (probe/suites/*.json), versioned, updated by operators without code changes:
 * `{ "suite": "x", "version": "2026-11-28", "description"?, "category_code"?, "targets": [Target…] }`.
 * A target may omit `suite` (filled in) and `category_code` (the suite's, else null). Loading validates
 * everything and names the bad entry: `suite x (x.json): targets[3] (input "…"): …`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target, TargetKind } from '../target.ts';
import { parseDnsInput, parseHostPort, parseWebInput } from '../tests/inputs.ts';

export interface Suite {
  suite: string;
  version: string;
  description?: string;
  targets: Target[];
}

export const SUITES_DIR = fileURLToPath(new URL('.', import.meta.url));
const KINDS: TargetKind[] = ['web', 'tcp', 'dns', 'openvpn', 'wireguard', 'ikev2', 'tor'];
const TARGET_FIELDS = new Set(['input', 'kind', 'suite', 'group', 'category_code', 'throughput', 'params']);
const NAME = /^[a-z0-9_]{1,64}$/;
const CATEGORY = /^[A-Z][A-Z0-9_]{1,15}$/;

export class SuiteError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkInput(kind: TargetKind, input: string): void {
  if (kind === 'web') parseWebInput(input);
  else if (kind === 'tcp') parseHostPort(input);
  else if (kind === 'dns') parseDnsInput(input);
  else if (!/^[a-z0-9]+:\/\/\S+$/i.test(input))
    throw new Error(`${kind} input must look like ${kind}://host:port/…`);
}

function checkThroughput(v: unknown): Target['throughput'] {
  if (!isObj(v)) throw new Error('throughput must be an object');
  const { path, maxBytes, maxSeconds, ...rest } = v;
  if (Object.keys(rest).length) throw new Error(`throughput has unknown field "${Object.keys(rest)[0]}"`);
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    throw new Error('throughput.path must start with /');
  if (
    maxBytes !== undefined &&
    !(Number.isInteger(maxBytes) && (maxBytes as number) > 0 && (maxBytes as number) <= 64 * 1024 * 1024)
  )
    throw new Error('throughput.maxBytes must be an integer from 1 to 64 MiB');
  if (maxSeconds !== undefined && !(typeof maxSeconds === 'number' && maxSeconds > 0 && maxSeconds <= 60))
    throw new Error('throughput.maxSeconds must be a number from 0 to 60');
  return v as Target['throughput'];
}

function parseTarget(raw: unknown, suite: string, suiteCategory: string | null): Target {
  if (!isObj(raw)) throw new Error('must be an object');
  const unknown = Object.keys(raw).find((k) => !TARGET_FIELDS.has(k));
  if (unknown) throw new Error(`unknown field "${unknown}"`);
  const { input, kind, group } = raw;
  if (typeof input !== 'string' || !input || input.length > 4096)
    throw new Error('input must be a non-empty string');
  if (typeof kind !== 'string' || !KINDS.includes(kind as TargetKind))
    throw new Error(`kind "${String(kind)}" is not one of ${KINDS.join(', ')}`);
  if (typeof group !== 'string' || !NAME.test(group)) throw new Error('group must match [a-z0-9_]{1,64}');
  if (raw.suite !== undefined && raw.suite !== suite)
    throw new Error(`suite "${String(raw.suite)}" differs from the file's "${suite}"`);
  const category = raw.category_code === undefined ? suiteCategory : raw.category_code;
  if (category !== null && (typeof category !== 'string' || !CATEGORY.test(category)))
    throw new Error(`category_code "${String(category)}" is not a Citizen Lab code`);
  if (raw.params !== undefined && !isObj(raw.params)) throw new Error('params must be an object');
  checkInput(kind as TargetKind, input);
  const t: Target = {
    input,
    kind: kind as TargetKind,
    suite,
    group,
    category_code: category as string | null,
  };
  if (raw.throughput !== undefined) t.throughput = checkThroughput(raw.throughput);
  if (raw.params !== undefined) t.params = raw.params as Obj;
  return t;
}

export function parseSuite(json: unknown, source: string): Suite {
  const where = (s: string) => `suite ${s} (${source})`;
  if (!isObj(json)) throw new SuiteError(`${source}: a suite must be a JSON object`);
  const { suite, version, description, targets } = json;
  if (typeof suite !== 'string' || !NAME.test(suite))
    throw new SuiteError(`${source}: "suite" must match [a-z0-9_]{1,64}`);
  if (typeof version !== 'string' || !version || version.length > 32)
    throw new SuiteError(`${where(suite)}: "version" must be a short string`);
  if (description !== undefined && typeof description !== 'string')
    throw new SuiteError(`${where(suite)}: "description" must be a string`);
  const suiteCategory = (json.category_code as string | undefined) ?? null;
  if (!Array.isArray(targets) || targets.length === 0)
    throw new SuiteError(`${where(suite)}: "targets" must be a non-empty array`);
  const seen = new Set<string>();
  const parsed = targets.map((raw, i) => {
    const label = `targets[${i}]${isObj(raw) && typeof raw.input === 'string' ? ` (input "${raw.input}")` : ''}`;
    try {
      const t = parseTarget(raw, suite, suiteCategory);
      const key = `${t.kind} ${t.input}`;
      if (seen.has(key)) throw new Error('duplicate of an earlier target');
      seen.add(key);
      return t;
    } catch (err) {
      throw new SuiteError(`${where(suite)}: ${label}: ${(err as Error).message}`);
    }
  });
  return { suite, version, ...(description ? { description } : {}), targets: parsed };
}

export function loadSuiteFile(path: string): Suite {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SuiteError(`${basename(path)}: ${(err as Error).message}`);
  }
  return parseSuite(json, basename(path));
}

export function loadSuite(name: string, dir = SUITES_DIR): Suite {
  if (!NAME.test(name)) throw new SuiteError(`invalid suite name "${name}"`);
  return loadSuiteFile(join(dir, `${name}.json`));
}

/** Every *.json suite in `dir`, sorted by name. */
export function loadSuites(dir = SUITES_DIR): Suite[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadSuiteFile(join(dir, f)));
}
