/**
 * Targets for a run: `--target URL` (web, suite 'adhoc') or a suite from probe/suites/*.json (through
 * probe/suites/load.ts when it exists, else a minimal reader of the JSON files). Risky categories are left
 * out unless the configuration enables them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target, TargetKind } from '../target.ts';

const SUITES_DIR = fileURLToPath(new URL('../suites/', import.meta.url));
const KINDS: TargetKind[] = ['web', 'tcp', 'dns', 'openvpn', 'wireguard', 'ikev2', 'tor'];

export function adhocTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--target "${url}" is not a URL (expected e.g. https://example.org/)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`--target "${url}" must be an http:// or https:// URL`);
  }
  const host = u.hostname.replace(/^www\./, '');
  const group = /^[a-z0-9.-]+$/i.test(host) ? host.toLowerCase().slice(0, 64) : 'adhoc';
  return { input: url, kind: 'web', suite: 'adhoc', group, category_code: null };
}

function asTarget(
  raw: Record<string, unknown>,
  suite: string,
  defaults: Record<string, unknown>,
): Target | null {
  const r = { ...defaults, ...raw };
  const input = (r.input ?? r.url) as string | undefined;
  const kind = (r.kind ?? 'web') as TargetKind;
  if (typeof input !== 'string' || !KINDS.includes(kind)) return null;
  const t: Target = {
    input,
    kind,
    suite,
    group: String(r.group ?? r.target_group ?? suite),
    category_code: (r.category_code as string | null | undefined) ?? null,
  };
  if (r.throughput) t.throughput = r.throughput as Target['throughput'];
  if (r.params) t.params = r.params as Record<string, unknown>;
  if (r.risky === true) (t as Target & { risky?: boolean }).risky = true;
  return t;
}

/** Minimal reader: `{ name?, targets: [...] }` or `[...]`, each `{ input|url, kind?, group?, category_code? }`. */
export function readSuiteFile(file: string): Target[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const name = basename(file, '.json');
  const obj = (Array.isArray(json) ? { targets: json } : json) as Record<string, unknown>;
  const suite = String(obj.name ?? obj.suite ?? name);
  const defaults: Record<string, unknown> = {};
  for (const k of ['kind', 'group', 'target_group', 'category_code']) if (k in obj) defaults[k] = obj[k];
  const list = (obj.targets ?? obj.inputs ?? []) as Record<string, unknown>[];
  return list
    .map((r) => asTarget(typeof r === 'string' ? { input: r } : r, suite, defaults))
    .filter((t) => !!t);
}

export function suiteNames(dir = SUITES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'));
}

/** The targets of suite `name` (the shared loader when present, otherwise the JSON file). */
export async function loadSuite(name: string, dir = SUITES_DIR): Promise<Target[]> {
  // A path to a JSON file of one's own targets (same format) works as a suite name too.
  if (name.endsWith('.json') && existsSync(name)) return readSuiteFile(name);
  if (dir === SUITES_DIR && existsSync(join(SUITES_DIR, 'load.ts'))) {
    const mod = (await import('../suites/load.ts' as string)) as Record<string, unknown>;
    const fn = (mod.loadSuite ?? mod.default) as ((n: string) => unknown) | undefined;
    if (typeof fn === 'function') {
      const s = (await fn(name)) as Target[] | { targets: Target[] };
      return Array.isArray(s) ? s : s.targets;
    }
  }
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    const known = suiteNames(dir);
    throw new Error(`unknown suite "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  return readSuiteFile(file);
}

/** Splits targets into those to run and those skipped for being in a risky category not enabled. */
export function filterRisky(
  targets: Target[],
  risky: string[],
  enabled: string[],
): { run: Target[]; skipped: Target[] } {
  const on = new Set(enabled.map((c) => c.toUpperCase()));
  const bad = new Set(risky.map((c) => c.toUpperCase()).filter((c) => !on.has(c)));
  const run: Target[] = [];
  const skipped: Target[] = [];
  for (const t of targets) {
    const cat = t.category_code?.toUpperCase() ?? null;
    const flagged = (t as Target & { risky?: boolean }).risky === true && !(cat && on.has(cat));
    if ((cat && bad.has(cat)) || flagged) skipped.push(t);
    else run.push(t);
  }
  return { run, skipped };
}
