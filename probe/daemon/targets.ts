/**
 * Targets for a run: `--target URL` (web, suite 'adhoc'), a path to one's own JSON file, or a suite by name:
 * the collector's copy from the last good check-in when it has one (probe/identity/check-in.ts, already
 * checked with the suite loader), else the built-in probe/suites/<name>.json (probe/suites/load.ts). Risky
 * categories are left out unless the configuration enables them, wherever the suite came from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_SCHEDULE } from '../config/config.ts';
import { loadSuite as loadBuiltInSuite, SUITES_DIR } from '../suites/load.ts';
import type { Target, TargetKind } from '../target.ts';

const KINDS: TargetKind[] = ['web', 'tcp', 'dns', 'openvpn', 'wireguard', 'ikev2', 'tor'];

/** Suites handed out centrally (CheckInResult.suites). */
export interface CentralLists {
  suites: { suite: string; targets: Target[] }[];
  schedule: Record<string, string>;
}

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

/** Built-in suite names (probe/suites/*.json). */
export function suiteNames(dir = SUITES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'));
}

/**
 * The targets of suite `name`: a JSON file path (one's own suite), the central copy in `central`, or the
 * built-in suite.
 */
export async function loadSuite(name: string, central?: CentralLists | null): Promise<Target[]> {
  if (name.endsWith('.json') && existsSync(name)) return readSuiteFile(name);
  const fromCollector = central?.suites.find((s) => s.suite === name);
  if (fromCollector) return fromCollector.targets;
  if (!suiteNames().includes(name)) {
    const known = [...new Set([...suiteNames(), ...(central?.suites.map((s) => s.suite) ?? [])])].sort();
    throw new Error(`unknown suite "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  return loadBuiltInSuite(name).targets;
}

/**
 * The schedule to run: the configuration's, with the collector's entries for suites the volunteer did not
 * set (a suite at its default cron, or not listed and not a default suite). What the volunteer set, or
 * disabled with null (`disabled`: ProbeConfig.schedule_disabled, needed for suites that are not default
 * ones), wins. Central entries for suites this probe does not have are ignored.
 */
export function mergeSchedule(
  local: Record<string, string>,
  central: CentralLists | null | undefined,
  defaults: Record<string, string> = DEFAULT_SCHEDULE,
  disabled: readonly string[] = [],
): Record<string, string> {
  const out = { ...local };
  const known = new Set([...suiteNames(), ...(central?.suites.map((s) => s.suite) ?? [])]);
  for (const [suite, cron] of Object.entries(central?.schedule ?? {})) {
    const volunteerSet =
      disabled.includes(suite) || (suite in defaults ? local[suite] !== defaults[suite] : suite in local);
    if (!volunteerSet && known.has(suite)) out[suite] = cron;
  }
  return out;
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
