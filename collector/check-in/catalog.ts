/**
 * What check-in hands out: suites (target lists) and a schedule, per country and network. Data, not code:
 *
 * - defaults: the probe's own suites (probe/suites/*.json), no schedule (the probe keeps its own defaults);
 * - an operator directory (`--check-in-dir DIR`) overrides or adds, most specific first:
 *   `DIR/CC/ASN/<suite>.json` beats `DIR/CC/<suite>.json` beats `DIR/<suite>.json` beats the default;
 *   `schedule.json` (`{ "<suite>": "<cron>" }`) at each level, merged per suite the same way.
 *
 * Every file is validated with the probe's own suite loader (probe/suites/load.ts) when read; an error names
 * the file and the entry, and nothing of a bad directory is ever served.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validate as validCron } from 'node-cron';
import { loadSuites, parseSuite, SUITES_DIR } from '../../probe/suites/load.ts';
import type { CheckInSuite } from '../../schemas/src/api.ts';

export class CheckInConfigError extends Error {}

export interface CheckInLists {
  suites: CheckInSuite[];
  schedule: Record<string, string>;
  /** hash of suites + schedule */
  version: string;
}

interface Layer {
  suites: Map<string, CheckInSuite>;
  schedule: Record<string, string>;
}

export interface Catalog {
  /** the lists for a probe in country `cc`, network `asn` (memoised) */
  resolve(cc: string, asn: string): CheckInLists;
  /** files read (for logs) */
  files: number;
}

const CC = /^[A-Z]{2}$/;
const ASN = /^AS\d{1,10}$/;
const SCHEDULE_FILE = 'schedule.json';
const emptyLayer = (): Layer => ({ suites: new Map(), schedule: {} });

function fail(rel: string, msg: string): never {
  throw new CheckInConfigError(`check-in lists: ${rel}: ${msg}`);
}

function readJson(path: string, rel: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(rel, (err as Error).message);
  }
}

function readSchedule(path: string, rel: string): Record<string, string> {
  const json = readJson(path, rel);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail(rel, 'a schedule must be an object { "<suite>": "<cron expression>" }');
  const out: Record<string, string> = {};
  for (const [suite, cron] of Object.entries(json)) {
    if (!/^[a-z0-9_]{1,64}$/.test(suite)) fail(rel, `"${suite}": not a suite name ([a-z0-9_]{1,64})`);
    if (typeof cron !== 'string' || !validCron(cron))
      fail(rel, `"${suite}": ${JSON.stringify(cron)} is not a cron expression (5 fields, or 6 with seconds)`);
    out[suite] = cron;
  }
  return out;
}

/** One level of the directory: its suite files and schedule; subdirectories are handed to `sub`. */
function readLevel(dir: string, prefix: string, sub: (name: string, path: string) => void): Layer {
  const layer = emptyLayer();
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('.md')) continue;
    const path = join(dir, name);
    const rel = prefix + name;
    if (statSync(path).isDirectory()) {
      sub(name, path);
      continue;
    }
    if (!name.endsWith('.json')) fail(rel, 'unexpected file (suites are <name>.json, plus schedule.json)');
    if (name === SCHEDULE_FILE) {
      layer.schedule = readSchedule(path, rel);
      continue;
    }
    let suite: CheckInSuite;
    try {
      suite = parseSuite(readJson(path, rel), rel);
    } catch (err) {
      if (err instanceof CheckInConfigError) throw err;
      throw new CheckInConfigError(`check-in lists: ${(err as Error).message}`);
    }
    if (`${suite.suite}.json` !== name)
      fail(rel, `"suite" is "${suite.suite}" but the file is named ${name} (must be ${suite.suite}.json)`);
    layer.suites.set(suite.suite, suite);
  }
  return layer;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** sha256 of a value's canonical JSON (sorted keys), 32 hex digits. */
export function contentHash(v: unknown): string {
  return createHash('sha256').update(canonical(v)).digest('hex').slice(0, 32);
}

function merge(layers: Layer[]): Omit<CheckInLists, 'version'> {
  const suites = new Map<string, CheckInSuite>();
  const schedule: Record<string, string> = {};
  for (const l of layers) {
    for (const [name, s] of l.suites) suites.set(name, s);
    Object.assign(schedule, l.schedule);
  }
  return { suites: [...suites.values()].sort((a, b) => a.suite.localeCompare(b.suite)), schedule };
}

/**
 * Reads and validates everything; throws CheckInConfigError naming the file and entry. `dir` null = the
 * defaults only. `defaultsDir` (tests) replaces probe/suites.
 */
export function loadCatalog(dir: string | null, defaultsDir = SUITES_DIR): Catalog {
  const defaults = emptyLayer();
  for (const s of loadSuites(defaultsDir)) defaults.suites.set(s.suite, s);
  const countries = new Map<string, Layer>();
  const networks = new Map<string, Layer>();
  let global = emptyLayer();
  if (dir !== null) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new CheckInConfigError(`check-in lists: ${dir} is not a directory`);
    global = readLevel(dir, '', (cc, ccPath) => {
      if (!CC.test(cc)) fail(`${cc}/`, 'a directory here must be a country code (two capital letters)');
      countries.set(
        cc,
        readLevel(ccPath, `${cc}/`, (asn, asnPath) => {
          if (!ASN.test(asn)) fail(`${cc}/${asn}/`, 'a directory here must be a network (AS<number>)');
          networks.set(
            `${cc}/${asn}`,
            readLevel(asnPath, `${cc}/${asn}/`, (deeper) => fail(`${cc}/${asn}/${deeper}/`, 'too deep')),
          );
        }),
      );
    });
  }
  const chain = (cc: string, asn: string): Layer[] =>
    [defaults, global, countries.get(cc), networks.get(`${cc}/${asn}`)].filter((l): l is Layer => !!l);

  // every schedule entry names a suite that exists where it applies
  const check = (rel: string, layers: Layer[]) => {
    const { suites } = merge(layers);
    const names = new Set(suites.map((s) => s.suite));
    for (const suite of Object.keys(layers[layers.length - 1].schedule))
      if (!names.has(suite)) fail(rel, `"${suite}": no such suite here (known: ${[...names].join(', ')})`);
  };
  check(SCHEDULE_FILE, [defaults, global]);
  for (const cc of countries.keys()) check(`${cc}/${SCHEDULE_FILE}`, chain(cc, ''));
  for (const key of networks.keys()) {
    const [cc, asn] = key.split('/');
    check(`${key}/${SCHEDULE_FILE}`, chain(cc, asn));
  }

  const memo = new Map<string, CheckInLists>();
  const files =
    [global, ...countries.values(), ...networks.values()].reduce(
      (n, l) => n + l.suites.size + (Object.keys(l.schedule).length ? 1 : 0),
      0,
    ) + defaults.suites.size;
  return {
    files,
    resolve(cc, asn) {
      // only known keys are memoised separately: any other network shares its country's (or the global) entry
      const key = networks.has(`${cc}/${asn}`) ? `${cc}/${asn}` : countries.has(cc) ? cc : '';
      let lists = memo.get(key);
      if (!lists) {
        const merged = merge(chain(cc, asn));
        lists = { ...merged, version: contentHash(merged) };
        memo.set(key, lists);
      }
      return lists;
    },
  };
}
